"""Words, languages and the client's asks, in English, Ukrainian and Spanish."""

from __future__ import annotations

import pytest

from bidcraft.ai import requirements, text

SHOPIFY_JOB = """We run a Shopify store selling handmade candles (about 300 products). PageSpeed mobile: 38.
Requirements:
- Proven experience optimizing Shopify themes (Liquid, JavaScript)
- Must not break our subscription app (Recharge)
What PageSpeed scores have you achieved for other stores? Please share links.
How long would the work take?
Start your proposal with the word "wick" so we know you read this."""

UK_JOB = """Шукаємо дизайнера для редизайну логотипу кав'ярні у Львові.
Вимоги:
- досвід у брендингу від 3 років
Скільки варіантів логотипу ви пропонуєте? Які терміни?"""

ES_JOB = """Necesitamos migrar nuestro blog (600 artículos) desde Blogger a WordPress.
Es imprescindible conservar las URLs y el SEO. ¿Ha realizado migraciones similares?"""


def test_words_of_any_script_are_whole_words() -> None:
    assert text.words("Я маю 5 років досвіду, пам’ять; diseñador Node.js C#") == [
        "Я", "маю", "років", "досвіду", "пам'ять", "diseñador", "Node.js", "C#",
    ]  # fmt: skip


def test_a_decomposed_letter_is_one_letter() -> None:
    decomposed = "мі" + "и\u0306"  # й as и + combining breve: split in two without NFC
    assert text.words(f"зроблю {decomposed} сайт") == ["зроблю", "мій", "сайт"]


def test_stems_meet_across_inflections() -> None:
    assert text.stem("магазину") == text.stem("магазин")
    assert text.stem("diseñadora") == text.stem("diseño")
    assert text.stem("Tracking") == text.stem("track")


@pytest.mark.parametrize(
    ("sample", "code"),
    [
        ("Доброго дня! Я розробив три інтернет-магазини на Shopify і можу почати завтра.", "uk"),
        ("Hola, soy diseñadora gráfica con ocho años de experiencia en identidad de marca.", "es"),
        ("Hi, I have built twelve REST APIs with FastAPI and PostgreSQL for logistics teams.", "en"),
        ("Привіт", "uk"),
        ("¡Hola!", "es"),
    ],
)
def test_language_is_detected(sample: str, code: str) -> None:
    assert text.language(sample) == code


def test_numbers_keep_units_and_grouping() -> None:
    assert text.numbers("cut by 43%, saved $12,000 in 3 months for 1 200 users") == [
        "43%",
        "$12,000",
        "3",
        "1 200",
    ]


def test_english_asks_are_requirements_questions_and_an_instruction() -> None:
    asks = requirements.extract(SHOPIFY_JOB)
    kinds = [(a.kind, a.label()) for a in asks]
    assert ("requirement", "Proven experience optimizing Shopify themes (Liquid, JavaScript)") in kinds
    assert ("question", "What PageSpeed scores have you achieved for other stores?") in kinds
    instruction = next(a for a in asks if a.kind == "instruction")
    assert instruction.word == "wick"
    assert not any(a.text == "Requirements:" for a in asks)


def test_unanswered_asks_are_named_and_answered_ones_are_not() -> None:
    asks = requirements.extract(SHOPIFY_JOB)
    proposal = (
        "Wick. I optimized Liquid themes of Shopify stores; Recharge subscriptions stay safe. Two weeks."
    )
    left = [a.label() for a in requirements.unanswered(asks, proposal)]
    assert "What PageSpeed scores have you achieved for other stores?" in left
    assert "Proven experience optimizing Shopify themes (Liquid, JavaScript)" not in left
    assert "How long would the work take?" not in left  # a duration answers a question about time
    assert not any(a.kind == "instruction" for a in requirements.unanswered(asks, proposal))
    assert any(a.kind == "instruction" for a in requirements.unanswered(asks, "I optimized Shopify themes."))


def test_ukrainian_and_spanish_asks() -> None:
    uk = requirements.extract(UK_JOB)
    assert [a.kind for a in uk] == ["requirement", "requirement", "question", "question"]
    answer = "Пропоную три варіанти логотипу, термін — 10 днів; маю досвід брендингу кав'ярень."
    assert [a.label() for a in requirements.unanswered(uk, answer)] == [
        "Шукаємо дизайнера для редизайну логотипу кав'ярні у Львові"
    ]
    es = requirements.extract(ES_JOB)
    assert [a.kind for a in es] == ["requirement", "requirement", "question"]
    left = requirements.unanswered(es, "He realizado tres migraciones similares de Blogger a WordPress.")
    assert [a.label() for a in left] == ["Es imprescindible conservar las URLs y el SEO"]


def test_a_description_without_asks_gives_none() -> None:
    assert requirements.extract("Hello. We are a small bakery in Lyon.") == []
