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

Storage: the `AiJobItem` model (`bidcraft.tables.analytics`); the queue is SQS through `bidcraft.aws`.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from bidcraft import aws, clock
from bidcraft.ai.settings import queue
from bidcraft.errors import ServiceUnavailable
from bidcraft.tables.analytics.ai import AiJobItem, without_nulls
from bidcraft.tables.base import STORAGE_ERRORS, is_condition_failure, unavailable

logger = logging.getLogger(__name__)

KIND_GENERATE_PROPOSAL = "generate_proposal"
RETENTION = timedelta(days=7)
STALE_AFTER = timedelta(minutes=15)
StartOutcome = Literal["started", "done", "busy", "missing"]


def status_url(job_id: str) -> str:
    return f"/api/ai/jobs/{job_id}"


def create(user_id: str, kind: str, request: dict[str, Any], *, now: datetime | None = None) -> str:
    moment = now or clock.now()
    job_id = str(uuid.uuid4())
    item = AiJobItem(
        *AiJobItem.key(user_id, job_id),
        entity="ai_job",
        job_id=job_id,
        user_id=user_id,
        kind=kind,
        status="queued",
        request=without_nulls(request),
        attempts=0,
        created_at=clock.iso(moment),
        updated_at=clock.iso(moment),
        expires_at=clock.epoch(moment + RETENTION),
    )
    try:
        item.save(condition=AiJobItem.pk.does_not_exist())
    except STORAGE_ERRORS as exc:
        raise unavailable() from exc
    return job_id


def enqueue(job_id: str, user_id: str, kind: str, request: dict[str, Any]) -> None:
    body = json.dumps({"job_id": job_id, "user_id": user_id, "kind": kind, "request": request})
    try:
        aws.client("sqs").send_message(QueueUrl=queue().ai_jobs_queue_url, MessageBody=body)
    except aws.AWS_ERRORS as exc:
        logger.error("ai job not enqueued", extra={"job_id": job_id, "error": aws.error_code(exc)})
        raise ServiceUnavailable("The job could not be queued; retry shortly") from exc


def get(user_id: str, job_id: str) -> AiJobItem | None:
    """The job (strongly consistent read), or None; a storage failure fails closed (503)."""
    try:
        return AiJobItem.get(*AiJobItem.key(user_id, job_id), consistent_read=True)
    except AiJobItem.DoesNotExist:
        return None
    except STORAGE_ERRORS as exc:
        raise unavailable() from exc


def _update(user_id: str, job_id: str, actions: list[Action], condition: Condition) -> bool:
    """One conditional UpdateItem; False when the condition did not hold."""
    try:
        AiJobItem(*AiJobItem.key(user_id, job_id)).update(actions=actions, condition=condition)
    except STORAGE_ERRORS as exc:
        if is_condition_failure(exc):
            return False
        raise unavailable() from exc
    return True


def start(user_id: str, job_id: str, *, now: datetime | None = None) -> StartOutcome:
    """Claim the job for this worker: `started`, or why not (`done`, `busy` elsewhere, `missing`)."""
    moment = now or clock.now()
    stamp = clock.iso(moment)
    status = AiJobItem.status
    claimed = _update(
        user_id,
        job_id,
        [
            status.set("running"),
            AiJobItem.started_at.set(stamp),
            AiJobItem.updated_at.set(stamp),
            AiJobItem.attempts.add(1),
        ],
        AiJobItem.pk.exists()
        & (
            (status == "queued")
            | ((status == "running") & (AiJobItem.started_at < clock.iso(moment - STALE_AFTER)))
        ),
    )
    if claimed:
        return "started"
    current = get(user_id, job_id)
    if current is None:
        return "missing"
    return "done" if current.status in ("succeeded", "failed") else "busy"


def finish(user_id: str, job_id: str, result: dict[str, Any], *, now: datetime | None = None) -> bool:
    stamp = clock.iso(now or clock.now())
    return _update(
        user_id,
        job_id,
        [
            AiJobItem.status.set("succeeded"),
            AiJobItem.result.set(without_nulls(result)),
            AiJobItem.finished_at.set(stamp),
            AiJobItem.updated_at.set(stamp),
        ],
        AiJobItem.status == "running",
    )


def fail(user_id: str, job_id: str, error: dict[str, Any], *, now: datetime | None = None) -> bool:
    stamp = clock.iso(now or clock.now())
    return _update(
        user_id,
        job_id,
        [
            AiJobItem.status.set("failed"),
            AiJobItem.error.set(without_nulls(error)),
            AiJobItem.finished_at.set(stamp),
            AiJobItem.updated_at.set(stamp),
        ],
        AiJobItem.status.is_in("queued", "running"),
    )


def release(user_id: str, job_id: str, *, now: datetime | None = None) -> bool:
    """Give a running job back to the queue after a transient failure (the message is redelivered)."""
    return _update(
        user_id,
        job_id,
        [AiJobItem.status.set("queued"), AiJobItem.updated_at.set(clock.iso(now or clock.now()))],
        AiJobItem.status == "running",
    )
