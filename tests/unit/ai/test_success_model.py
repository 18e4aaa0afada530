"""The logistic success model: probabilities in range, monotone in each input, risks explained."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from bidcraft.ai import prediction
from bidcraft.ai.models import SuccessPredictionRequest


def request(**fields: object) -> SuccessPredictionRequest:
    base = {
        "project_category": "web_development",
        "budget": 5_000,
        "client_rating": 4.8,
        "project_complexity": "medium",
    }
    return SuccessPredictionRequest.model_validate({**base, **fields})


def probability(**fields: object) -> float:
    return prediction.predict(request(**fields)).success_probability


def test_neutral_inputs_give_the_intercept_probability() -> None:
    neutral = request(client_rating=4.5, budget=1_000, project_complexity="medium")
    assert prediction.predict(neutral).success_probability == round(
        1 / (1 + math.exp(-prediction.INTERCEPT)), 4
    )


ratings = st.floats(min_value=0, max_value=5)
fractions = st.floats(min_value=0, max_value=1)


@given(ratings, ratings)
def test_a_better_client_rating_never_lowers_the_probability(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert probability(client_rating=low) <= probability(client_rating=high)


@given(fractions, fractions)
def test_a_better_proposal_score_never_lowers_the_probability(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert probability(proposal_score=low) <= probability(proposal_score=high)


@given(fractions, fractions)
def test_a_higher_hire_rate_never_lowers_the_probability(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert probability(client_hire_rate=low) <= probability(client_hire_rate=high)


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_more_competing_proposals_never_raise_the_probability(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert probability(proposals_count=low) >= probability(proposals_count=high)


def test_complexity_orders_the_probability() -> None:
    assert probability(project_complexity="low") > probability(project_complexity="medium")
    assert probability(project_complexity="medium") > probability(project_complexity="high")


def test_bad_inputs_become_risk_factors_with_recommendations() -> None:
    result = prediction.predict(
        request(client_rating=2.0, proposal_score=0.2, proposals_count=80, project_complexity="high")
    )
    factors = {r.factor: r for r in result.risk_factors}
    assert {"client_rating", "proposal_quality", "competition", "project_complexity"} <= set(factors)
    assert factors["client_rating"].impact == "high"
    assert len(result.recommendations) == len(result.risk_factors)
    assert result.model.name == "bidcraft-logistic-success"


def test_confidence_grows_with_the_optional_inputs() -> None:
    bare = prediction.predict(request()).confidence
    full = prediction.predict(
        request(proposal_score=0.7, client_hire_rate=0.6, proposals_count=10)
    ).confidence
    assert (bare, full) == (0.45, 0.8)
