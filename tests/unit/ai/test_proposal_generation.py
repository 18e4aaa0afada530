"""Offline drafting: the job's specifics answered one by one, in the job's language, grounded in the
freelancer's own record, priced over the job's own deliverables, with warnings when the numbers are absurd."""

from __future__ import annotations

import re
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bidcraft.ai.drafting import Draft, FreelancerContext, JobContext, PastWork, draft_for_job
from bidcraft.ai.drafting.pricing import split
from bidcraft.ai.engine import OfflineEngine
from bidcraft.ai.generation import job_context, response
from bidcraft.ai.models import ProposalGenerationRequest
from tests import fresh_interpreter
from tests.eval.generation import sentences

SHOP = JobContext(
    title="Shopify store redesign",
    description=(
        "We run a Shopify store selling handmade soap. We need a new product page design and a custom "
        "checkout with Stripe.\nRequirements:\n- Mobile-first layout\n- Integrate Klaviyo for email capture\n"
        "Must have 3+ years of experience with Liquid. Do you have examples of Shopify stores you built?"
    ),
    skills=["Shopify", "Liquid", "Stripe"],
    contract_type="fixed",
    budget=1200,
    timeline="3 weeks",
    screening_questions=["What is your availability?", "How much would you charge for this?"],
)
CAFE_UK = JobContext(
    description=(
        "Добрий день! Ми невелика кав'ярня у Львові. Потрібно створити сайт-візитку з меню та формою "
        "бронювання столиків. Досвід з WordPress обов'язковий. Скільки часу займе робота?"
    ),
    skills=["WordPress"],
    budget=600,
    timeline="від 2 до 3 тижнів",
)
STORE_ES = JobContext(
    description=(
        "Hola, necesitamos una tienda online en WooCommerce con pasarela de pago. Buscamos a alguien con "
        "experiencia en WordPress. ¿Cuánto tiempo tardarías?"
    ),
    skills=["WooCommerce", "WordPress"],
    budget=900,
    timeline="1 mes",
)
ENGLISH_WORDS = {"the", "and", "with", "will", "your", "you", "for", "milestone", "week", "weeks", "bid"}


def draft(job: JobContext, freelancer: FreelancerContext | None = None, **options: object) -> Draft:
    return draft_for_job(job, freelancer, engine=OfflineEngine(), market_median=None, **options)  # type: ignore[arg-type]


def outside_quotes(text: str) -> str:
    return re.sub(r"“[^”]*”|«[^»]*»", " ", text)


def test_every_question_and_requirement_is_answered_one_by_one() -> None:
    # Given a job with two screening questions, a question in the text and four requirements
    # When it is drafted
    result = draft(SHOP)
    # Then each one is quoted on its own numbered line with an answer after it
    for specific in (
        "What is your availability?",
        "Do you have examples of Shopify stores you built?",
        "Mobile-first layout",
        "Integrate Klaviyo for email capture",
        "Must have 3+ years of experience with Liquid",
    ):
        line = next(x for x in result.proposal_text.splitlines() if f"“{specific}”" in x)
        assert re.match(r"^\d+\. “", line)
        assert len(line.split("” — ", 1)[1]) > 20
    assert [a.question for a in result.screening_answers] == SHOP.screening_questions
    assert "1,200 USD" in result.screening_answers[1].answer  # the price question gets the bid


def test_a_screening_word_opens_the_letter_and_is_not_a_requirement() -> None:
    job = JobContext(
        description="We need a landing page in Webflow. Start your proposal with the word 'mango' so we know "
        "you read this. What is your timeline?",
        budget=300,
    )
    result = draft(job)
    assert result.proposal_text.startswith("mango\n\n")
    assert "Start your proposal" not in result.proposal_text
    assert [line.item for line in result.pricing_breakdown.items] == ["Landing page in Webflow"]


