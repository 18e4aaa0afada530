"""Sync jobs: `USER#u / SYNCJOB#<job_id>` items and the `sync.user` messages that run them.

`request_sync` (a manual sync) returns the user's sync already queued or running, if any — one in progress per
user, tracked by the marker `USER#u / SYNCJOB_ACTIVE` that a transaction moves together with the new job — or
creates a `queued` job and queues `{"type": "sync.user", "user_id", "reason", "job_id"}`.
Messages without a `job_id` (sign-in, the schedule) get one when the worker starts. `start` takes a lease
(`running` until `lease_until`) with a conditional update, so a redelivered message does not run a sync that
is still running or already succeeded; a crashed run's lease expires and the retry takes over.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field

from bidcraft import aws, clock, config, dynamo
from bidcraft.analytics import models as m
from bidcraft.analytics import store as analytics_store
from bidcraft.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

JOB_TTL = timedelta(days=30)
JOB_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
LEASE = timedelta(minutes=10)  # > the sync worker's timeout (300 s)
# A queued manual sync that no worker has started after this long is presumed lost (its message expired or
# went to the dead-letter queue): a new request may start another.
QUEUED_STALE_AFTER = timedelta(minutes=15)
ACTIVE_SK = "SYNCJOB_ACTIVE"  # `USER#u / SYNCJOB_ACTIVE`: {job_id} of the user's latest manual sync
CONDITION_FAILED = "ConditionalCheckFailed"  # a cancelled transaction's per-item reason code


class SyncQueueSettings(config.BaseSettings):
    sync_queue_url: str


class SyncMessage(BaseModel):
    """A `SYNC_QUEUE_URL` message."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: Literal["sync.user"]
    user_id: str = Field(min_length=1, max_length=128, pattern=r"^[^#\s]+$")
    reason: str = Field(default="manual", max_length=64)
    job_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9-]+$")


def _sqs() -> Any:
    return aws.client("sqs")  # cached per container by bidcraft.aws


def new_job_id() -> str:
    return str(uuid.uuid4())


def _job_key(user_id: str, job_id: str) -> dict[str, Any]:
    return analytics_store.key(m.user_pk(user_id), m.sync_job_sk(job_id))


MAX_DELAY_SECONDS = 900  # SQS's longest DelaySeconds: a longer wait takes several hops


def enqueue(user_id: str, reason: str, job_id: str | None = None, *, delay_seconds: int = 0) -> None:
    body: dict[str, Any] = {"type": "sync.user", "user_id": user_id, "reason": reason}
    if job_id:
        body["job_id"] = job_id
    _sqs().send_message(
        QueueUrl=config.load(SyncQueueSettings).sync_queue_url,
        MessageBody=json.dumps(body),
        DelaySeconds=max(0, min(int(delay_seconds), MAX_DELAY_SECONDS)),
    )


def enqueue_many(messages: list[SyncMessage]) -> None:
    url = config.load(SyncQueueSettings).sync_queue_url
    for start in range(0, len(messages), 10):
        entries = [
            {"Id": str(index), "MessageBody": message.model_dump_json(exclude_none=True)}
            for index, message in enumerate(messages[start : start + 10])
        ]
        for _ in range(5):
            failed = {
                f["Id"] for f in _sqs().send_message_batch(QueueUrl=url, Entries=entries).get("Failed") or []
            }
            entries = [entry for entry in entries if entry["Id"] in failed]
            if not entries:
                break
        else:
            logger.error("sync messages not queued", extra={"count": len(entries)})


def _active_key(user_id: str) -> dict[str, Any]:
    return analytics_store.key(m.user_pk(user_id), ACTIVE_SK)


def _current(user_id: str) -> tuple[str | None, m.SyncJob | None]:
    """The id of the user's latest manual sync (from the marker) and that job, if both exist."""
    marker = analytics_store.get_item(m.user_pk(user_id), ACTIVE_SK, consistent=True)
    job_id = str(marker["job_id"]) if marker else None
    return job_id, (get(user_id, job_id) if job_id else None)


def in_progress(job: m.SyncJob, now: datetime) -> bool:
    """Queued and recent enough to be picked up, or running under a lease that has not run out."""
    if job.status == "queued":
        return job.created_at > now - QUEUED_STALE_AFTER
    if job.status == "running":
        return (job.lease_until or 0) >= clock.epoch(now)
    return False


def _claim(user_id: str, job: m.SyncJob, *, previous: str | None) -> bool:
    """Write the new job and point the marker at it in one transaction, provided the marker still points
    where we read it (`previous`, or nowhere): two requests that read the same state cannot both win."""
    condition = "attribute_not_exists(pk)" if previous is None else "job_id = :previous"
    values: dict[str, Any] = {":job": job.job_id, ":exp": job.expires_at}
    if previous is not None:
        values[":previous"] = previous
    try:
        analytics_store.client().transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": analytics_store.table_name(),
                        "Item": analytics_store.to_wire(job.to_item()),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": analytics_store.table_name(),
                        "Key": _active_key(user_id),
                        "UpdateExpression": "SET job_id = :job, expires_at = :exp",
                        "ConditionExpression": condition,
                        "ExpressionAttributeValues": analytics_store.to_wire(values),
                    }
                },
            ]
        )
    except ClientError as exc:
        if CONDITION_FAILED in dynamo.cancellation_codes(exc):
            return False
        raise
    return True


