"""Events for a freelancer who has not signed up yet: parked, never dropped, applied at their first sync.

`park` writes `PENDING#<freelancer_id> / <occurred_at>#<event_id>` (the envelope JSON, kept 90 days; the same
event parked twice is the same item). `drain` — run by every sync of the user, after the Upwork pull — reads
the freelancer's parked events page by page, applies them through the same `apply_events` as the queue worker
(idempotent: markers, versions) and deletes each page only after it was applied, so a crash in between
re-applies harmlessly. An event parked while a drain runs is picked up by the next sync (at most 6 hours).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from bidcraft import clock
from bidcraft.analytics import models as m
from bidcraft.analytics import store as analytics_store
from bidcraft.events.apply import ApplyReport, EventStore, apply_events
from bidcraft.events.models import Envelope, parse_envelope

logger = logging.getLogger(__name__)

PENDING_TTL = timedelta(days=90)
PAGE = 100
_BATCH_WRITE = 25


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
    analytics_store.client().put_item(
        TableName=analytics_store.table_name(), Item=analytics_store.to_wire(item.to_item())
    )
    logger.info(
        "event parked for an unknown freelancer",
        extra={"event_id": envelope.event_id, "event_type": envelope.event.type},
    )


def _delete(keys: list[dict[str, Any]]) -> None:
    table = analytics_store.table_name()
    for start in range(0, len(keys), _BATCH_WRITE):
        request: dict[str, Any] = {
            table: [{"DeleteRequest": {"Key": k}} for k in keys[start : start + _BATCH_WRITE]]
        }
        for _ in range(8):
            request = (
                analytics_store.client().batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
            )
            if not request:
                break
        else:
            logger.warning("parked events not deleted; they will be re-applied (idempotently) next time")


def drain(user_id: str, freelancer_id: str, store: EventStore | None = None) -> ApplyReport:
    """Apply and delete every event parked for `freelancer_id` (now known to be `user_id`)."""
    report = ApplyReport()
    table = analytics_store.table_name()
    start_key: dict[str, Any] | None = None
    while True:
        query: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": m.pending_pk(freelancer_id)}},
            "ConsistentRead": True,
            "Limit": PAGE,
        }
        if start_key:
            query["ExclusiveStartKey"] = start_key
        page = analytics_store.client().query(**query)
        items = page.get("Items") or []
        envelopes: list[Envelope] = []
        for raw in items:
            try:
                envelopes.append(parse_envelope(raw["event"]["S"]))
            except (KeyError, ValidationError):
                logger.error("unreadable parked event deleted", extra={"sk": raw.get("sk", {}).get("S")})
        if envelopes:
            report.add(apply_events(user_id, envelopes, store))
        _delete([{"pk": raw["pk"], "sk": raw["sk"]} for raw in items])
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            break
    if report.applied or report.duplicates or report.unchanged:
        logger.info("parked events applied", extra={"user_id": user_id, **report.as_counts()})
    return report