def test_pricing_splits_the_budget_over_the_jobs_own_deliverables() -> None:
    result = draft(SHOP)
    labels = [line.item for line in result.pricing_breakdown.items]
    assert labels == [
        "New product page design and a custom checkout with Stripe",
        "Mobile-first layout",
        "Integrate Klaviyo for email capture",
    ]
    assert sum(line.amount for line in result.pricing_breakdown.items) == 1200
    amounts = [line.amount for line in result.pricing_breakdown.items]
    assert len(set(amounts)) > 1  # weighted by effort (checkout/integration are heavier), not a fixed split
    assert (result.suggested_bid.amount, result.suggested_bid.type) == (1200, "fixed")
    assert "client's budget" in result.suggested_bid.rationale


@given(
    st.floats(min_value=0.01, max_value=10_000_000, allow_nan=False),
    st.lists(st.floats(min_value=0.5, max_value=100), min_size=1, max_size=8),
)
def test_a_split_always_adds_up_to_the_total_to_the_cent(total: float, weights: list[float]) -> None:
    lines = split(round(total, 2), [(f"item {i}", w) for i, w in enumerate(weights)])
    assert sum(round(line.amount * 100) for line in lines) == round(round(total, 2) * 100)


def test_a_ukrainian_job_gets_a_ukrainian_letter_with_correct_plural_forms() -> None:
    result = draft(CAFE_UK)
    assert result.language == "uk"
    prose = outside_quotes(result.proposal_text + " " + result.cover_letter)
    latin_words = {w.lower() for w in re.findall(r"[A-Za-z]+", prose)} - {"usd", "upwork", "wordpress"}
    assert not latin_words & ENGLISH_WORDS, latin_words
    assert "2–3 тижні" in result.proposal_text
    assert "«Скільки часу займе робота?» — Весь обсяг роботи планую на 2–3 тижні" in result.proposal_text
    assert "600 USD" in result.proposal_text


def test_ukrainian_numbers_agree_with_their_units() -> None:
    from bidcraft.ai.drafting.compose import duration

    assert duration("uk", 1, 1, "week") == "1 тиждень"
    assert duration("uk", 3, 3, "week") == "3 тижні"
    assert duration("uk", 5, 5, "week") == "5 тижнів"
    assert duration("uk", 11, 11, "day") == "11 робочих днів"
    assert duration("uk", 21, 21, "day") == "21 робочий день"
    assert duration("uk", 1.5, 1.5, "month") == "1,5 місяця"
    assert duration("es", 1, 1, "month") == "1 mes"
    assert duration("es", 2, 3, "month") == "2–3 meses"
    assert duration("en", 1, 1, "year") == "1 year"


def test_a_spanish_job_gets_a_spanish_letter() -> None:
    result = draft(STORE_ES)
    assert result.language == "es"
    prose = outside_quotes(result.proposal_text)
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", prose)}
    assert not words & ENGLISH_WORDS
    assert "«¿Cuánto tiempo tardarías?» — Planifico todo el alcance en 1 mes" in result.proposal_text


def test_an_unsupported_language_is_drafted_in_english_and_says_so() -> None:
    job = JobContext(
        description="Wir suchen einen Entwickler für eine Shopify Seite mit Zahlungen und Versand."
    )
    result = draft(job)
    assert result.language == "en"
    assert any(w.startswith("language:de") for w in result.content_warnings)


