"""Events for a freelancer who has not signed up yet: parked, never dropped, applied at their first sync.

`park` writes `PENDING#<freelancer_id> / <occurred_at>#<event_id>` (`PendingEventRecord`: the envelope JSON,
kept 90 days; the same event parked twice is the same item). `drain` — run by every sync of the user, after
the Upwork pull — reads the freelancer's parked events page by page (PynamoDB's query iterator, `PAGE` items a
call), applies each page through the same `apply_events` as the queue worker (idempotent: markers,
versions) and deletes it only after it was applied (`BatchWriteItem`), so a crash in between re-applies
harmlessly. An event parked while a drain runs is picked up by the next sync (at most 6 hours).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from itertools import islice

from pydantic import ValidationError

from bidcraft import clock
from bidcraft.analytics import models as m
from bidcraft.events.apply import ApplyReport, EventStore, apply_events
from bidcraft.events.models import Envelope, parse_envelope
from bidcraft.tables import base
from bidcraft.tables.analytics.parked import PendingEventRecord

logger = logging.getLogger(__name__)

PENDING_TTL = timedelta(days=90)
PAGE = 100


def park(envelope: Envelope, *, now: datetime | None = None) -> None:
    now = now or clock.now()
    item = m.PendingEvent(
        freelancer_id=envelope.freelancer_id,
        event_id=envelope.event_id,
        occurred_at=envelope.occurred_at,
        event=envelope.to_json(),
        parked_at=now,
        expires_at=clock.epoch(now + PENDING_TTL),
    )
    PendingEventRecord.of(item.to_item()).save()
    logger.info(
        "event parked for an unknown freelancer",
        extra={"event_id": envelope.event_id, "event_type": envelope.event.type},
    )


def _delete(records: list[PendingEventRecord]) -> None:
    """Delete applied events (`BatchWriteItem`s of 25; PynamoDB resends unprocessed ones with back-off)."""
    try:
        with PendingEventRecord.batch_write() as batch:
            for record in records:
                batch.delete(record)
    except base.STORAGE_ERRORS:
        logger.warning("parked events not deleted; they will be re-applied (idempotently) next time")


def drain(user_id: str, freelancer_id: str, store: EventStore | None = None) -> ApplyReport:
    """Apply and delete every event parked for `freelancer_id` (now known to be `user_id`)."""
    report = ApplyReport()
    parked = iter(PendingEventRecord.query(m.pending_pk(freelancer_id), consistent_read=True, page_size=PAGE))
    while page := list(islice(parked, PAGE)):
        envelopes: list[Envelope] = []
        for record in page:
            try:
                envelopes.append(parse_envelope(record.event or ""))
            except ValidationError:
                logger.error("unreadable parked event deleted", extra={"sk": record.sk})
        if envelopes:
            report.add(apply_events(user_id, envelopes, store))
        _delete(page)
    if report.applied or report.duplicates or report.unchanged:
        logger.info("parked events applied", extra={"user_id": user_id, **report.as_counts()})
    return report
