"""API.md "AI", checked over HTTP on the local stack: response fields, types and ranges, and bad input as
422 problem documents with field errors (never a coerced value, never a 5xx)."""

from __future__ import annotations

import httpx2
import pytest

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.test_analytics_flow import _sign_in

pytestmark = pytest.mark.e2e

PREDICTION = {
    "project_category": "web_development",
    "budget": 5000,
    "client_rating": 4.8,
    "project_complexity": "medium",
}


def _field_errors(reply: httpx2.Response) -> set[tuple[str, ...]]:
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    return {tuple(str(part) for part in error["loc"]) for error in reply.json()["errors"]}


def test_ai_responses_have_the_documented_fields_and_ranges(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = _sign_in(http, local_stack, proposals=1)

    analysis = http.post(
        "/api/ai/analyze/proposal",
        json={"proposal_text": "Professional web developer with 5 years experience in React"},
        headers=auth,
    ).json()
    assert 0 <= analysis["score"] <= 1
    assert 0 <= analysis["confidence"] <= 1
    assert analysis["breakdown"]
    assert all(0 <= value <= 1 for value in analysis["breakdown"].values())

    draft = http.post(
        "/api/ai/generate/proposal",
        json={"project_description": "A shop website; write to me at jane@example.com", "budget": 1200},
        headers=auth,
    ).json()
    assert set(draft["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert "jane@example.com" not in draft["proposal_text"] + draft["cover_letter"]
    assert "redacted:email" in draft["content_warnings"]
    assert {"items", "total", "currency"} <= set(draft["pricing_breakdown"])

    competition = http.post(
        "/api/ai/analyze/competition", json={"category": "web_development", "skills": []}, headers=auth
    ).json()
    position = competition["market_position"]
    assert 0 <= position["percentile"] <= 100
    assert position["label"] in {"below_market", "competitive", "premium"}
    assert competition["data_as_of"].endswith("Z")

    prediction = http.post("/api/ai/predict/success", json=PREDICTION, headers=auth).json()
    assert 0 <= prediction["success_probability"] <= 1
    assert set(prediction["model"]) == {"name", "version", "trained_on"}
    assert all(set(risk) == {"factor", "impact", "detail"} for risk in prediction["risk_factors"])


def test_numbers_must_be_json_numbers(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    auth = _sign_in(http, local_stack, proposals=1)
    reply = http.post(
        "/api/ai/predict/success",
        json={**PREDICTION, "budget": "5000", "client_rating": True},
        headers=auth,
    )
    assert _field_errors(reply) == {("body", "budget"), ("body", "client_rating")}


def test_an_unknown_category_id_is_the_clients_mistake(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = _sign_in(http, local_stack, proposals=1)
    reply = http.post("/api/ai/analyze/competition", json={"category": "0", "skills": []}, headers=auth)
    assert _field_errors(reply) == {("body", "category")}
