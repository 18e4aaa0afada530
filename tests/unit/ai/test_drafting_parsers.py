"""The readers under drafting: timelines, the job's language, and its questions and requirements."""

from __future__ import annotations

import pytest

from bidcraft.ai.drafting import language, specifics, timeline


@pytest.mark.parametrize(
    ("text", "low", "high", "unit", "urgent"),
    [
        ("2 weeks", 2, 2, "week", False),
        ("2-3 months", 2, 3, "month", False),
        ("1 to 2 years", 1, 2, "year", False),
        ("less than 1 month", 0.5, 1, "month", False),
        ("More than 6 months", 6, 9, "month", False),
        ("about 1.5 months", 1.5, 1.5, "month", False),
        ("a month", 1, 1, "month", False),
        ("40 hours", 40, 40, "hour", False),
        ("within 10 days, ASAP", 5, 10, "day", True),
        ("3 тижні", 3, 3, "week", False),
        ("від 2 до 3 місяців", 2, 3, "month", False),
        ("протягом тижня", 1, 1, "week", False),
        ("півтора місяці", 1.5, 1.5, "month", False),
        ("1 рік", 1, 1, "year", False),
        ("de 2 a 3 semanas", 2, 3, "week", False),
        ("entre 2 y 3 semanas", 2, 3, "week", False),
        ("un mes", 1, 1, "month", False),
        ("tres meses", 3, 3, "month", False),
    ],
)
def test_timelines_in_three_languages(text: str, low: float, high: float, unit: str, urgent: bool) -> None:
    parsed = timeline.parse(text)
    assert parsed is not None
    assert (parsed.low, parsed.high, parsed.unit, parsed.urgent) == (low, high, unit, urgent)


@pytest.mark.parametrize(
    "text", ["ASAP", "urgent!", "терміново", "якнайшвидше", "urgente", "lo antes posible"]
)
def test_urgency_without_a_duration(text: str) -> None:
    parsed = timeline.parse(text)
    assert parsed is not None
    assert (parsed.unit, parsed.urgent, parsed.days) == (None, True, None)


@pytest.mark.parametrize("text", [None, "", "no rush", "flexible", "whenever"])
def test_no_timeline_is_no_guess(text: str | None) -> None:
    assert timeline.parse(text) is None


def test_working_days_per_unit() -> None:
    assert timeline.parse("2 weeks").days == (10, 10)  # type: ignore[union-attr]
    assert timeline.parse("2-3 months").days == (42, 63)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We need a developer for our Shopify store with a custom checkout.", "en"),
        ("E-commerce website development", "en"),
        ("Потрібно створити сайт для кав'ярні з меню та бронюванням.", "uk"),
        ("Нужно сделать сайт для кафе, это срочно.", "ru"),
        ("Necesitamos una tienda online con pasarela de pago para nuestra marca.", "es"),
        ("Tienda online WooCommerce urgente", "es"),
        ("Diseño de logo para cafetería", "es"),
        ("Shopify store fix", "en"),
        ("Wir suchen einen Entwickler für eine Shopify Seite mit Zahlungen.", "de"),
        ("Nous cherchons un développeur pour une boutique en ligne avec paiement.", "fr"),
    ],
)
def test_the_jobs_language(text: str, expected: str) -> None:
    assert language.detect(text) == expected


def test_specifics_are_questions_first_then_requirements_in_order() -> None:
    found = specifics.extract(
        "Hi there! We sell handmade soap.\n"
        "We need a new product page and a Stripe checkout.\n"
        "- Mobile-first layout\n"
        "Must have 3+ years of experience with Liquid. The site uses Elementor. "
        "Please explain which caching plugin you would use. Do you have examples?",
        ["What is your availability?"],
    )
    assert [(s.kind, s.text) for s in found] == [
        ("question", "What is your availability?"),
        ("question", "Please explain which caching plugin you would use"),
        ("question", "Do you have examples?"),
        ("deliverable", "We need a new product page and a Stripe checkout"),
        ("deliverable", "Mobile-first layout"),
        ("qualification", "Must have 3+ years of experience with Liquid"),
        ("constraint", "The site uses Elementor"),
    ]


def test_specifics_in_ukrainian_and_spanish_keep_the_clients_words() -> None:
    uk = specifics.extract("Добрий день! Потрібно створити сайт-візитку. Досвід з WordPress обов'язковий.")
    assert [(s.kind, s.text) for s in uk] == [
        ("deliverable", "Потрібно створити сайт-візитку"),
        ("qualification", "Досвід з WordPress обов'язковий"),
    ]
    es = specifics.extract("Hola, necesitamos una tienda online en WooCommerce. ¿Cuánto tiempo tardarías?")
    assert [(s.kind, s.text) for s in es] == [
        ("question", "¿Cuánto tiempo tardarías?"),
        ("deliverable", "Necesitamos una tienda online en WooCommerce"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We need a new checkout", "New checkout"),
        ("We are looking for a designer to create a logo", "Create a logo"),
        ("Шукаємо розробника, який зробить Telegram-бот", "Зробить Telegram-бот"),
        ("Debe tener inicio de sesión y pagos", "Inicio de sesión y pagos"),
        ("We want it above 80 on PageSpeed", "We want it above 80 on PageSpeed"),
    ],
)
def test_labels_drop_the_request_verb(text: str, expected: str) -> None:
    assert specifics.label(text) == expected


@pytest.mark.parametrize(
    ("title", "skills", "description", "expected"),
    [
        (
            "Fix our React checkout",
            ["React"],
            "We need a fix. Must write a regression test.",
            "web-development",
        ),
        (None, [], "Write four blog posts about gardening.", "writing"),
        (None, ["Figma"], "Redesign our app screens.", "design"),
        (None, [], "Переклад сайту з англійської на українську.", "translation"),
        (None, [], "Something else entirely.", "general"),
    ],
)
def test_the_kind_of_work_prefers_skills_and_title(
    title: str | None, skills: list[str], description: str, expected: str
) -> None:
    from bidcraft.ai.drafting.models import JobContext
    from bidcraft.ai.drafting.pricing import infer_category

    job = JobContext(title=title, skills=skills, description=description)
    assert infer_category(job) == expected
