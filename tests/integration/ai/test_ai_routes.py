"""AI routes in-process against the emulator, offline engine: response keys, validation, auth, limits."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from bidcraft import config
from tests.integration.ai.conftest import Call, User, analytics_item, audit_actions

PROPOSAL = {
    "proposal_text": "Professional web developer with 5 years experience",
    "category": "web_development",
    "budget_range": "1000-5000",
}
GENERATE = {
    "project_description": "E-commerce website development",
    "budget": 5000,
    "timeline": "2 months",
    "skills": ["React", "Node.js", "MongoDB"],
}
PREDICT = {
    "project_category": "web_development",
    "budget": 5000,
    "client_rating": 4.8,
    "project_complexity": "medium",
}
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def test_analyze_proposal_answers_with_exactly_the_documented_keys(ai: Call, user: User) -> None:
    reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    assert set(reply.json) == {
        "analysis_id",
        "score",
        "suggestions",
        "keywords",
        "confidence",
        "breakdown",
        "engine",
    }
    assert reply.json["engine"] == "offline"
    assert 0 <= reply.json["score"] <= 1
    assert 0 <= reply.json["confidence"] <= 1
    assert all(0 <= v <= 1 for v in reply.json["breakdown"].values())
    assert reply.headers["ratelimit-limit"] == "1000"
    assert reply.headers["x-request-id"]


def test_generate_proposal_synchronously(ai: Call, user: User) -> None:
    reply = ai("POST", "/api/ai/generate/proposal", GENERATE, token=user.token)

    assert reply.status == 200, reply.body
    assert set(reply.json) == {
        "proposal_text",
        "cover_letter",
        "portfolio_items",
        "pricing_breakdown",
        "engine",
        "usage",
        "content_warnings",
    }
    assert set(reply.json["pricing_breakdown"]) == {"items", "total", "currency"}
    assert reply.json["pricing_breakdown"]["total"] == 5000
    assert set(reply.json["pricing_breakdown"]["items"][0]) == {"item", "amount"}
    assert reply.json["usage"] == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    # nothing redacted; a pricing warning may appear, depending on the sandbox profile's rate
    assert [w for w in reply.json["content_warnings"] if not w.startswith("pricing:")] == []
    assert reply.json["engine"] == "offline"


def test_offline_calls_are_counted_in_the_monthly_usage_item(ai: Call, user: User) -> None:
    ai("POST", "/api/ai/generate/proposal", GENERATE, token=user.token)
    ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    month = time.strftime("%Y-%m", time.gmtime())
    item = analytics_item(f"USER#{user.user_id}", f"USAGE#{month}")
    assert item is not None
    assert item["requests"]["N"] == "2"
    assert item["total_tokens"]["N"] == "0"


def test_predict_success_answers_with_exactly_the_documented_keys(ai: Call, user: User) -> None:
    reply = ai("POST", "/api/ai/predict/success", PREDICT, token=user.token)

    assert reply.status == 200, reply.body
    assert set(reply.json) == {
        "success_probability",
        "risk_factors",
        "recommendations",
        "confidence",
        "model",
    }
    assert set(reply.json["model"]) == {"name", "version", "trained_on"}
    assert 0 <= reply.json["success_probability"] <= 1
    for risk in reply.json["risk_factors"]:
        assert set(risk) == {"factor", "impact", "detail"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/ai/analyze/proposal", {"proposal_text": "too short"}, "proposal_text"),
        ("/api/ai/analyze/proposal", {**PROPOSAL, "budget_range": "cheap"}, "budget_range"),
        ("/api/ai/analyze/proposal", {**PROPOSAL, "proposal_text": "x" * 10_001}, "proposal_text"),
        ("/api/ai/analyze/proposal", {**PROPOSAL, "is_admin": True}, "is_admin"),
        (
            "/api/ai/analyze/proposal",
            {**PROPOSAL, "proposal_text": PROPOSAL["proposal_text"] + "\u0000"},
            "proposal_text",
        ),
        ("/api/ai/generate/proposal", {**GENERATE, "tone": "rude"}, "tone"),
        ("/api/ai/generate/proposal", {**GENERATE, "budget": -5}, "budget"),
        ("/api/ai/predict/success", {**PREDICT, "client_rating": 5.5}, "client_rating"),
        ("/api/ai/predict/success", {**PREDICT, "project_complexity": "extreme"}, "project_complexity"),
        ("/api/ai/analyze/competition", {"category": "web_development"}, "skills"),
        ("/api/ai/analyze/competition", {"category": "underwater basket weaving", "skills": []}, "category"),
    ],
)
def test_invalid_bodies_are_422_problems_with_field_errors(
    ai: Call, user: User, path: str, body: dict[str, Any], field: str
) -> None:
    reply = ai("POST", path, body, token=user.token)

    assert reply.status == 422, reply.body
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json["type"] == "https://bidcraft.dev/problems/validation-error"
    assert any(field in [str(part) for part in error["loc"]] for error in reply.json["errors"]), reply.json


def test_malformed_json_is_400_not_500(ai: Call, user: User) -> None:
    reply = ai(
        "POST",
        "/api/ai/analyze/proposal",
        '{"proposal_text": ',
        token=user.token,
        headers={"content-type": "application/json"},
    )
    assert reply.status == 400


def test_deeply_nested_json_is_refused_without_a_500(ai: Call, user: User) -> None:
    nested = '{"proposal_text": ' + "[" * 1000 + "]" * 1000 + "}"
    reply = ai(
        "POST",
        "/api/ai/analyze/proposal",
        nested,
        token=user.token,
        headers={"content-type": "application/json"},
    )
    assert 400 <= reply.status < 500


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/ai/analyze/proposal", PROPOSAL),
        ("POST", "/api/ai/generate/proposal", GENERATE),
        ("POST", "/api/ai/analyze/competition", {"category": "web_development", "skills": ["React"]}),
        ("POST", "/api/ai/predict/success", PREDICT),
        ("GET", "/api/ai/jobs/00000000-0000-0000-0000-000000000000", None),
    ],
)
def test_every_route_requires_a_bearer_token(ai: Call, method: str, path: str, body: Any) -> None:
    reply = ai(method, path, body)
    assert reply.status == 401
    assert reply.headers["www-authenticate"] == "Bearer"
    bad = ai(method, path, body, token="not-a-jwt")
    assert bad.status == 401
    assert bad.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_sql_like_text_is_flagged_and_audited_but_handled_as_data(ai: Call, user: User) -> None:
    attack = {"proposal_text": "Hello! ' OR 1=1 -- I know SQL well: UNION SELECT is my friend."}
    reply = ai("POST", "/api/ai/analyze/proposal", attack, token=user.token)

    assert reply.status == 200
    assert "malicious_sqli" in audit_actions(user.user_id)


def test_false_positives_are_neither_blocked_nor_audited(ai: Call, user: User) -> None:
    text = "Dear Mr. O'Brien, please select the best proposal and DROP me a line when ready."
    reply = ai("POST", "/api/ai/analyze/proposal", {"proposal_text": text}, token=user.token)

    assert reply.status == 200
    assert not [a for a in audit_actions(user.user_id) if a.startswith("malicious_")]


def test_the_31st_request_in_a_minute_is_429_with_rate_limit_headers(
    ai: Call, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATE_LIMIT_AI_OPERATIONS", "30")
    config.reset()
    if time.time() % 60 > 50:  # keep all 31 calls inside one fixed window
        time.sleep(61 - time.time() % 60)

    replies = [ai("POST", "/api/ai/predict/success", PREDICT, token=user.token) for _ in range(31)]

    assert [r.status for r in replies[:30]] == [200] * 30
    assert replies[29].headers["ratelimit-remaining"] == "0"
    limited = replies[30]
    assert limited.status == 429
    assert limited.json["type"] == "https://bidcraft.dev/problems/rate-limited"
    assert limited.headers["ratelimit-limit"] == "30"
    assert limited.headers["ratelimit-remaining"] == "0"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert int(limited.headers["ratelimit-reset"]) <= 60
