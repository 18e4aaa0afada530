"""Sync jobs: `USER#u / SYNCJOB#<job_id>` items and the `sync.user` messages that run them.

`request_sync` (a manual sync, and the first sync after sign-in: `auth.sync_jobs`) returns the user's sync
already queued or running, if any — one in progress per user, tracked by the marker `USER#u / SYNCJOB_ACTIVE`
that a transaction moves together with the new job — or creates a `queued` job and queues
`{"type": "sync.user", "user_id", "reason", "job_id"}`. Messages without a `job_id` (the schedule) get one
when the worker starts.

Storage: the `SyncJobRecord` and `SyncMarker` models (`bidcraft.tables.analytics.sync`); the claim is one
PynamoDB `TransactWrite` (a put and a conditional update). `start` takes a lease
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
from typing import TYPE_CHECKING, Any, Literal

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.update import Action

from bidcraft import aws, clock, config
from bidcraft.analytics.items import user_pk
from bidcraft.errors import ServiceUnavailable
from bidcraft.sync import models as m
from bidcraft.tables import base
from bidcraft.tables.analytics.sync import SyncJobRecord, SyncMarker

if TYPE_CHECKING:
    from bidcraft.sync.messages import SyncMessage

logger = logging.getLogger(__name__)

JOB_TTL = timedelta(days=30)
JOB_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
LEASE = timedelta(minutes=10)  # > the sync worker's timeout (300 s)
# A queued manual sync that no worker has started after this long is presumed lost (its message expired or
# went to the dead-letter queue): a new request may start another.
QUEUED_STALE_AFTER = timedelta(minutes=15)
ACTIVE_SK = "SYNCJOB_ACTIVE"  # `USER#u / SYNCJOB_ACTIVE`: {job_id} of the user's latest requested sync
CONDITION_FAILED = "ConditionalCheckFailed"  # a cancelled transaction's per-item reason code


class SyncQueueSettings(config.BaseSettings):
    sync_queue_url: str


def _sqs() -> Any:
    return aws.client("sqs")  # cached per container by bidcraft.aws


def new_job_id() -> str:
    return str(uuid.uuid4())


def _job(user_id: str, job_id: str) -> SyncJobRecord:
    return SyncJobRecord(user_pk(user_id), m.sync_job_sk(job_id))


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


def _current(user_id: str) -> tuple[str | None, m.SyncJob | None]:
    """The id of the user's latest sync (from the marker) and that job, if both exist."""
    try:
        job_id = SyncMarker.get(user_pk(user_id), ACTIVE_SK, consistent_read=True).job_id
    except DoesNotExist:
        return None, None
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
    condition = SyncMarker.pk.does_not_exist() if previous is None else SyncMarker.job_id == previous
    try:
        with base.transact_write(SyncJobRecord) as transaction:
            transaction.save(SyncJobRecord.of(job.to_item()), condition=SyncJobRecord.pk.does_not_exist())
            transaction.update(
                SyncMarker(user_pk(user_id), ACTIVE_SK),
                actions=[SyncMarker.job_id.set(job.job_id), SyncMarker.expires_at.set(job.expires_at)],
                condition=condition,
            )
    except base.STORAGE_ERRORS as exc:
        if CONDITION_FAILED in base.cancellation_codes(exc):
            return False
        raise
    return True


def request_sync(user_id: str, *, reason: str = "manual", now: datetime | None = None) -> m.SyncJob:
    """The user's queued or running requested sync, or a new queued job and its message.

    One sync in progress per user: a repeat request returns the job already queued or running (its message
    is not sent again); a finished, failed or stale one (see `in_progress`) lets a new one start. 503 when
    storage or the queue is unavailable (a job that could not be queued is marked failed).
    """
    now = now or clock.now()
    for _ in range(3):
        try:
            previous, current = _current(user_id)
        except base.STORAGE_ERRORS as exc:
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
        except base.STORAGE_ERRORS as exc:
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
        try:
            finish(user_id, job.job_id, "failed", error="The sync could not be queued", now=now)
        except base.STORAGE_ERRORS:  # the job stays `queued`: it goes stale after QUEUED_STALE_AFTER
            logger.exception("sync job not marked failed", extra={"user_id": user_id, "job_id": job.job_id})
        raise ServiceUnavailable("The sync could not be queued; retry shortly") from exc
    return job


def get(user_id: str, job_id: str) -> m.SyncJob | None:
    try:
        record = SyncJobRecord.get(user_pk(user_id), m.sync_job_sk(job_id), consistent_read=True)
    except DoesNotExist:
        return None
    return m.SyncJob.model_validate(record.plain())


def start(user_id: str, job_id: str, reason: str, now: datetime) -> bool:
    """Mark the job `running` under a lease; False when it is running elsewhere or already succeeded."""
    job = SyncJobRecord
    now_iso = clock.iso(now)
    try:
        _job(user_id, job_id).update(
            actions=[
                job.status.set("running"),
                job.started_at.set(now_iso),
                job.lease_until.set(clock.epoch(now + LEASE)),
                job.user_id.set(user_id),
                job.job_id.set(job_id),
                job.reason.set(job.reason | reason),  # if_not_exists
                job.created_at.set(job.created_at | now_iso),
                job.expires_at.set(clock.epoch(now + JOB_TTL)),
                job.kind.set("sync_job"),
                job.finished_at.remove(),
                job.error.remove(),
            ],
            condition=(
                job.pk.does_not_exist()
                | job.status.is_in("queued", "failed")
                | ((job.status == "running") & (job.lease_until < clock.epoch(now)))
            ),
        )
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return False
        raise
    return True


def defer(user_id: str, job_id: str, reason: str, *, wait_seconds: int) -> None:
    """Upwork's budget is spent for now: the job goes back to `queued` (with why, for its owner) and its
    message is sent again, delayed, under the same job id: the work waits, never fails nor dead-letters."""
    _job(user_id, job_id).update(
        actions=[
            SyncJobRecord.status.set("queued"),
            SyncJobRecord.error.set(f"Waiting for the Upwork request budget (about {wait_seconds} s)"),
            SyncJobRecord.lease_until.remove(),
        ]
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
    job = SyncJobRecord
    actions: list[Action] = [
        job.status.set(status),
        job.finished_at.set(clock.iso(now or clock.now())),
        job.counts.set(dict(counts or {})),
        job.lease_until.remove(),
    ]
    if error:
        actions.append(job.error.set(error[:300]))
    _job(user_id, job_id).update(actions=actions)
