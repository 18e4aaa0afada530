"""Delivery receipts: at most one queued message per `webhook-id` (the idempotency table, `id` key).

Item `id = "webhook#<event_id>"` (`bidcraft.tables.idempotency.WebhookReceipt`): `status` (`reserved` →
`queued`), `body_sha256`, `received_at`, `message_id`, `expiration` (the table's TTL attribute; deliveries
are deduplicated for 7 days, longer than Standard Webhooks senders keep retrying). The receiver lives in the
idempotency table, not the analytics one, so the public, unauthenticated function needs no access to user
data.

Storage failures propagate as `STORAGE_ERRORS` (PynamoDB's errors wrapping botocore's): the receiver decides
what each one means (503 before anything is queued, a log line after).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bidcraft import clock
from bidcraft.tables.base import STORAGE_ERRORS, is_condition_failure
from bidcraft.tables.idempotency import WEBHOOK_PREFIX, WebhookReceipt

RECEIPT_TTL = timedelta(days=7)
KEY_PREFIX = WEBHOOK_PREFIX
Status = Literal["reserved", "queued"]

__all__ = ["STORAGE_ERRORS", "Receipt", "get", "mark_queued", "release", "reserve"]


@dataclass(frozen=True)
class Receipt:
    event_id: str
    status: Status
    body_sha256: str


def reserve(event_id: str, body_sha256: str, now: datetime) -> Receipt | None:
    """Claim `event_id`: None when this call created the receipt, else the receipt that already exists."""
    receipt = WebhookReceipt(
        WebhookReceipt.key(event_id),
        status="reserved",
        body_sha256=body_sha256,
        received_at=clock.iso(now),
        expiration=clock.epoch(now + RECEIPT_TTL),
    )
    try:
        receipt.save(condition=WebhookReceipt.id.does_not_exist())
        return None
    except STORAGE_ERRORS as exc:
        if not is_condition_failure(exc):
            raise
    existing = get(event_id)
    if existing is None:  # expired and deleted between the two calls: claim it again
        return reserve(event_id, body_sha256, now)
    return existing


def get(event_id: str) -> Receipt | None:
    try:
        item = WebhookReceipt.get(WebhookReceipt.key(event_id), consistent_read=True)
    except WebhookReceipt.DoesNotExist:
        return None
    return Receipt(
        event_id=event_id,
        status="queued" if item.status == "queued" else "reserved",
        body_sha256=item.body_sha256 or "",
    )


def mark_queued(event_id: str, message_id: str) -> None:
    WebhookReceipt(WebhookReceipt.key(event_id)).update(
        actions=[WebhookReceipt.status.set("queued"), WebhookReceipt.message_id.set(message_id)]
    )


def release(event_id: str) -> None:
    """Forget a reservation whose message was never queued, so the sender's retry can queue it."""
    try:
        WebhookReceipt(WebhookReceipt.key(event_id)).delete(condition=WebhookReceipt.status == "reserved")
    except STORAGE_ERRORS as exc:
        if not is_condition_failure(exc):
            raise
