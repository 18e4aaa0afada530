"""`POST /api/ai/predict/success` in-process against moto: the documented shape, and the caller's own track
record read from their yearly aggregates in one call, whatever the length of their history."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from bidcraft import aws, clock
from tests.integration.ai.conftest import Call, User
from tests.integration.analytics.conftest import dynamodb_calls  # noqa: F401  (fixture)

PREDICT: dict[str, Any] = {
    "project_category": "Web, Mobile & Software Dev",
    "budget": 5_000,
    "bid": 4_500,
    "client_payment_verified": True,
    "client_total_spent": 20_000,
    "client_hire_rate": 0.6,
    "proposals_count": 12,
    "project_complexity": "medium",
    "proposal_score": 0.7,
}


def put_year(user_id: str, year: int, *, sent: int, won: int, declined: int, category: str) -> None:
    """A yearly aggregate as the events side keeps it (flat per-status and per-category counters)."""
    aws.client("dynamodb").put_item(
        TableName=os.environ["ANALYTICS_TABLE"],
        Item={
            "pk": {"S": f"USER#{user_id}"},
            "sk": {"S": f"AGG#Y#{year}"},
            "user_id": {"S": user_id},
            "granularity": {"S": "Y"},
            "key": {"S": str(year)},
            "proposals_sent": {"N": str(sent)},
            "proposals_won": {"N": str(won)},
            "status#hired": {"N": str(won)},
            "status#declined": {"N": str(declined)},
            "status#submitted": {"N": str(sent - won - declined)},
            f"cat_sent#{category}": {"N": str(sent)},
            f"cat_won#{category}": {"N": str(won)},
        },
    )


def predict(ai: Call, user: User, body: dict[str, Any] | None = None) -> dict[str, Any]:
    reply = ai("POST", "/api/ai/predict/success", body or PREDICT, token=user.token)
    assert reply.status == 200, reply.body
    result: dict[str, Any] = reply.json
    return result


def test_without_history_the_prior_answers_alone(ai: Call, user: User) -> None:
    body = predict(ai, user)

    assert set(body) == {"success_probability", "risk_factors", "recommendations", "confidence", "model"}
    assert body["model"] == {"name": "bidcraft-logistic-success", "version": "2.0.0", "trained_on": 0}
    assert body["confidence"] == 0.5
    assert 0 < body["success_probability"] < 1


def test_a_strong_track_record_raises_the_estimate_and_the_confidence(
    ai: Call,
    sign_up: Any,
    dynamodb_calls: Counter[tuple[str, str]],  # noqa: F811
) -> None:
    # Given two users, one of whom won 45 of the 100 proposals decided in this category over two years
    newcomer, veteran = sign_up(), sign_up()
    year = clock.now().year
    put_year(veteran.user_id, year, sent=60, won=25, declined=35, category="Web, Mobile & Software Dev")
    put_year(veteran.user_id, year - 1, sent=50, won=20, declined=20, category="Web, Mobile & Software Dev")
    baseline = predict(ai, newcomer)
    dynamodb_calls.clear()

    # When
    body = predict(ai, veteran, {**PREDICT, "project_category": "web_development"})

    # Then
    assert body["model"]["trained_on"] == 100  # 45 won + 55 declined; the 10 still open do not count
    assert body["success_probability"] > baseline["success_probability"] * 1.5
    assert body["confidence"] > baseline["confidence"]
    assert dynamodb_calls[("BatchGetItem", os.environ["ANALYTICS_TABLE"])] == 1


def test_a_client_without_reviews_is_not_scored_as_zero_stars(ai: Call, user: User) -> None:
    no_reviews = predict(ai, user)
    zero_stars = predict(ai, user, {**PREDICT, "client_rating": 0})

    assert no_reviews["success_probability"] > zero_stars["success_probability"]
    assert {
        "factor": "client_rating",
        "impact": "high",
        "detail": "The client is rated 0.0 of 5.",
    } in zero_stars["risk_factors"]
