"""The whole path against the Upwork sandbox, nothing scripted: a job published in the sandbox is found by the
poller (the service's client-credentials token, through the Upwork budget), scored by the AI domain's models,
served in the feed with its details, and drafted for."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx2

from devserver.testing import LocalAws
from tests.integration.ai.conftest import User

from .conftest import Call

QUESTIONS = ["How many similar APIs have you built?", "When can you start?"]


def publish(local_aws: LocalAws, **fields: Any) -> str:
    reply = httpx2.post(f"{local_aws.sandbox_url}/_jobs", json=fields, timeout=10)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["job_id"])


def test_published_job_reaches_the_feed_with_details_and_a_draft(
    local_aws: LocalAws, jobs: Call, sign_up: Callable[[], User], poll: Callable[[], dict[str, Any]]
) -> None:
    # Given a user with a search for a skill of their own, and another user with an unrelated search
    user, other = sign_up(), sign_up()
    skill = "Skill" + uuid.uuid4().hex[:8]
    search = jobs("POST", "/api/jobs/searches", {"name": "mine", "skills": [skill]}, token=user.token).json
    jobs(
        "POST",
        "/api/jobs/searches",
        {"name": "x", "skills": ["Skill" + uuid.uuid4().hex[:8]]},
        token=other.token,
    )
    # When a matching job is published in the sandbox, and a polling round runs
    job_id = publish(
        local_aws,
        title=f"Build a REST API with {skill}",
        description=f"We need a {skill} developer to build and document a REST API for our shop.",
        skills=[skill, "Python"],
        category="Web, Mobile & Software Dev",
        type="fixed",
        amount=1200,
        client={"payment_verified": True, "total_spent": 5400, "hires": 4, "jobs_posted": 6, "country": "DE"},
        total_applicants=3,
        screening_questions=QUESTIONS,
    )
    report = poll()
    assert report["failed"] == 0, report
    # Then it is in the user's feed, scored, and in nobody else's
    feed = jobs("GET", "/api/jobs/feed", token=user.token).json
    found = [j for j in feed["jobs"] if j["job_id"] == job_id]
    assert len(found) == 1, feed
    job = found[0]
    assert job["matched_searches"] == [search["search_id"]]
    assert job["type"] == "fixed"
    assert job["budget"]["amount"] == 1200
    assert job["client"]["payment_verified"] is True
    assert "rating" not in job["client"]  # the sandbox client has no reviews: absent, not 0
    assert job["url"].startswith("https://")
    assert 0 <= job["win_probability"] <= 1
    assert any(r["score"] == "win_probability" for r in job["reasons"])
    assert all(j["job_id"] != job_id for j in jobs("GET", "/api/jobs/feed", token=other.token).json["jobs"])
    # And its details carry the description and the screening questions
    detail = jobs("GET", f"/api/jobs/{job_id}", token=user.token)
    assert detail.status == 200, detail.body
    assert skill in detail.json["description"]
    assert detail.json["screening_questions"] == QUESTIONS
    assert detail.json["scores"] == job["scores"]
    # And a draft answers each question and says where to apply
    draft = jobs("POST", f"/api/jobs/{job_id}/draft", {"tone": "friendly"}, token=user.token)
    assert draft.status == 200, draft.body
    body = draft.json
    assert body["job_id"] == job_id
    assert body["apply_url"] == job["url"]
    assert [a["question"] for a in body["screening_answers"]] == QUESTIONS
    assert all(a["answer"] for a in body["screening_answers"])
    assert body["suggested_bid"]["type"] == "fixed"
    assert body["suggested_bid"]["rationale"]
    assert body["engine"] == "offline"


def test_an_unknown_job_is_404(jobs: Call, user: User) -> None:
    reply = jobs("GET", "/api/jobs/999999999999999999", token=user.token)
    assert reply.status == 404, reply.body
    assert reply.headers["content-type"].startswith("application/problem+json")
