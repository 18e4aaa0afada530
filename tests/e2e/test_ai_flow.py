"""The AI story over HTTP on the local stack: a signed-in user scores, drafts (sync and as a queued job),
sizes up the competition and predicts success — all on the offline engine (no OpenAI key configured)."""

from __future__ import annotations

import time

import httpx2
import pytest

from tests.e2e.session import sign_in

pytestmark = pytest.mark.e2e

JOB_WAIT_SECONDS = 30.0


def test_a_signed_in_user_uses_the_ai_features(http: httpx2.Client, local_stack) -> None:
    headers = sign_in(http, local_stack.redirect_uri, proposals=25).headers

    # Score a proposal: the offline engine answers, and says so
    analysis = http.post(
        "/api/ai/analyze/proposal",
        json={
            "proposal_text": "Professional web developer with 5 years experience",
            "category": "web_development",
            "budget_range": "1000-5000",
        },
        headers=headers,
    )
    assert analysis.status_code == 200, analysis.text
    assert analysis.json()["engine"] == "offline"
    assert 0 <= analysis.json()["score"] <= 1
    assert analysis.headers["ratelimit-limit"]
    assert analysis.headers["x-request-id"]

    # Draft one as a queued job; the local stack's queue poller feeds the AI worker
    accepted = http.post(
        "/api/ai/generate/proposal",
        json={
            "project_description": "E-commerce website development",
            "budget": 5000,
            "timeline": "2 months",
        },
        headers={**headers, "Prefer": "respond-async"},
    )
    assert accepted.status_code == 202, accepted.text
    status_url = accepted.json()["status_url"]
    deadline = time.monotonic() + JOB_WAIT_SECONDS
    job = http.get(status_url, headers=headers).json()
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.25)
        job = http.get(status_url, headers=headers).json()
    assert job["status"] == "succeeded", job
    assert job["result"]["pricing_breakdown"]["total"] == 5000

    # Competition from the Upwork sandbox's market, and a success prediction
    competition = http.post(
        "/api/ai/analyze/competition",
        json={"category": "web_development", "skills": ["React"]},
        headers=headers,
    )
    assert competition.status_code == 200, competition.text
    body = competition.json()
    assert sum(bucket["count"] for bucket in body["rate_distribution"]) == body["sample_size"]
    predict = {
        "project_category": "web_development",
        "budget": 5000,
        "client_rating": 4.8,
        "project_complexity": "low",
    }
    prediction = http.post("/api/ai/predict/success", json=predict, headers=headers)
    assert prediction.status_code == 200, prediction.text
    assert 0 <= prediction.json()["success_probability"] <= 1

    # Without a token: 401 with a bearer challenge
    anonymous = http.post("/api/ai/predict/success", json=predict)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