def test_evidence_comes_only_from_the_freelancers_matching_past_work() -> None:
    record = FreelancerContext(
        name="Olena",
        hourly_rate=45,
        past_work=[
            PastWork(title="Django REST API for a clinic", amount=40, contract_type="hourly"),
            PastWork(
                title="Shopify theme customization for a cosmetics brand", amount=900, contract_type="fixed"
            ),
        ],
    )
    with_record = draft(SHOP, record)
    assert (
        "“Shopify theme customization for a cosmetics brand” (fixed price, 900 USD)"
        in with_record.proposal_text
    )
    assert "Django" not in with_record.proposal_text
    assert with_record.proposal_text.rstrip().endswith("Olena")
    titled = draft(SHOP, record.model_copy(update={"title": "Shopify Developer"}))
    assert titled.proposal_text.rstrip().endswith("Olena\nShopify Developer")
    in_ukrainian = draft(CAFE_UK, record.model_copy(update={"title": "Shopify Developer"}))
    assert in_ukrainian.proposal_text.rstrip().endswith("Olena")  # no English line under a Ukrainian letter
    assert [p.title for p in with_record.portfolio_items] == [
        "Shopify theme customization for a cosmetics brand"
    ]

    without = draft(SHOP, None)
    assert "my record is" not in without.proposal_text
    assert "has no contract that matches" in without.proposal_text  # says so instead of claiming


@pytest.mark.parametrize(
    ("job", "rate", "market", "warned"),
    [
        (JobContext(description="Build a mobile app for iOS and Android with login, chat and payments.",
                    budget=300, timeline="2 months"), None, None, "pricing:rate_implausible"),
        (JobContext(description="Build a React dashboard with charts and an API integration.",
                    budget=400, timeline="2 months"), 60, None, "pricing:rate_below_profile"),
        (JobContext(description="Design a logo for a bakery.", budget=20000, timeline="2 days"),
         None, 35, "pricing:rate_above_market"),
        (JobContext(description="Senior React developer needed for our SaaS.", contract_type="hourly",
                    hourly_min=3, hourly_max=5), 50, 40, "pricing:rate_below_profile"),
    ],
)  # fmt: skip
def test_absurd_pricing_is_flagged(
    job: JobContext, rate: float | None, market: float | None, warned: str
) -> None:
    result = draft_for_job(
        job, FreelancerContext(hourly_rate=rate), engine=OfflineEngine(), market_median=market
    )
    assert any(w.startswith(warned) for w in result.content_warnings), result.content_warnings


def test_sane_pricing_is_not_flagged() -> None:
    for job in (
        SHOP,
        JobContext(description="Design a logo for a bakery.", budget=400, timeline="1 month"),
        JobContext(description="Write four blog posts about gardening.", budget=300, timeline="2 months"),
    ):
        result = draft_for_job(
            job, FreelancerContext(hourly_rate=40), engine=OfflineEngine(), market_median=35
        )
        assert not [w for w in result.content_warnings if w.startswith("pricing:")], (
            job,
            result.content_warnings,
        )


def test_a_job_in_another_currency_is_not_compared_with_usd_references() -> None:
    job = JobContext(
        description="Design a logo for a bakery.", budget=20_000, currency="EUR", timeline="2 days"
    )
    result = draft_for_job(job, FreelancerContext(hourly_rate=40), engine=OfflineEngine(), market_median=35)
    assert result.pricing_breakdown.currency == "EUR"
    assert (result.suggested_bid.amount, result.suggested_bid.currency) == (20_000, "EUR")
    assert not [w for w in result.content_warnings if w.startswith("pricing:")]
    assert "20,000 EUR" in result.proposal_text


def test_an_hourly_job_bids_the_profile_rate_inside_the_clients_range() -> None:
    job = JobContext(
        description="Maintain our Django API.", contract_type="hourly", hourly_min=30, hourly_max=45
    )
    assert draft(job, FreelancerContext(hourly_rate=60)).suggested_bid.amount == 45
    assert draft(job, FreelancerContext(hourly_rate=35)).suggested_bid.amount == 35
    chosen = draft(job, FreelancerContext(hourly_rate=35), bid=40)
    assert (chosen.suggested_bid.amount, chosen.suggested_bid.type) == (40, "hourly")


