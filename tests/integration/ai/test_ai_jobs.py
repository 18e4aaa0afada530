"""Asynchronous generation: 202 + job item + queue message, the worker, idempotency, failures, ownership."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from bidcraft import aws, clock
from tests.integration.ai.conftest import Call, User, analytics_item
from tests.unit.ai.fake_openai import FakeOpenAI, status

GENERATE = {
    "project_description": "A booking website for a yoga studio",
    "budget": 1500,
    "skills": ["Django"],
}
ASYNC = {"Prefer": "respond-async"}
DRAFT_KEYS = {
    "proposal_text",
    "cover_letter",
    "portfolio_items",
    "pricing_breakdown",
    "engine",
    "usage",
    "content_warnings",
}


def submit(ai: Call, user: User, body: dict[str, Any] | None = None) -> dict[str, Any]:
    reply = ai("POST", "/api/ai/generate/proposal", body or GENERATE, token=user.token, headers=ASYNC)
    assert reply.status == 202, reply.body
    assert reply.headers["location"] == reply.json["status_url"]
    return dict(reply.json)


def message_for(job_id: str, drain: Callable[[], list[dict[str, Any]]]) -> dict[str, Any]:
    found = [m for m in drain() if m["job_id"] == job_id]
    assert len(found) == 1
    return found[0]


def test_async_generation_end_to_end_through_the_worker(
    ai: Call,
    user: User,
    ai_queue: Callable[[], list[dict[str, Any]]],
    run_worker: Callable[..., dict[str, Any]],
) -> None:
    accepted = submit(ai, user)
    assert set(accepted) == {"job_id", "status", "status_url"}
    assert accepted["status"] == "queued"
    assert accepted["status_url"] == f"/api/ai/jobs/{accepted['job_id']}"
    queued = ai("GET", accepted["status_url"], token=user.token)
    assert queued.status == 200
    assert queued.json == {"job_id": accepted["job_id"], "status": "queued"}

    message = message_for(accepted["job_id"], ai_queue)
    assert set(message) == {"job_id", "user_id", "kind", "request"}
    assert message["user_id"] == user.user_id
    assert run_worker(message) == {"batchItemFailures": []}

    done = ai("GET", accepted["status_url"], token=user.token)
    assert done.status == 200
    assert set(done.json) == {"job_id", "status", "result"}
    assert done.json["status"] == "succeeded"
    assert set(done.json["result"]) == DRAFT_KEYS
    assert done.json["result"]["pricing_breakdown"]["total"] == 1500
    item = analytics_item(f"USER#{user.user_id}", f"AIJOB#{accepted['job_id']}")
    assert item is not None
    assert int(item["expires_at"]["N"]) - clock.epoch(clock.now()) > 6 * 24 * 3600


def test_a_redelivered_message_changes_nothing(
    ai: Call,
    user: User,
    ai_queue: Callable[[], list[dict[str, Any]]],
    run_worker: Callable[..., dict[str, Any]],
) -> None:
    accepted = submit(ai, user)
    message = message_for(accepted["job_id"], ai_queue)
    run_worker(message)
    before = analytics_item(f"USER#{user.user_id}", f"AIJOB#{accepted['job_id']}")

    assert run_worker(message, receive_count=2) == {"batchItemFailures": []}

    after = analytics_item(f"USER#{user.user_id}", f"AIJOB#{accepted['job_id']}")
    assert after == before


def test_partial_batch_failure_reports_only_the_failed_record(
    ai: Call,
    user: User,
    ai_queue: Callable[[], list[dict[str, Any]]],
    run_worker: Callable[..., dict[str, Any]],
) -> None:
    first, busy, last = (submit(ai, user)["job_id"] for _ in range(3))
    messages = {m["job_id"]: m for m in ai_queue()}
    _mark_running_now(user.user_id, busy)  # another worker holds it: this delivery must be retried

    response = run_worker(json.dumps(messages[first]), json.dumps(messages[busy]), json.dumps(messages[last]))

    assert list(response) == ["batchItemFailures"]
    assert len(response["batchItemFailures"]) == 1
    assert set(response["batchItemFailures"][0]) == {"itemIdentifier"}
    statuses = {
        job: ai("GET", f"/api/ai/jobs/{job}", token=user.token).json["status"] for job in (first, busy, last)
    }
    assert statuses == {first: "succeeded", busy: "running", last: "succeeded"}


def test_malformed_messages_are_dropped_not_retried_forever(
    run_worker: Callable[..., dict[str, Any]],
) -> None:
    assert run_worker("not json", {"job_id": "x"}) == {"batchItemFailures": []}


def test_transient_ai_failures_are_retried_then_the_job_fails_with_a_problem(
    ai: Call,
    user: User,
    ai_queue: Callable[[], list[dict[str, Any]]],
    run_worker: Callable[..., dict[str, Any]],
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.responders = [status(500)]
    job_id = submit(ai, user)["job_id"]
    message = message_for(job_id, ai_queue)

    with pytest.raises(BatchProcessingError):  # D2: a batch whose every record failed is retried whole
        run_worker(message, receive_count=1)
    assert ai("GET", f"/api/ai/jobs/{job_id}", token=user.token).json["status"] == "queued"

    last = run_worker(message, receive_count=3)
    assert last == {"batchItemFailures": []}
    failed = ai("GET", f"/api/ai/jobs/{job_id}", token=user.token).json
    assert failed["status"] == "failed"
    assert set(failed) == {"job_id", "status", "error"}
    assert failed["error"] == {
        "type": "https://bidcraft.dev/problems/ai-unavailable",
        "title": "AI service unavailable",
        "status": 502,
        "detail": "The AI service failed to answer; try again later",
    }


def test_jobs_are_private_to_their_owner(ai: Call, sign_up: Callable[[], User]) -> None:
    owner, other = sign_up(), sign_up()
    job_id = submit(ai, owner)["job_id"]

    assert ai("GET", f"/api/ai/jobs/{job_id}", token=owner.token).status == 200
    stranger = ai("GET", f"/api/ai/jobs/{job_id}", token=other.token)
    assert stranger.status == 404
    assert stranger.json["type"] == "https://bidcraft.dev/problems/not-found"
    assert ai("GET", "/api/ai/jobs/00000000-0000-0000-0000-000000000000", token=owner.token).status == 404
    assert ai("GET", "/api/ai/jobs/..%2F..%2Fetc", token=owner.token).status == 404


def _mark_running_now(user_id: str, job_id: str) -> None:
    aws.client("dynamodb").update_item(
        TableName=os.environ["ANALYTICS_TABLE"],
        Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": f"AIJOB#{job_id}"}},
        UpdateExpression="SET #s = :running, started_at = :now",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":running": {"S": "running"}, ":now": {"S": clock.iso(clock.now())}},
    )
