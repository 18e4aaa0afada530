"""Which language a job is written in: script first, then function words. Deterministic, linear, no I/O.

Cyrillic text is Ukrainian when it has letters Russian lacks (і ї є ґ) or more Ukrainian than Russian
function words, else Russian. Latin text is scored on short lists of the most frequent function words of
English, Spanish, German, French and Portuguese (plus Spanish-only marks `ñ ¿ ¡`). English wins ties, and
texts with fewer than `MIN_EVIDENCE` function words (`E-commerce website development`): most Upwork postings
are English. Skill names and code are mostly English in every language, but they are not function words, so
they do not tip the balance.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "to",
            "of",
            "for",
            "with",
            "is",
            "are",
            "we",
            "you",
            "a",
            "in",
            "on",
            "our",
            "be",
            "will",
            "have",
            "this",
            "that",
            "it",
            "an",
            "or",
            "need",
            "looking",
            "who",
            "can",
            "your",
            "from",
            "should",
            "must",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "de",
            "del",
            "que",
            "y",
            "en",
            "para",
            "con",
            "una",
            "un",
            "por",
            "es",
            "se",
            "al",
            "como",
            "necesito",
            "necesitamos",
            "buscamos",
            "debe",
            "su",
            "sus",
            "lo",
            "más",
            "o",
            "nuestro",
            "nuestra",
            "tiene",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "wir",
            "ein",
            "eine",
            "mit",
            "für",
            "nicht",
            "auf",
            "zu",
            "sie",
            "ich",
            "suchen",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "les",
            "des",
            "et",
            "est",
            "nous",
            "une",
            "un",
            "pour",
            "avec",
            "dans",
            "sur",
            "pas",
            "vous",
            "je",
            "cherchons",
            "du",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "os",
            "as",
            "e",
            "da",
            "do",
            "das",
            "dos",
            "em",
            "para",
            "com",
            "uma",
            "um",
            "não",
            "você",
            "nós",
            "é",
            "procuramos",
        ]
    ),
}
_UK_WORDS = frozenset(
    [
        "і",
        "й",
        "та",
        "що",
        "як",
        "це",
        "для",
        "або",
        "ми",
        "ви",
        "потрібно",
        "потрібен",
        "потрібна",
        "треба",
        "шукаємо",
        "має",
        "є",
        "також",
        "якщо",
        "ваш",
        "наш",
        "від",
        "до",
        "на",
        "з",
        "зі",
        "у",
        "в",
    ]
)
_RU_WORDS = frozenset(
    [
        "и",
        "что",
        "как",
        "это",
        "для",
        "или",
        "мы",
        "вы",
        "нужно",
        "нужен",
        "нужна",
        "ищем",
        "есть",
        "также",
        "если",
        "ваш",
        "наш",
        "от",
    ]
)
# Words of short Spanish posts that carry no function word ("Tienda online WooCommerce urgente").
_ES_JOB_WORDS = frozenset(
    [
        "busco",
        "quiero",
        "queremos",
        "hacer",
        "sitio",
        "página",
        "tienda",
        "diseño",
        "desarrollo",
        "urgente",
        "proyecto",
        "aplicación",
        "crear",
        "desarrollador",
        "diseñador",
        "traducción",
        "traductor",
        "redactor",
        "artículos",
    ]
)
MAX_SAMPLE = 4_000  # characters read: enough to tell, bounded on any input
MIN_EVIDENCE = 2  # function words (or Spanish marks) before a Latin text counts as other than English
_UK_LETTERS = frozenset("іїєґ")
_RU_LETTERS = frozenset("ыэъё")


def detect(text: str) -> str:
    """ISO 639-1 code of `text`'s language (`en` when there is nothing to go on)."""
    lowered = text[:MAX_SAMPLE].lower()
    cyrillic = sum(1 for ch in lowered if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in lowered if "a" <= ch <= "z" or ch in "áéíóúñüàâçèêëîïôùûäöß")
    words = _WORD.findall(lowered)
    if cyrillic > latin:
        uk = sum(1 for ch in lowered if ch in _UK_LETTERS) * 2 + sum(w in _UK_WORDS for w in words)
        ru = sum(1 for ch in lowered if ch in _RU_LETTERS) * 2 + sum(w in _RU_WORDS for w in words)
        return "ru" if ru > uk else "uk"
    scores = {lang: sum(w in bank for w in words) for lang, bank in _FUNCTION_WORDS.items()}
    scores["es"] += 2 * sum(1 for ch in lowered if ch in "ñ¿¡") + sum(w in _ES_JOB_WORDS for w in words)
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] >= MIN_EVIDENCE else "en"
