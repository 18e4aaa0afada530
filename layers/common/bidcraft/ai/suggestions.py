"""Suggestions of the offline analysis, written in the proposal's language (English, Ukrainian, Spanish;
English for any other). Each message quotes the text it is about or names the job's unanswered ask, so the
freelancer knows what to change and where."""

from __future__ import annotations

from bidcraft.ai import text

SUPPORTED = ("en", "uk", "es")

_MESSAGES: dict[str, dict[str, str]] = {
    "question": {
        "en": "Answer the client's question: “{ask}”",
        "uk": "Дайте відповідь на запитання клієнта: «{ask}»",
        "es": "Responda a la pregunta del cliente: «{ask}»",
    },
    "requirement": {
        "en": "The job asks for “{ask}”; say how you meet it, with an example.",
        "uk": "У вакансії вимога «{ask}»; покажіть, як ви її виконаєте, на прикладі.",
        "es": "El anuncio pide «{ask}»; explique cómo lo cumple, con un ejemplo.",
    },
    "instruction": {
        "en": "The client asked to include the word “{ask}”; the proposal does not contain it.",
        "uk": "Клієнт просив додати слово «{ask}», а в пропозиції його немає.",
        "es": "El cliente pidió incluir la palabra «{ask}» y la propuesta no la contiene.",
    },
    "claim": {
        "en": "“{quote}” is a claim; back it with a result you can show (a number, a link, a named project).",
        "uk": "«{quote}» — це лише твердження; підкріпіть його результатом (цифра, посилання, назва проєкту).",
        "es": "«{quote}» es una afirmación; respáldela con un resultado (una cifra, un enlace, un proyecto).",
    },
    "no_proof": {
        "en": "Add proof: a link to similar work and one measured result (before → after, %, time saved).",
        "uk": "Додайте докази: посилання на схожу роботу й один виміряний результат (було → стало, %, час).",
        "es": "Añada pruebas: un enlace a un trabajo similar y un resultado medido (antes → después, %, tiempo).",
    },
    "cliche": {
        "en": "“{quote}” reads like a template; replace it with something only this client's job could prompt.",
        "uk": "«{quote}» звучить як шаблон; замініть це тим, що стосується саме цієї вакансії.",
        "es": "«{quote}» suena a plantilla; sustitúyalo por algo que solo este proyecto podría motivar.",
    },
    "echo": {
        "en": "Much of the text repeats the job post (“{quote}”); the client knows it — say how you would do it.",
        "uk": "Значна частина тексту переказує вакансію («{quote}»); клієнт це знає — напишіть, як ви це зробите.",
        "es": "Gran parte del texto repite el anuncio («{quote}»); el cliente ya lo sabe: diga cómo lo haría.",
    },
    "off_topic": {
        "en": "The text does not address this job ({terms}); write about what the client asked for.",
        "uk": "Текст не стосується цієї вакансії ({terms}); напишіть про те, що просить клієнт.",
        "es": "El texto no trata de este proyecto ({terms}); escriba sobre lo que pide el cliente.",
    },
    "plan": {
        "en": "Outline how you would do the work: two or three steps with a timeline.",
        "uk": "Опишіть, як ви виконаєте роботу: два-три кроки й терміни.",
        "es": "Describa cómo haría el trabajo: dos o tres pasos con plazos.",
    },
    "too_long": {
        "en": "The proposal has {count} words; cut it to what proves you fit — clients skim.",
        "uk": "У пропозиції {count} слів; залиште те, що доводить вашу відповідність, — клієнти читають побіжно.",
        "es": "La propuesta tiene {count} palabras; deje lo que demuestra que encaja: los clientes leen en diagonal.",
    },
    "too_short": {
        "en": "The proposal has {count} words; add how you would approach this job and one piece of proof.",
        "uk": "У пропозиції {count} слів; додайте, як ви підійдете до завдання, і один доказ.",
        "es": "La propuesta tiene {count} palabras; añada cómo abordaría el trabajo y una prueba.",
    },
    "good": {
        "en": "Strong proposal: it answers the client and shows proof. Proofread it once more before sending.",
        "uk": "Сильна пропозиція: відповідає клієнту й має докази. Перечитайте її ще раз перед відправкою.",
        "es": "Propuesta sólida: responde al cliente y aporta pruebas. Revísela una vez más antes de enviarla.",
    },
}  # fmt: skip


def say(key: str, language: str, **values: object) -> str:
    """The message `key` in `language` (English when not supported), with quotes shortened."""
    lang = language if language in SUPPORTED else "en"
    shortened = {k: text.shorten(v, 80) if isinstance(v, str) else v for k, v in values.items()}
    return _MESSAGES[key][lang].format(**shortened)
