"""Delivery receipts: at most one queued message per `webhook-id` (the idempotency table, `id` key).

Item `id = "webhook#<event_id>"`: `status` (`reserved` → `queued`), `body_sha256`, `received_at`,
`message_id`, `expiration` (the table's TTL attribute; deliveries are deduplicated for 7 days, longer than
Standard Webhooks senders keep retrying). The receiver lives in the idempotency table, not the analytics one,
so the public, unauthenticated function needs no access to user data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from bidcraft import aws, clock, config

RECEIPT_TTL = timedelta(days=7)
KEY_PREFIX = "webhook#"
Status = Literal["reserved", "queued"]


class ReceiptSettings(config.BaseSettings):
    idempotency_table: str


def _dynamodb() -> Any:
    return aws.client("dynamodb")  # cached per container by bidcraft.aws


def _table() -> str:
    return config.load(ReceiptSettings).idempotency_table


def _key(event_id: str) -> dict[str, Any]:
    return {"id": {"S": KEY_PREFIX + event_id}}


@dataclass(frozen=True)
class Receipt:
    event_id: str
    status: Status
    body_sha256: str


def reserve(event_id: str, body_sha256: str, now: datetime) -> Receipt | None:
    """Claim `event_id`: None when this call created the receipt, else the receipt that already exists."""
    try:
        _dynamodb().put_item(
            TableName=_table(),
            Item={
                **_key(event_id),
                "status": {"S": "reserved"},
                "body_sha256": {"S": body_sha256},
                "received_at": {"S": clock.iso(now)},
                "expiration": {"N": str(clock.epoch(now + RECEIPT_TTL))},
            },
            ConditionExpression="attribute_not_exists(id)",
        )
        return None
    except aws.AWS_ERRORS as exc:
        if aws.error_code(exc) != "ConditionalCheckFailedException":
            raise
    existing = get(event_id)
    if existing is None:  # expired and deleted between the two calls: claim it again
        return reserve(event_id, body_sha256, now)
    return existing


def get(event_id: str) -> Receipt | None:
    raw = _dynamodb().get_item(TableName=_table(), Key=_key(event_id), ConsistentRead=True).get("Item")
    if not raw:
        return None
    status = raw.get("status", {}).get("S", "reserved")
    return Receipt(
        event_id=event_id,
        status="queued" if status == "queued" else "reserved",
        body_sha256=raw.get("body_sha256", {}).get("S", ""),
    )


def mark_queued(event_id: str, message_id: str) -> None:
    _dynamodb().update_item(
        TableName=_table(),
        Key=_key(event_id),
        UpdateExpression="SET #s = :queued, message_id = :m",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":queued": {"S": "queued"}, ":m": {"S": message_id}},
    )


def release(event_id: str) -> None:
    """Forget a reservation whose message was never queued, so the sender's retry can queue it."""
    try:
        _dynamodb().delete_item(
            TableName=_table(),
            Key=_key(event_id),
            ConditionExpression="#s = :reserved",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":reserved": {"S": "reserved"}},
        )
    except aws.AWS_ERRORS as exc:
        if aws.error_code(exc) != "ConditionalCheckFailedException":
            raise
