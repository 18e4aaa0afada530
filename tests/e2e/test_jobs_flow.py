"""The jobs story over HTTP on the local stack: a user saves a search; a matching job published in the Upwork
sandbox appears in their feed — and nobody else's — after one polling round, scored with reasons; an unrelated
one does not; its details and a draft come back. Nothing is submitted to Upwork."""

from __future__ import annotations

import time
import uuid

import httpx2
import pytest

from tests.e2e.session import sign_in

pytestmark = pytest.mark.e2e

LATENCY_MARGIN_SECONDS = 10.0
QUESTIONS = ["Which similar dashboards have you built?", "How would you test the importer?"]


def _publish(http: httpx2.Client, **posting: object) -> str:
    reply = http.post("/_sandbox/upwork/_jobs", json=posting)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["job_id"])


def test_a_published_job_reaches_the_right_feed_with_scores_and_a_draft(
    http: httpx2.Client, local_stack
) -> None:
    alice = sign_in(http, local_stack.redirect_uri, proposals=25).headers
    bob = sign_in(http, local_stack.redirect_uri, proposals=25).headers
    skill, other_skill = "Skill" + uuid.uuid4().hex[:8], "Skill" + uuid.uuid4().hex[:8]

    # Alice saves a search for her skill, Bob one for another
    saved = http.post("/api/jobs/searches", json={"name": "Dashboards", "skills": [skill]}, headers=alice)
    assert saved.status_code == 201, saved.text
    assert saved.headers["location"] == f"/api/jobs/searches/{saved.json()['search_id']}"
    assert (
        http.post(
            "/api/jobs/searches", json={"name": "Other", "skills": [other_skill]}, headers=bob
        ).status_code
        == 201
    )

    # A matching job and an unrelated one are published on Upwork (the sandbox)
    started = time.monotonic()
    matching = _publish(
        http,
        title=f"Analytics dashboard in {skill}",
        description=f"Build a {skill} dashboard over our sales data, with a CSV importer.",
        skills=[skill, "Python"],
        category="Web, Mobile & Software Dev",
        type="hourly",
        hourly_min=30,
        hourly_max=60,
        client={
            "payment_verified": True,
            "total_spent": 12000,
            "hires": 9,
            "jobs_posted": 11,
            "rating": 4.8,
            "reviews": 7,
        },
        total_applicants=4,
        screening_questions=QUESTIONS,
    )
    unrelated = _publish(
        http,
        title="Logo for a bakery",
        description="A warm, hand-drawn logo.",
        skills=["Illustrator"],
        type="fixed",
        amount=150,
    )

    # One polling round later it is in Alice's feed
    round_started = time.monotonic()
    fired = http.post("/_local/schedule/JobsPollerFunction")
    assert fired.status_code == 200, fired.text
    round_seconds = time.monotonic() - round_started
    feed = http.get("/api/jobs/feed", headers=alice)
    latency = time.monotonic() - started
    assert feed.status_code == 200, feed.text
    ids = [job["job_id"] for job in feed.json()["jobs"]]
    assert matching in ids
    assert unrelated not in ids
    assert latency <= round_seconds + LATENCY_MARGIN_SECONDS, (latency, round_seconds)
    job = feed.json()["jobs"][ids.index(matching)]
    assert job["type"] == "hourly"
    assert job["budget"] == {"hourly_min": 30, "hourly_max": 60, "currency": "USD"}
    assert job["matched_searches"] == [saved.json()["search_id"]]
    for name in ("fit", "client_quality", "competition", "overall"):
        assert 0 <= job["scores"][name] <= 1
    assert 0 <= job["win_probability"] <= 1
    assert {reason["score"] for reason in job["reasons"]} >= {"fit", "client_quality", "competition"}
    assert feed.headers["cache-control"] == "no-store"

    # ... and in nobody else's
    assert matching not in [j["job_id"] for j in http.get("/api/jobs/feed", headers=bob).json()["jobs"]]

    # Its details, then a draft that answers the screening questions and says where to apply
    detail = http.get(f"/api/jobs/{matching}", headers=alice)
    assert detail.status_code == 200, detail.text
    assert detail.json()["screening_questions"] == QUESTIONS
    assert skill in detail.json()["description"]
    draft = http.post(f"/api/jobs/{matching}/draft", json={"bid": 45}, headers=alice)
    assert draft.status_code == 200, draft.text
    body = draft.json()
    assert body["apply_url"] == job["url"]
    assert [a["question"] for a in body["screening_answers"]] == QUESTIONS
    assert body["suggested_bid"]["type"] == "hourly"
    assert body["proposal_text"]
    assert body["cover_letter"]

    # The search now shows the round
    search = http.get(f"/api/jobs/searches/{saved.json()['search_id']}", headers=alice).json()
    assert search["new_jobs_24h"] == 1
    assert search["last_polled_at"].endswith("Z")
