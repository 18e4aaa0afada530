"""Offline scoring: deterministic, in range, explainable, and it prefers a better proposal."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bidcraft.ai.models import ProposalAnalysisRequest
from bidcraft.ai.scoring import WEIGHTS, length_score, score_proposal

JOB = (
    "We need a Python developer to build a REST API with FastAPI and PostgreSQL for our logistics startup. "
    "The API must handle shipment tracking, authentication and reporting. Deadline: 4 weeks."
)
GOOD = """Hi there,

I read your post about the shipment tracking API for your logistics startup. I have built 12 REST APIs with
FastAPI and PostgreSQL over the last 6 years, including a tracking service that handles 2 million events
a day.

For your project I would deliver authentication, shipment tracking and reporting endpoints in three
milestones over 4 weeks, with automated tests and documentation. You will see progress every week.

Could we schedule a short call this week to discuss your reporting needs?"""
WEAK = "I am a developer and I can do this work for you. I am very good at programming and I work hard."


def request(text: str, **extra: object) -> ProposalAnalysisRequest:
    return ProposalAnalysisRequest.model_validate({"proposal_text": text, **extra})


def test_weights_add_up_to_one() -> None:
    assert round(sum(WEIGHTS.values()), 9) == 1


def test_scores_are_deterministic() -> None:
    first = score_proposal(request(GOOD, job_description=JOB, skills=["Python", "FastAPI"]))
    second = score_proposal(request(GOOD, job_description=JOB, skills=["Python", "FastAPI"]))
    assert first == second


def test_a_tailored_proposal_beats_a_generic_one() -> None:
    good = score_proposal(request(GOOD, job_description=JOB, skills=["Python", "FastAPI", "PostgreSQL"]))
    weak = score_proposal(request(WEAK, job_description=JOB, skills=["Python", "FastAPI", "PostgreSQL"]))
    assert good.score > weak.score + 0.25
    for criterion in ("relevance", "personalization", "specificity", "call_to_action"):
        assert good.breakdown[criterion] > weak.breakdown[criterion], criterion


def test_breakdown_has_every_criterion_and_the_score_is_their_weighted_sum() -> None:
    card = score_proposal(request(GOOD, job_description=JOB))
    assert set(card.breakdown) == set(WEIGHTS)
    expected = sum(WEIGHTS[name] * value for name, value in card.breakdown.items())
    assert abs(card.score - expected) < 0.001


def test_weak_criteria_get_suggestions_naming_missing_terms() -> None:
    card = score_proposal(request(WEAK, job_description=JOB, skills=["FastAPI"]))
    assert any("FastAPI" in s for s in card.suggestions)
    assert any("next step" in s for s in card.suggestions)


def test_keywords_start_with_the_matched_skills() -> None:
    card = score_proposal(request(GOOD, skills=["PostgreSQL", "Django", "FastAPI"]))
    assert card.keywords[:2] == ["PostgreSQL", "FastAPI"]
    assert "Django" not in card.keywords
    assert len(card.keywords) <= 10


def test_confidence_grows_with_context() -> None:
    bare = score_proposal(request(GOOD)).confidence
    rich = score_proposal(request(GOOD, job_description=JOB, skills=["Python"])).confidence
    assert bare < rich <= 0.9


def test_length_score_peaks_between_150_and_400_words() -> None:
    assert length_score(75) == 0.5
    assert length_score(150) == length_score(400) == 1.0
    assert 0.4 <= length_score(2_000) < length_score(500) < 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=20, max_size=2_000).filter(lambda t: len(t.strip()) >= 20))
def test_any_text_scores_within_range(text: str) -> None:
    try:
        req = request(text)
    except ValueError:
        return  # control characters / lone surrogates are a 422, not a score
    card = score_proposal(req)
    assert 0 <= card.score <= 1
    assert 0 <= card.confidence <= 1
    assert all(0 <= value <= 1 for value in card.breakdown.values())
    assert card.suggestions
