"""Storage of a user's Upwork tokens: `USER#<id>` / `UPWORK_TOKENS` in the users table.

Attributes: `sealed_tokens` (envelope-encrypted JSON of both tokens, purpose `upwork_token`, bound to the
user),
`access_expires_at` (epoch s — deliberately *not* `expires_at`, the table's TTL attribute), `version`
(optimistic concurrency), `updated_at`, and the refresh lease `lease_owner` / `lease_until`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bidcraft import dynamo
from bidcraft.auth.settings import users_table

UPWORK_TOKENS_SK = "UPWORK_TOKENS"


@dataclass(frozen=True)
class StoredUpworkTokens:
    blob: bytes = field(repr=False)
    access_expires_at: int
    version: int
    lease_owner: str | None = None
    lease_until: int | None = None


def key(user_id: str) -> dict[str, Any]:
    return dynamo.key(f"USER#{user_id}", UPWORK_TOKENS_SK)


def get(user_id: str) -> StoredUpworkTokens | None:
    raw = dynamo.get_item(users_table(), key(user_id))
    if not raw or not raw.get("sealed_tokens"):
        return None
    return StoredUpworkTokens(
        blob=raw["sealed_tokens"],
        access_expires_at=int(raw.get("access_expires_at", 0)),
        version=int(raw.get("version", 0)),
        lease_owner=raw.get("lease_owner"),
        lease_until=None if raw.get("lease_until") is None else int(raw["lease_until"]),
    )


def _update(user_id: str, expression: str, condition: str | None, values: dict[str, Any]) -> bool:
    kwargs: dict[str, Any] = {
        "TableName": users_table(),
        "Key": key(user_id),
        "UpdateExpression": expression,
        "ExpressionAttributeValues": dynamo.expression_values(values),
    }
    if condition:
        kwargs["ConditionExpression"] = condition
    try:
        dynamo.client().update_item(**kwargs)
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise dynamo.unavailable() from exc
    return True


def store_new(user_id: str, *, blob: bytes, access_expires_at: int, now: int) -> None:
    """Tokens from a sign-in: replace whatever was there (a newer grant wins over an in-flight refresh)."""
    _update(
        user_id,
        "SET sealed_tokens = :blob, access_expires_at = :exp, updated_at = :now, "
        "version = if_not_exists(version, :zero) + :one REMOVE lease_owner, lease_until",
        None,
        {":blob": blob, ":exp": access_expires_at, ":now": now, ":zero": 0, ":one": 1},
    )


def acquire_lease(user_id: str, *, owner: str, now: int, seconds: int) -> bool:
    """The per-user refresh lease: only one refresh at a time; an abandoned lease expires after `seconds`."""
    return _update(
        user_id,
        "SET lease_owner = :owner, lease_until = :until",
        "attribute_exists(sealed_tokens) AND (attribute_not_exists(lease_until) OR lease_until <= :now)",
        {":owner": owner, ":until": now + seconds, ":now": now},
    )


def replace(
    user_id: str, *, blob: bytes, access_expires_at: int, expected_version: int, owner: str, now: int
) -> bool:
    """Persist refreshed tokens unless something wrote after we read `expected_version`; drops the lease."""
    return _update(
        user_id,
        "SET sealed_tokens = :blob, access_expires_at = :exp, updated_at = :now, version = :next "
        "REMOVE lease_owner, lease_until",
        "version = :v AND lease_owner = :owner",
        {
            ":blob": blob,
            ":exp": access_expires_at,
            ":now": now,
            ":v": expected_version,
            ":next": expected_version + 1,
            ":owner": owner,
        },
    )


def release_lease(user_id: str, *, owner: str) -> None:
    _update(user_id, "REMOVE lease_owner, lease_until", "lease_owner = :owner", {":owner": owner})
