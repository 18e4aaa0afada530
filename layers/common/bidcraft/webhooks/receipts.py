"""Delivery receipts: at most one queued message per `webhook-id` (the idempotency table, `id` key).

Item `id = "webhook#<event_id>"` (`bidcraft.tables.idempotency.WebhookReceipt`): `status` (`reserved` →
`queued`), `body_sha256`, `received_at`, `message_id`, `expiration` (the table's TTL attribute; deliveries
are deduplicated for 7 days, longer than Standard Webhooks senders keep retrying). The receiver lives in the
idempotency table, not the analytics one, so the public, unauthenticated function needs no access to user
data.

A storage failure (PynamoDB's errors wrapping botocore's, `bidcraft.tables.base.STORAGE_ERRORS`) is raised as
`StorageFailed`, its cause attached; the receiver decides what it means (503 before anything is queued, a log
line after). Anything else (a coding error) propagates as it is.

The model and PynamoDB (whose connection module loads botocore's client machinery) are imported by the first
receipt call, not with the function: this public function refuses unsigned and malformed requests
without touching storage, and boto3 (the queue) is likewise loaded by its first call (`bidcraft.aws`). A
verified delivery pays both on the container's first request — deferred, not saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from bidcraft import clock

if TYPE_CHECKING:
    from bidcraft.tables.idempotency import WebhookReceipt

RECEIPT_TTL = timedelta(days=7)
Status = Literal["reserved", "queued"]


class StorageFailed(Exception):
    """The idempotency table refused the call or could not be reached (the AWS error is the cause)."""


def _storage() -> tuple[ModuleType, type[WebhookReceipt]]:
    from bidcraft.tables import base
    from bidcraft.tables.idempotency import WebhookReceipt

    return base, WebhookReceipt


def _model() -> type[WebhookReceipt]:
    return _storage()[1]


@dataclass(frozen=True)
class Receipt:
    event_id: str
    status: Status
    body_sha256: str


def reserve(event_id: str, body_sha256: str, now: datetime) -> Receipt | None:
    """Claim `event_id`: None when this call created the receipt, else the receipt that already exists."""
    base, model = _storage()
    receipt = model(
        model.key(event_id),
        status="reserved",
        body_sha256=body_sha256,
        received_at=clock.iso(now),
        expiration=clock.epoch(now + RECEIPT_TTL),
    )
    try:
        receipt.save(condition=model.id.does_not_exist())
        return None
    except base.STORAGE_ERRORS as exc:
        if not base.is_condition_failure(exc):
            raise StorageFailed() from exc
    existing = get(event_id)
    if existing is None:  # expired and deleted between the two calls: claim it again
        return reserve(event_id, body_sha256, now)
    return existing


def get(event_id: str) -> Receipt | None:
    base, model = _storage()
    try:
        item = model.get(model.key(event_id), consistent_read=True)
    except model.DoesNotExist:
        return None
    except base.STORAGE_ERRORS as exc:
        raise StorageFailed() from exc
    return Receipt(
        event_id=event_id,
        status="queued" if item.status == "queued" else "reserved",
        body_sha256=item.body_sha256 or "",
    )


def mark_queued(event_id: str, message_id: str) -> None:
    base, model = _storage()
    try:
        queued = model(model.key(event_id))
        queued.update(actions=[model.status.set("queued"), model.message_id.set(message_id)])
    except base.STORAGE_ERRORS as exc:
        raise StorageFailed() from exc


def release(event_id: str) -> None:
    """Forget a reservation whose message was never queued, so the sender's retry can queue it."""
    base, model = _storage()
    try:
        model(model.key(event_id)).delete(condition=model.status == "reserved")
    except base.STORAGE_ERRORS as exc:
        if not base.is_condition_failure(exc):
            raise StorageFailed() from exc
