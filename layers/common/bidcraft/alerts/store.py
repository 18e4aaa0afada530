"""The AlertsTable adapter: channels, deliveries and the at-most-once markers, one partition per user.

Items (`pk = USER#<user_id>`):
- `sk = CHANNELS` — the channel counter (`channel_count`), kept in the same transaction as each channel
  put/delete, so the per-user limit holds when two requests race.
- `sk = CHANNEL#<channel_id>` — a channel: type, name, masked target, the sealed target and secret
  (`sealed`: KMS envelope, purpose `alert_channel`, bound to the user), status, failure counter.
- `sk = DEDUP#<channel_id>#<job_id>` — put with `attribute_not_exists` in the same transaction as the
  delivery it guards: a (channel, job) pair gets one delivery, however often the poller offers it.
- `sk = DELIVERY#<delivery_id>` — one delivery and its attempts; delivery ids start with the creation time in
  hex, so `sk` order is time order. `gsi1pk = USER#<user_id>#CHANNEL#<channel_id>`, `gsi1sk = <delivery_id>`
  lists one channel's deliveries (the user id in the index key keeps it to the owner by construction).
Deliveries and markers expire (`expires_at`, 30 days); channels do not.

Every call is one request; AWS failures become `ServiceUnavailable` (keyed on error codes, never messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bidcraft import aws, config, dynamo
from bidcraft.errors import Conflict, ServiceUnavailable

MAX_CHANNELS = 10
COUNTER_SK = "CHANNELS"
CHANNEL_PREFIX = "CHANNEL#"
DELIVERY_PREFIX = "DELIVERY#"
DEDUP_PREFIX = "DEDUP#"
FINAL_STATUSES = ("delivered", "failed", "suppressed")


class AlertsStoreSettings(config.BaseSettings):
    alerts_table: str


def table() -> str:
    return config.load(AlertsStoreSettings).alerts_table


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def channel_key(user_id: str, channel_id: str) -> dict[str, Any]:
    return dynamo.key(user_pk(user_id), CHANNEL_PREFIX + channel_id)


def delivery_key(user_id: str, delivery_id: str) -> dict[str, Any]:
    return dynamo.key(user_pk(user_id), DELIVERY_PREFIX + delivery_id)


def dedup_key(user_id: str, channel_id: str, job_id: str) -> dict[str, Any]:
    return dynamo.key(user_pk(user_id), f"{DEDUP_PREFIX}{channel_id}#{job_id}")


def channel_index_pk(user_id: str, channel_id: str) -> str:
    return f"USER#{user_id}#CHANNEL#{channel_id}"


def _unavailable(exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable("Alert storage is temporarily unavailable")


# -- channels ----------------------------------------------------------------------------------------------
def put_channel(user_id: str, channel: Mapping[str, Any]) -> None:
    """Store a new channel and count it; `Conflict` when the user already has `MAX_CHANNELS`."""
    item = {"pk": user_pk(user_id), "sk": CHANNEL_PREFIX + str(channel["channel_id"]), **channel}
    try:
        dynamo.client().transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table(),
                        "Key": dynamo.key(user_pk(user_id), COUNTER_SK),
                        "UpdateExpression": "ADD channel_count :one",
                        "ConditionExpression": "attribute_not_exists(channel_count) OR channel_count < :max",
                        "ExpressionAttributeValues": dynamo.expression_values(
                            {":one": 1, ":max": MAX_CHANNELS}
                        ),
                    }
                },
                {
                    "Put": {
                        "TableName": table(),
                        "Item": dynamo.item(item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    except aws.AWS_ERRORS as exc:
        if dynamo.cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
            raise Conflict(f"You already have {MAX_CHANNELS} alert channels; delete one first") from None
        raise _unavailable(exc) from exc


def list_channels(user_id: str) -> list[dict[str, Any]]:
    """Every channel of the user (at most `MAX_CHANNELS`: one Query page)."""
    try:
        response = dynamo.client().query(
            TableName=table(),
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=dynamo.expression_values(
                {":pk": user_pk(user_id), ":prefix": CHANNEL_PREFIX}
            ),
            ConsistentRead=True,
        )
    except aws.AWS_ERRORS as exc:
        raise _unavailable(exc) from exc
    return [dynamo.plain(raw) or {} for raw in response.get("Items", [])]


def get_channel(user_id: str, channel_id: str) -> dict[str, Any] | None:
    return dynamo.get_item(table(), channel_key(user_id, channel_id))


def delete_channel(user_id: str, channel_id: str) -> bool:
    """Delete a channel and uncount it; False when the user has no such channel."""
    try:
        dynamo.client().transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": table(),
                        "Key": channel_key(user_id, channel_id),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": table(),
                        "Key": dynamo.key(user_pk(user_id), COUNTER_SK),
                        "UpdateExpression": "ADD channel_count :minus",
                        "ConditionExpression": "channel_count > :zero",
                        "ExpressionAttributeValues": dynamo.expression_values({":minus": -1, ":zero": 0}),
                    }
                },
            ]
        )
    except aws.AWS_ERRORS as exc:
        if "ConditionalCheckFailed" in dynamo.cancellation_codes(exc):
            return False
        raise _unavailable(exc) from exc
    return True


def count_test_alert(user_id: str, channel_id: str, window: int, limit: int) -> bool:
    """Count a test alert in the channel's current window (`window`: its start, epoch seconds); False when
    `limit` are already counted there. Two conditional updates at most: count in this window, or start it."""
    key = channel_key(user_id, channel_id)
    if dynamo.conditional_update(
        table(),
        key,
        "ADD test_count :one",
        "test_window = :window AND test_count < :limit",
        {":one": 1, ":window": window, ":limit": limit},
    ):
        return True
    return dynamo.conditional_update(
        table(),
        key,
        "SET test_window = :window, test_count = :one",
        "attribute_exists(pk) AND (attribute_not_exists(test_window) OR test_window < :window)",
        {":one": 1, ":window": window},
    )


def channel_succeeded(user_id: str, channel_id: str, at: str) -> None:
    """A delivery got through: the failure streak is over."""
    dynamo.conditional_update(
        table(),
        channel_key(user_id, channel_id),
        "SET consecutive_failures = :zero, last_delivery_at = :at",
        "attribute_exists(pk)",
        {":zero": 0, ":at": at},
    )


def channel_failed(user_id: str, channel_id: str) -> int | None:
    """Count one more consecutive failure; the new count (None when the channel is gone)."""
    try:
        response = dynamo.client().update_item(
            TableName=table(),
            Key=channel_key(user_id, channel_id),
            UpdateExpression="ADD consecutive_failures :one",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=dynamo.expression_values({":one": 1}),
            ReturnValues="UPDATED_NEW",
        )
    except aws.AWS_ERRORS as exc:
        if dynamo.is_condition_failure(exc):
            return None
        raise _unavailable(exc) from exc
    values = dynamo.plain(response.get("Attributes")) or {}
    return int(values.get("consecutive_failures", 0))


def disable_channel(user_id: str, channel_id: str, at: str, threshold: int) -> bool:
    """Disable an active channel whose streak reached `threshold`; True only for the call that flipped it."""
    return dynamo.conditional_update(
        table(),
        channel_key(user_id, channel_id),
        "SET #status = :disabled, disabled_at = :at",
        "#status = :active AND consecutive_failures >= :threshold",
        {":disabled": "disabled", ":active": "active", ":at": at, ":threshold": threshold},
        names={"#status": "status"},
    )


# -- deliveries --------------------------------------------------------------------------------------------
def _delivery_item(user_id: str, delivery: Mapping[str, Any]) -> dict[str, Any]:
    delivery_id = str(delivery["delivery_id"])
    return {
        "pk": user_pk(user_id),
        "sk": DELIVERY_PREFIX + delivery_id,
        "gsi1pk": channel_index_pk(user_id, str(delivery["channel_id"])),
        "gsi1sk": delivery_id,
        **delivery,
    }


def create_delivery(user_id: str, delivery: Mapping[str, Any], *, job_id: str | None) -> bool:
    """Store a new delivery. With `job_id`, at most one per (channel, job): False for a duplicate."""
    put = {
        "Put": {
            "TableName": table(),
            "Item": dynamo.item(_delivery_item(user_id, delivery)),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    try:
        if job_id is None:
            dynamo.client().put_item(**put["Put"])
            return True
        marker = {
            **dedup_key(user_id, str(delivery["channel_id"]), job_id),
            "delivery_id": {"S": str(delivery["delivery_id"])},
            "expires_at": dynamo.attr(delivery["expires_at"]),
        }
        dynamo.client().transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table(),
                        "Item": marker,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                put,
            ]
        )
    except aws.AWS_ERRORS as exc:
        if dynamo.cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:
            return False
        raise _unavailable(exc) from exc
    return True


def forget_delivery(user_id: str, delivery: Mapping[str, Any], *, job_id: str | None) -> None:
    """Undo `create_delivery` when its message could not be queued (so a later offer creates it again)."""
    items: list[dict[str, Any]] = [
        {
            "Delete": {
                "TableName": table(),
                "Key": delivery_key(user_id, str(delivery["delivery_id"])),
                "ConditionExpression": "attempts = :zero",
                "ExpressionAttributeValues": dynamo.expression_values({":zero": 0}),
            }
        }
    ]
    if job_id is not None:
        items.append(
            {"Delete": {"TableName": table(), "Key": dedup_key(user_id, str(delivery["channel_id"]), job_id)}}
        )
    try:
        dynamo.client().transact_write_items(TransactItems=items)
    except aws.AWS_ERRORS as exc:
        raise _unavailable(exc) from exc


def get_delivery(user_id: str, delivery_id: str) -> dict[str, Any] | None:
    return dynamo.get_item(table(), delivery_key(user_id, delivery_id))


def claim_attempt(user_id: str, delivery_id: str, attempt: int, now: int, stale_before: int) -> bool:
    """Take attempt number `attempt`: only one worker makes it (SQS may deliver a message twice).

    Allowed when the previous attempt is the last one counted and the delivery is waiting, or when this very
    attempt was claimed before `stale_before` and never finished (its worker died mid-send). The status
    stays `queued`/`retrying` while the attempt is in flight; `attempts` already counts it.
    """
    return dynamo.conditional_update(
        table(),
        delivery_key(user_id, delivery_id),
        "SET attempts = :n, claimed_at = :now",
        "#status IN (:queued, :retrying) AND (attempts = :prev OR (attempts = :n AND claimed_at < :stale))",
        {
            ":n": attempt,
            ":prev": attempt - 1,
            ":queued": "queued",
            ":retrying": "retrying",
            ":now": now,
            ":stale": stale_before,
        },
        names={"#status": "status"},
    )


def record_outcome(user_id: str, delivery_id: str, attempt: int, changes: Mapping[str, Any]) -> bool:
    """Write the result of attempt `attempt` (status and details); False if another worker moved on."""
    sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
    names = {f"#f{i}": name for i, name in enumerate(changes)}
    values = {f":v{i}": value for i, value in enumerate(changes.values())}
    return dynamo.conditional_update(
        table(),
        delivery_key(user_id, delivery_id),
        f"SET {sets}",
        "attempts = :attempt AND #f_status IN (:queued, :retrying)",
        {**values, ":attempt": attempt, ":queued": "queued", ":retrying": "retrying"},
        names={**names, "#f_status": "status"},
    )


def settle_waiting(user_id: str, delivery_id: str, changes: Mapping[str, Any]) -> bool:
    """Finish a delivery that is waiting (no attempt in flight): suppressed, or failed without a try."""
    sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
    names = {f"#f{i}": name for i, name in enumerate(changes)}
    values = {f":v{i}": value for i, value in enumerate(changes.values())}
    return dynamo.conditional_update(
        table(),
        delivery_key(user_id, delivery_id),
        f"SET {sets}",
        "#f_status IN (:queued, :retrying)",
        {**values, ":queued": "queued", ":retrying": "retrying"},
        names={**names, "#f_status": "status"},
    )


def query_deliveries(request: dict[str, Any]) -> dict[str, Any]:
    """One Query page of deliveries (the listing builds the request: key condition, filter, start key)."""
    try:
        return dict(dynamo.client().query(TableName=table(), **request))
    except aws.AWS_ERRORS as exc:
        raise _unavailable(exc) from exc