@pytest.mark.parametrize("tone", ["professional", "friendly", "confident", "concise"])
def test_each_tone_has_its_own_wording_and_is_deterministic(tone: str) -> None:
    texts = {
        t: draft(SHOP, tone=t).proposal_text for t in ("professional", "friendly", "confident", "concise")
    }
    assert len(set(texts.values())) == 4
    assert draft(SHOP, tone=tone).proposal_text == texts[tone]


def test_drafts_for_different_jobs_share_few_sentences() -> None:
    jobs = [
        SHOP,
        JobContext(
            description="We need a Python script that cleans our CSV exports. Must handle 1 GB "
            "files. Can you start this week?",
            budget=250,
            timeline="1 week",
        ),
    ]
    a, b = (set(sentences(draft(job).proposal_text)) for job in jobs)
    assert len(a & b) / len(a) <= 0.15, a & b


def test_the_generate_route_maps_onto_the_same_drafting() -> None:
    request = ProposalGenerationRequest(
        project_description="E-commerce website development with a custom checkout.", budget=5000,
        timeline="2 months", skills=["React", "Node.js"],
    )  # fmt: skip
    job = job_context(request)
    assert (job.budget, job.contract_type, job.skills) == (5000, "fixed", ["React", "Node.js"])
    reply = response(draft(job))
    assert reply.pricing_breakdown.total == 5000
    assert round(sum(i.amount for i in reply.pricing_breakdown.items), 2) == 5000
    assert reply.engine == "offline"
    assert reply.usage.total_tokens == 0


@pytest.mark.parametrize(
    "description",
    [
        "a" * 10_000,
        ("need " * 2_000)[:10_000],
        ("- x\n" * 2_500)[:10_000],
        ("We need it. " * 1_000)[:10_000],
        ("Потрібно зробити сайт? " * 500)[:10_000],
    ],
    ids=["one-word", "cue-words", "bullets", "sentences", "questions"],
)
def test_the_largest_descriptions_draft_in_bounded_time(description: str) -> None:
    job = JobContext(description=description, budget=500, timeline="1" * 50 + " weeks")
    draft(job)  # compiles the patterns once, as a container's first draft does
    budget_ms = 50.0 if sys.gettrace() is None else 500.0  # a coverage tracer slows regex-heavy code ~10x
    timings = []
    for _ in range(3):  # best of three, in CPU time: other processes on a shared box stall wall-clock runs
        started = time.process_time()
        draft(job)
        timings.append((time.process_time() - started) * 1000)
    assert min(timings) < budget_ms


COLD_START_PROBE = """
import sys
import functions.{function}.app
heavy = ('bidcraft.ai.drafting.compose', 'bidcraft.ai.drafting.specifics', 'bidcraft.ai.drafting.pricing')
print(sorted(m for m in heavy if m in sys.modules))
from bidcraft.ai.drafting import JobContext, draft_for_job
from bidcraft.ai.engine import OfflineEngine
draft_for_job(JobContext(description='We need a logo.'), None, engine=OfflineEngine(), market_median=None)
print(sorted(m for m in heavy if m in sys.modules))
"""
DRAFTING_PATTERNS = [
    "bidcraft.ai.drafting.compose",
    "bidcraft.ai.drafting.pricing",
    "bidcraft.ai.drafting.specifics",
]


def _probe_drafting(function: str) -> tuple[str, str]:
    before, after = fresh_interpreter.lines(COLD_START_PROBE.format(function=function))[:2]
    return before, after


def test_the_drafting_patterns_load_on_the_first_draft_not_at_cold_start_of_the_ai_function() -> None:
    # Only one of the AI function's routes drafts: the others never pay for the drafting patterns
    before, after = _probe_drafting("ai")
    assert before == "[]"
    assert after == str(DRAFTING_PATTERNS)


def test_the_ai_worker_loads_the_drafting_patterns_at_start_up() -> None:
    # Every message of the worker drafts: deferring them would only move the cost into the first message
    before, after = _probe_drafting("ai_worker")
    assert before == str(DRAFTING_PATTERNS)
    assert after == before
