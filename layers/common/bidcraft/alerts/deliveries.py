"""Deliveries: creating and queueing one (at most once per channel and job), and the delivery log.

A delivery is written first (with its at-most-once marker, in one transaction), then its message is queued.
If queueing fails the delivery and marker are removed again and the error raised, so the caller's retry
creates it afresh: nothing is left `queued` without a message, and nothing is sent twice.

`GET /api/alerts/deliveries`: newest first from the caller's partition (or, for one channel, from the
`gsi1` index keyed by user and channel); `status` is a filter, so a page may take up to `MAX_ROUNDS` reads
before it is returned short with a cursor. Cursors are tamper-evident and bound to the caller and filters.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bidcraft import clock
from bidcraft.alerts import queue, schedule, store
from bidcraft.alerts.models import (
    Delivery,
    DeliveryPage,
    DeliveryStatus,
    DeliveryType,
    Pagination,
)
from bidcraft.errors import DomainError
from bidcraft.security import cursor as cursors

if TYPE_CHECKING:
    from bidcraft.alerts.spec import QuietHours

logger = logging.getLogger(__name__)

RETENTION = timedelta(days=30)
CURSOR_LABEL = "alert-deliveries"
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_ROUNDS = 5
FILTERED_PAGE = 100


def new_delivery_id(at: datetime) -> str:
    """`dl_` + creation time in ms (12 hex digits, so ids sort by time) + 12 random hex digits."""
    return f"dl_{int(at.timestamp() * 1000):012x}{secrets.token_hex(6)}"


def create_and_queue(
    user_id: str,
    channel: Mapping[str, Any],
    *,
    delivery_type: DeliveryType,
    job: Mapping[str, Any],
    search_id: str | None,
    quiet_hours: QuietHours | None,
    job_expires_at: datetime | None,
    not_before: datetime | None,
    now: datetime,
) -> str | None:
    """Create a delivery for `channel` and queue it; its id, or None when this (channel, job) has one."""
    delivery_id = new_delivery_id(now)
    job_id = str(job["job_id"]) if delivery_type == "job.matched" else None
    record = {
        "delivery_id": delivery_id,
        "channel_id": str(channel["channel_id"]),
        "channel_type": str(channel["type"]),
        "job_id": job_id,
        "search_id": search_id,
        "type": delivery_type,
        "status": "queued",
        "attempts": 0,
        "created_at": clock.iso(now),
        "job_json": json.dumps(dict(job), separators=(",", ":"), ensure_ascii=False),
        "quiet_hours_json": quiet_hours.model_dump_json() if quiet_hours else None,
        "job_expires_at": clock.epoch(job_expires_at) if job_expires_at else None,
        "expires_at": clock.epoch(now + RETENTION),
    }
    if not store.create_delivery(user_id, record, job_id=job_id):
        return None
    wait = queue.DeliveryMessage(
        user_id=user_id,
        delivery_id=delivery_id,
        attempt=1,
        not_before=clock.epoch(not_before) if not_before and not_before > now else None,
    )
    try:
        queue.send(wait, delay_seconds=schedule.hop_delay(not_before, now) if not_before else 0)
    except DomainError:
        try:
            store.forget_delivery(user_id, record, job_id=job_id)
        except DomainError:
            logger.error("an unqueued delivery could not be removed", extra={"delivery_id": delivery_id})
        raise
    return delivery_id


def to_api(item: Mapping[str, Any]) -> Delivery:
    return Delivery(
        delivery_id=str(item["delivery_id"]),
        channel_id=str(item["channel_id"]),
        job_id=item.get("job_id"),
        type=item["type"],
        status=item["status"],
        attempts=int(item.get("attempts", 0)),
        last_status_code=item.get("last_status_code"),
        last_error=item.get("last_error"),
        created_at=item["created_at"],
        delivered_at=item.get("delivered_at"),
    )


def _scope(user_id: str, channel_id: str | None, status: str | None) -> dict[str, Any]:
    return {"caller": user_id, "channel_id": channel_id, "status": status}


def list_deliveries(
    user_id: str,
    *,
    channel_id: str | None = None,
    status: DeliveryStatus | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> DeliveryPage:
    scope = _scope(user_id, channel_id, status)
    codec = cursors.codec(CURSOR_LABEL)
    start_key = codec.decode(cursor, scope) if cursor else None
    if channel_id:
        partition, partition_name = store.channel_index_pk(user_id, channel_id), "gsi1pk"
        key_names: tuple[str, ...] = ("pk", "sk", "gsi1pk", "gsi1sk")
    else:
        partition, partition_name = store.user_pk(user_id), "pk"
        key_names = ("pk", "sk")
    if start_key is not None and start_key.get(partition_name) != {"S": partition}:
        raise cursors.invalid()
    pages = store.delivery_pages(user_id, channel_id=channel_id, status=status, start_key=start_key)
    wanted = limit + 1  # one extra item tells whether another page exists
    found: list[dict[str, Any]] = []
    last_evaluated = start_key
    for _ in range(MAX_ROUNDS):
        remaining = wanted - len(found)
        # A filter discards items after `Limit` is applied: read wider pages to fill one in fewer rounds.
        pages.page_size = max(remaining, FILTERED_PAGE) if status else remaining
        page = store.next_page(pages)
        if page is None:
            break
        found.extend(page.get("Items", []))
        last_evaluated = page.get("LastEvaluatedKey")
        if len(found) >= wanted or last_evaluated is None:
            break
    shown, extra = found[:limit], found[limit:]
    # More than a page: resume after the last item shown. Otherwise where reading stopped (None: the end).
    next_key = {name: {"S": shown[-1][name]["S"]} for name in key_names} if extra else last_evaluated
    return DeliveryPage(
        deliveries=[to_api(store.delivery_of(raw)) for raw in shown],
        pagination=Pagination(
            limit=limit,
            next_cursor=codec.encode(next_key, scope) if next_key else None,
            has_more=next_key is not None,
        ),
    )
