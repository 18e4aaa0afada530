"""One user's Upwork sync: pull, convert to events, apply in-process, drain parked events, record the job.

Events are applied in-process through the same `apply_events` as the queue worker rather than queued: a first
sync of a 5,000-proposal account is ~13,000 events, which the worker would take one transaction each, while
batched here they fold into a few hundred transactions (entities read 100 at a time, counters of all entities
of a batch merged per aggregate item). The work stays idempotent: event ids are derived from the records,
entities are versioned and markers guard each applied event, so a retried sync changes nothing twice.

Upwork limits are respected by the client (bounded retries on 429 with `Retry-After`); a sync that still
fails raises so the queue retries it later, except for failures a retry cannot fix (Upwork not connected,
authorization revoked), which only mark the job `failed`. When Upwork refuses one part (proposals, contracts
or transactions — e.g. a scope the key lacks), the job records why (`error`, `counts.parts_failed`) and the
other parts are still applied; the job `succeeded` with what could be read. Upwork is read ahead in one
background thread (`readahead.py`) while earlier records are applied, so the two costs overlap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from bidcraft import clock
from bidcraft.errors import Conflict, UpstreamThrottled
from bidcraft.events import pending
from bidcraft.events.apply import ApplyReport, EventStore, apply_in_chunks
from bidcraft.observability import count
from bidcraft.sync import convert, jobs, messages, state
from bidcraft.sync.readahead import ReadAhead

logger = logging.getLogger(__name__)

FIRST_SYNC_HISTORY = timedelta(days=3 * 365)
TRANSACTIONS_OVERLAP = timedelta(days=30)
APPLY_CHUNK = 2000


class SyncFailed(Exception):
    """The sync failed in a way a retry may fix (the job is marked failed; the message is retried)."""


def _freelancer_id(user_id: str) -> str | None:
    from bidcraft.users import store as users

    record = users.get(user_id)
    return record.upwork_user_id if record is not None else None


def _access_token(user_id: str) -> str:
    from bidcraft.auth.upwork_tokens import get_valid_access_token

    return get_valid_access_token(user_id)


def _graphql() -> Any:
    from bidcraft.auth import upwork_client

    return upwork_client.graphql("sync")  # background: leaves part of every second to people signing in


def _permanent(exc: Exception) -> bool:
    from bidcraft.upwork.errors import UpworkAuthError

    return isinstance(exc, UpworkAuthError) or (
        isinstance(exc, Conflict) and exc.slug == "upwork-not-connected"
    )


def _readable_part(exc: Exception) -> bool:
    """True for a refusal of one read that a retry will not fix (a GraphQL error at HTTP 200: a missing
    scope, a field Upwork would not give), as opposed to Upwork being down, throttling or the token dead."""
    from bidcraft.upwork.errors import UpworkAuthError, UpworkError, UpworkRateLimited

    return (
        isinstance(exc, UpworkError)
        and exc.upstream_status == 200
        and not isinstance(exc, UpworkAuthError | UpworkRateLimited)
    )


def _part(name: str, records: Iterable[Any], problems: dict[str, str]) -> Iterator[Any]:
    """The records of one part of the sync; a refusal of that part is recorded and the sync goes on."""
    try:
        yield from records
    except Exception as exc:  # deliberately broad: Upwork errors load lazily; others re-raised at once
        if not _readable_part(exc):
            raise
        code = getattr(exc, "code", None)
        problems[name] = f"{name} not read: {getattr(exc, 'detail', None) or 'refused by Upwork'}"
        logger.warning("sync part refused by Upwork", extra={"part": name, "code": code})


def sync_user(
    user_id: str,
    *,
    job_id: str | None = None,
    reason: str = "manual",
    now: datetime | None = None,
    store: EventStore | None = None,
    graphql: Callable[[], Any] = _graphql,
    access_token: Callable[[str], str] = _access_token,
) -> dict[str, int] | None:
    """Run one sync; the job's counts, or None when the job is already running elsewhere or done."""
    now = now or clock.now()
    job_id = job_id or jobs.new_job_id()
    if not jobs.start(user_id, job_id, reason, now):
        logger.info("sync skipped: running elsewhere or done", extra={"user_id": user_id, "job_id": job_id})
        return None
    started = time.monotonic()
    counts: dict[str, int] = {}
    problems: dict[str, str] = {}
    try:
        freelancer_id = _freelancer_id(user_id)
        if freelancer_id is None:
            jobs.finish(user_id, job_id, "failed", error="Unknown user", now=clock.now())
            return counts
        token = access_token(user_id)
        client = graphql()
        previous = state.get(user_id)
        since = (
            previous.last_synced_at - TRANSACTIONS_OVERLAP
            if previous is not None and previous.last_synced_at is not None
            else now - FIRST_SYNC_HISTORY
        )
        reading = ReadAhead(
            [
                client.iter_proposals(token),
                client.iter_contracts(token, freelancer_id),
                client.iter_transactions(token, since, now),
            ]
        )
        with reading:  # Upwork is read ahead while earlier records are applied
            proposals, contracts, payments = reading.parts()
            stream = convert.events_from(
                _part("proposals", proposals, problems),
                _part("contracts", contracts, problems),
                _part("transactions", payments, problems),
                freelancer_id,
                now,
                counts,
            )
            report: ApplyReport = apply_in_chunks(user_id, stream, store, chunk=APPLY_CHUNK, now=now)
        parked = pending.drain(user_id, freelancer_id, store)
        counts.update(report.as_counts())
        counts["pending_applied"] = parked.applied
        counts["transactions"] = report.transactions + parked.transactions
        counts["duration_ms"] = int((time.monotonic() - started) * 1000)
        if problems:
            counts["parts_failed"] = len(problems)
        if "transactions" not in problems:  # else the next sync must read the same window again
            state.mark_synced(user_id, freelancer_id, now)
    except UpstreamThrottled as exc:  # over the Upwork budget (ours) or throttled by Upwork: wait, never fail
        jobs.defer(user_id, job_id, reason, wait_seconds=exc.retry_after)
        count("Sync", outcome="deferred")
        logger.info("sync deferred", extra={"user_id": user_id, "job_id": job_id, "wait": exc.retry_after})
        return counts
    except Exception as exc:  # deliberately broad: every failure is recorded on the job, then propagates
        safe = getattr(exc, "detail", None) or "The sync failed; it will be retried"
        jobs.finish(user_id, job_id, "failed", counts=counts, error=str(safe), now=clock.now())
        count("Sync", outcome="failed")
        if _permanent(exc):
            logger.warning(
                "sync failed permanently", extra={"user_id": user_id, "error_type": type(exc).__name__}
            )
            return counts
        logger.exception("sync failed", extra={"user_id": user_id, "job_id": job_id})
        raise SyncFailed(f"sync of {user_id} failed") from exc
    jobs.finish(
        user_id,
        job_id,
        "succeeded",
        counts=counts,
        error="; ".join(problems.values()) or None,
        now=clock.now(),
    )
    count("Sync", outcome="succeeded")
    logger.info("sync done", extra={"user_id": user_id, "job_id": job_id, **counts})
    return counts


def fan_out(now: datetime | None = None) -> int:
    """The schedule: queue a `sync.user` message for every user due; how many were queued."""
    now = now or clock.now()
    due = [
        messages.SyncMessage(type="sync.user", user_id=user_id, reason="schedule")
        for user_id in state.due_users(now)
    ]
    jobs.enqueue_many(due)
    logger.info("scheduled syncs queued", extra={"count": len(due)})
    return len(due)
