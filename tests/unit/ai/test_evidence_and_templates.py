"""Evidence versus claims, and template/cliché/echo likeness, in English, Ukrainian and Spanish."""

from __future__ import annotations

from bidcraft.ai import evidence, templates

JOB = "Our AWS bill grew from $18k to $41k a month while traffic grew 30%. Which savings would you try first?"


def test_links_results_and_past_work_are_evidence() -> None:
    found = evidence.find(
        "I built the billing API of Parcelwise: p99 from 900 ms to 40 ms, https://github.com/example/api."
    )
    assert found.links == 1
    assert found.results >= 1
    assert found.past_work == 1
    assert found.claims == []
    assert evidence.find("I am an expert with high-quality work.").proof == 0


def test_figures_of_the_job_post_are_not_the_freelancers_evidence() -> None:
    echoed = evidence.find("Your bill grew from $18k to $41k a month while traffic grew 30%.", JOB)
    assert echoed.results == 0
    own = evidence.find("My last client went from $63k to $37k a month.", JOB)
    assert own.results == 1


def test_claims_are_collected_in_every_language_unless_backed_by_proof() -> None:
    claims = evidence.find(
        "I am a highly skilled professional. Я професіонал з великим досвідом. Soy un profesional con amplia "
        "experiencia. I am an expert: I cut costs by 35% for a fintech."
    ).claims
    assert claims == [
        "I am a highly skilled professional.",
        "Я професіонал з великим досвідом.",
        "Soy un profesional con amplia experiencia.",
    ]


def test_a_promise_of_growth_is_not_an_outcome() -> None:
    assert evidence.find("I will help your channel grow and improve engagement.").outcomes == 0
    assert evidence.find("Retention grew from 52% to 71% on the last channel I edited.").outcomes == 1


def test_past_work_in_ukrainian_and_spanish() -> None:
    assert evidence.find("Я зробив бот для мережі салонів: 1 900 записів на місяць.").past_work == 1
    assert evidence.find("He migrado 7 blogs de Blogger a WordPress.").past_work == 1


def test_a_template_is_recognised_in_any_language() -> None:
    english = templates.assess(
        "Hello Dear Client, I have read your job description. Why choose me?\n✅ Unlimited revisions\n"
        "✅ 100% satisfaction\n✅ Available 24/7"
    )
    assert english.template > 0.6
    assert english.selling_lines == 3
    assert english.cliche_share >= 0.5
    ukrainian = templates.assess(
        "Шановний замовнику! Чому варто обрати мене? Необмежені правки. Звертайтеся!"
    )
    assert ukrainian.cliche_share >= 0.75
    spanish = templates.assess("Estimado cliente: ¿Por qué elegirme? Revisiones ilimitadas. Contácteme.")
    assert spanish.cliche_share >= 0.75
    written = templates.assess(
        "I moved your S3 logs to Intelligent-Tiering last year for a fintech; it saved $4k."
    )
    assert written.cliches == []
    assert written.template < 0.55


def test_an_echo_of_the_job_post_is_measured_and_quoted() -> None:
    echo = templates.assess(
        "Your AWS bill grew from $18k to $41k a month while traffic grew 30%. I can help.", JOB
    )
    assert echo.echo > 0.5
    assert echo.echo_example.startswith("Your AWS bill grew")
    assert templates.assess("NAT gateway traffic and idle RDS replicas are my first suspects.", JOB).echo == 0