def request_sync(user_id: str, *, reason: str = "manual", now: datetime | None = None) -> m.SyncJob:
    """The user's queued or running manual sync, or a new queued job and its message.

    One sync in progress per user: a repeat request returns the job already queued or running (its message
    is not sent again); a finished, failed or stale one (see `in_progress`) lets a new one start. 503 when
    storage or the queue is unavailable (a job that could not be queued is marked failed).
    """
    now = now or clock.now()
    for _ in range(3):
        try:
            previous, current = _current(user_id)
        except (ClientError, BotoCoreError) as exc:
            logger.exception("sync jobs not readable", extra={"user_id": user_id})
            raise ServiceUnavailable("The sync could not be requested; retry shortly") from exc
        if current is not None and in_progress(current, now):
            logger.info("sync already in progress", extra={"user_id": user_id, "job_id": current.job_id})
            return current
        job = m.SyncJob(
            user_id=user_id,
            job_id=new_job_id(),
            status="queued",
            reason=reason,
            created_at=now,
            expires_at=clock.epoch(now + JOB_TTL),
        )
        try:
            claimed = _claim(user_id, job, previous=previous)
        except (ClientError, BotoCoreError) as exc:
            logger.exception("sync job not recorded", extra={"user_id": user_id})
            raise ServiceUnavailable("The sync could not be requested; retry shortly") from exc
        if claimed:
            break
        # another request started a sync since we read: read again and return that one
    else:
        raise ServiceUnavailable("The sync could not be requested; retry shortly")
    try:
        enqueue(user_id, reason, job.job_id)
    except aws.AWS_ERRORS as exc:
        logger.exception("sync job not queued", extra={"user_id": user_id, "job_id": job.job_id})
        finish(user_id, job.job_id, "failed", error="The sync could not be queued", now=now)
        raise ServiceUnavailable("The sync could not be queued; retry shortly") from exc
    return job


def get(user_id: str, job_id: str) -> m.SyncJob | None:
    item = analytics_store.get_item(m.user_pk(user_id), m.sync_job_sk(job_id), consistent=True)
    return m.SyncJob.model_validate(item) if item else None


def start(user_id: str, job_id: str, reason: str, now: datetime) -> bool:
    """Mark the job `running` under a lease; False when it is running elsewhere or already succeeded."""
    try:
        analytics_store.client().update_item(
            TableName=analytics_store.table_name(),
            Key=_job_key(user_id, job_id),
            UpdateExpression=(
                "SET #s = :running, started_at = :now, lease_until = :lease, user_id = :u, job_id = :j, "
                "reason = if_not_exists(reason, :reason), created_at = if_not_exists(created_at, :now), "
                "expires_at = :exp, #t = :type REMOVE finished_at, #e"
            ),
            ConditionExpression=(
                "attribute_not_exists(pk) OR #s IN (:queued, :failed) "
                "OR (#s = :running AND lease_until < :epoch)"
            ),
            ExpressionAttributeNames={"#s": "status", "#t": "type", "#e": "error"},
            ExpressionAttributeValues=analytics_store.to_wire(
                {
                    ":running": "running",
                    ":queued": "queued",
                    ":failed": "failed",
                    ":now": clock.iso(now),
                    ":epoch": clock.epoch(now),
                    ":lease": clock.epoch(now + LEASE),
                    ":u": user_id,
                    ":j": job_id,
                    ":reason": reason,
                    ":exp": clock.epoch(now + JOB_TTL),
                    ":type": "sync_job",
                }
            ),
        )
    except aws.AWS_ERRORS as exc:
        if aws.error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def defer(user_id: str, job_id: str, reason: str, *, wait_seconds: int) -> None:
    """Upwork's budget is spent for now: the job goes back to `queued` (with why, for its owner) and its
    message is sent again, delayed, under the same job id: the work waits, never fails nor dead-letters."""
    analytics_store.client().update_item(
        TableName=analytics_store.table_name(),
        Key=_job_key(user_id, job_id),
        UpdateExpression="SET #s = :queued, #e = :e REMOVE lease_until",
        ExpressionAttributeNames={"#s": "status", "#e": "error"},
        ExpressionAttributeValues=analytics_store.to_wire(
            {":queued": "queued", ":e": f"Waiting for the Upwork request budget (about {wait_seconds} s)"}
        ),
    )
    enqueue(user_id, reason, job_id, delay_seconds=wait_seconds)


def finish(
    user_id: str,
    job_id: str,
    status: Literal["succeeded", "failed"],
    *,
    counts: Mapping[str, int] | None = None,
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    now = now or clock.now()
    values: dict[str, Any] = {":s": status, ":now": clock.iso(now), ":counts": dict(counts or {})}
    expression = "SET #s = :s, finished_at = :now, #c = :counts REMOVE lease_until"
    names = {"#s": "status", "#c": "counts"}
    if error:
        expression = "SET #s = :s, finished_at = :now, #c = :counts, #e = :e REMOVE lease_until"
        names["#e"] = "error"
        values[":e"] = error[:300]
    analytics_store.client().update_item(
        TableName=analytics_store.table_name(),
        Key=_job_key(user_id, job_id),
        UpdateExpression=expression,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=analytics_store.to_wire(values),
    )
