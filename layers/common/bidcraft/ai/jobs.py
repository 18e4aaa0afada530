"""AI jobs: the item that tracks an asynchronous generation, and its queue message.

Item: AnalyticsTable `USER#<id>` / `AIJOB#<job_id>` — job_id, kind, status, request, result?, error?,
created_at, updated_at, started_at?, finished_at?, attempts, expires_at (7 days after creation).
The key holds the owner, so one user can never read another's job (a miss is a 404).

Status moves only forward, each step a conditional update (idempotent under SQS redelivery):
    queued → running             (`start`: status = queued, or running but stale — a worker that died)
    running → succeeded | failed (`finish`: status = running)
    running → queued             (`release`: a transient failure, the message will be redelivered)
    queued | running → failed    (`fail`: enqueue failed, or the job failed permanently)
Queue message (AI_JOBS_QUEUE_URL): `{"job_id", "user_id", "kind", "request"}`.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

from bidcraft import aws, clock, dynamo
from bidcraft.ai.settings import queue, settings
from bidcraft.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

KIND_GENERATE_PROPOSAL = "generate_proposal"
RETENTION = timedelta(days=7)
STALE_AFTER = timedelta(minutes=15)
StartOutcome = Literal["started", "done", "busy", "missing"]


def _key(user_id: str, job_id: str) -> dict[str, Any]:
    return dynamo.key(f"USER#{user_id}", f"AIJOB#{job_id}")


def status_url(job_id: str) -> str:
    return f"/api/ai/jobs/{job_id}"


def create(user_id: str, kind: str, request: dict[str, Any], *, now: datetime | None = None) -> str:
    moment = now or clock.now()
    job_id = str(uuid.uuid4())
    entry = {
        "entity": "ai_job",
        "job_id": job_id,
        "user_id": user_id,
        "kind": kind,
        "status": "queued",
        "request": request,
        "attempts": 0,
        "created_at": clock.iso(moment),
        "updated_at": clock.iso(moment),
        "expires_at": clock.epoch(moment + RETENTION),
    }
    try:
        dynamo.client().put_item(
            TableName=settings().analytics_table,
            Item={**_key(user_id, job_id), **dynamo.item(entry)},
            ConditionExpression="attribute_not_exists(pk)",
        )
    except aws.AWS_ERRORS as exc:
        raise dynamo.unavailable() from exc
    return job_id


def enqueue(job_id: str, user_id: str, kind: str, request: dict[str, Any]) -> None:
    body = json.dumps({"job_id": job_id, "user_id": user_id, "kind": kind, "request": request})
    try:
        aws.client("sqs").send_message(QueueUrl=queue().ai_jobs_queue_url, MessageBody=body)
    except aws.AWS_ERRORS as exc:
        logger.error("ai job not enqueued", extra={"job_id": job_id, "error": aws.error_code(exc)})
        raise ServiceUnavailable("The job could not be queued; retry shortly") from exc


def get(user_id: str, job_id: str) -> dict[str, Any] | None:
    return dynamo.get_item(settings().analytics_table, _key(user_id, job_id))


def _update(
    user_id: str,
    job_id: str,
    expression: str,
    condition: str,
    values: dict[str, Any],
    names: dict[str, str] | None = None,
) -> bool:
    """One conditional update; False when the condition did not hold."""
    try:
        dynamo.client().update_item(
            TableName=settings().analytics_table,
            Key=_key(user_id, job_id),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames={"#s": "status", **(names or {})},
            ExpressionAttributeValues=dynamo.expression_values(values),
        )
    except aws.AWS_ERRORS as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise dynamo.unavailable() from exc
    return True


def start(user_id: str, job_id: str, *, now: datetime | None = None) -> StartOutcome:
    """Claim the job for this worker: `started`, or why not (`done`, `busy` elsewhere, `missing`)."""
    moment = now or clock.now()
    claimed = _update(
        user_id,
        job_id,
        "SET #s = :running, started_at = :now, updated_at = :now ADD attempts :one",
        "attribute_exists(pk) AND (#s = :queued OR (#s = :running AND started_at < :stale))",
        {
            ":running": "running",
            ":queued": "queued",
            ":now": clock.iso(moment),
            ":stale": clock.iso(moment - STALE_AFTER),
            ":one": 1,
        },
    )
    if claimed:
        return "started"
    current = get(user_id, job_id)
    if current is None:
        return "missing"
    return "done" if current.get("status") in ("succeeded", "failed") else "busy"


def finish(user_id: str, job_id: str, result: dict[str, Any], *, now: datetime | None = None) -> bool:
    moment = now or clock.now()
    return _update(
        user_id,
        job_id,
        "SET #s = :succeeded, #r = :result, finished_at = :now, updated_at = :now",
        "#s = :running",
        {":succeeded": "succeeded", ":result": result, ":running": "running", ":now": clock.iso(moment)},
        {"#r": "result"},
    )


def fail(user_id: str, job_id: str, error: dict[str, Any], *, now: datetime | None = None) -> bool:
    moment = now or clock.now()
    return _update(
        user_id,
        job_id,
        "SET #s = :failed, #e = :error, finished_at = :now, updated_at = :now",
        "#s IN (:queued, :running)",
        {
            ":failed": "failed",
            ":error": error,
            ":queued": "queued",
            ":running": "running",
            ":now": clock.iso(moment),
        },
        {"#e": "error"},
    )


def release(user_id: str, job_id: str, *, now: datetime | None = None) -> bool:
    """Give a running job back to the queue after a transient failure (the message is redelivered)."""
    moment = now or clock.now()
    return _update(
        user_id,
        job_id,
        "SET #s = :queued, updated_at = :now",
        "#s = :running",
        {":queued": "queued", ":running": "running", ":now": clock.iso(moment)},
    )
