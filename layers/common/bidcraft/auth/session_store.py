"""Storage of sessions and refresh tokens in the users table.

- `USER#<user_id>` / `SESSION#<session_id>` — one per sign-in (a refresh-token *family*): `kind`
  (`full` | `mfa_pending`), `status` (`active` | `revoked`), `created_at`, `last_used_at`,
  `current_token_hash` (full sessions), `revoked_at`, `revoke_reason`, TTL `expires_at`.
  Access tokens carry the session id (`sid`); `verify_access_token` reads this item on every request, so
  revoking it ends the session's access tokens at once (ASVS 7.4.1).
- `REFRESH#<sha256(token)>` / `TOKEN` — `user_id`, `session_id`, `status` (`active` | `rotated` | `revoked`),
  `issued_at`, `family_started_at`, TTL `expires_at` = the family's absolute end (so reuse of a rotated token
  is
  detectable for as long as the family could have lived). The token itself is never stored.

Rotation is one `TransactWriteItems`: old token `active → rotated`, new token put (`attribute_not_exists`),
session `current_token_hash old → new` (conditioned on `status = active`). Two refreshes with the same token
cannot both pass it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from bidcraft import aws, dynamo
from bidcraft.auth.settings import users_table

logger = logging.getLogger(__name__)

SessionKind = Literal["full", "mfa_pending"]
ACTIVE, ROTATED, REVOKED = "active", "rotated", "revoked"
SESSION_PREFIX = "SESSION#"


@dataclass(frozen=True)
class Session:
    user_id: str
    session_id: str
    kind: str
    status: str
    created_at: int
    last_used_at: int
    current_token_hash: str | None = None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class RefreshRecord:
    token_hash: str
    user_id: str
    session_id: str
    status: str
    issued_at: int
    family_started_at: int


class RotationConflict(Exception):
    """The conditional rotation failed: the token or its session changed under us."""


def session_key(user_id: str, session_id: str) -> dict[str, Any]:
    return dynamo.key(f"USER#{user_id}", f"{SESSION_PREFIX}{session_id}")


def refresh_key(token_hash: str) -> dict[str, Any]:
    return dynamo.key(f"REFRESH#{token_hash}", "TOKEN")


def _session(raw: dict[str, Any]) -> Session:
    return Session(
        user_id=str(raw["user_id"]),
        session_id=str(raw["session_id"]),
        kind=str(raw.get("kind", "full")),
        status=str(raw.get("status", REVOKED)),
        created_at=int(raw.get("created_at", 0)),
        last_used_at=int(raw.get("last_used_at", 0)),
        current_token_hash=raw.get("current_token_hash"),
    )


def _token_item(
    token_hash: str, *, user_id: str, session_id: str, issued_at: int, family_started_at: int, expires_at: int
) -> dict[str, Any]:
    return {
        **refresh_key(token_hash),
        **dynamo.item(
            {
                "entity": "refresh_token",
                "user_id": user_id,
                "session_id": session_id,
                "status": ACTIVE,
                "issued_at": issued_at,
                "family_started_at": family_started_at,
                "expires_at": expires_at,
            }
        ),
    }


def create_session(
    *,
    user_id: str,
    session_id: str,
    kind: SessionKind,
    now: int,
    expires_at: int,
    token_hash: str | None = None,
) -> None:
    """A new session (and, for a full one, its first refresh token) in one transaction."""
    session_item = {
        **session_key(user_id, session_id),
        **dynamo.item(
            {
                "entity": "session",
                "user_id": user_id,
                "session_id": session_id,
                "kind": kind,
                "status": ACTIVE,
                "created_at": now,
                "last_used_at": now,
                "current_token_hash": token_hash,
                "expires_at": expires_at,
            }
        ),
    }
    table = users_table()
    items: list[dict[str, Any]] = [
        {"Put": {"TableName": table, "Item": session_item, "ConditionExpression": "attribute_not_exists(pk)"}}
    ]
    if token_hash is not None:
        token_item = _token_item(
            token_hash,
            user_id=user_id,
            session_id=session_id,
            issued_at=now,
            family_started_at=now,
            expires_at=expires_at,
        )
        items.append(
            {
                "Put": {
                    "TableName": table,
                    "Item": token_item,
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        )
    try:
        dynamo.client().transact_write_items(TransactItems=items)
    except Exception as exc:
        raise dynamo.unavailable() from exc


def get_session(user_id: str, session_id: str) -> Session | None:
    raw = dynamo.get_item(users_table(), session_key(user_id, session_id))
    return _session(raw) if raw else None


def get_refresh(token_hash: str) -> RefreshRecord | None:
    raw = dynamo.get_item(users_table(), refresh_key(token_hash))
    if not raw:
        return None
    return RefreshRecord(
        token_hash=token_hash,
        user_id=str(raw["user_id"]),
        session_id=str(raw["session_id"]),
        status=str(raw.get("status", REVOKED)),
        issued_at=int(raw.get("issued_at", 0)),
        family_started_at=int(raw.get("family_started_at", 0)),
    )


def rotate(old: RefreshRecord, new_hash: str, *, now: int, expires_at: int) -> None:
    """Swap `old` for `new_hash` atomically; `RotationConflict` if either condition fails."""
    table = users_table()
    new_item = _token_item(
        new_hash,
        user_id=old.user_id,
        session_id=old.session_id,
        issued_at=now,
        family_started_at=old.family_started_at,
        expires_at=expires_at,
    )
    try:
        dynamo.client().transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": refresh_key(old.token_hash),
                        "UpdateExpression": "SET #status = :rotated, rotated_at = :now",
                        "ConditionExpression": "#status = :active",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": dynamo.expression_values(
                            {":rotated": ROTATED, ":active": ACTIVE, ":now": now}
                        ),
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": new_item,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": table,
                        "Key": session_key(old.user_id, old.session_id),
                        "UpdateExpression": "SET current_token_hash = :new, last_used_at = :now",
                        "ConditionExpression": "#status = :active AND current_token_hash = :old",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": dynamo.expression_values(
                            {":new": new_hash, ":old": old.token_hash, ":active": ACTIVE, ":now": now}
                        ),
                    }
                },
            ]
        )
    except Exception as exc:
        if dynamo.cancellation_codes(exc):
            raise RotationConflict() from exc
        raise dynamo.unavailable() from exc


def revoke_session(user_id: str, session_id: str, *, now: int, reason: str) -> Session | None:
    """Mark the session revoked (and its current refresh token); the session as it was, or None if it was
    not active."""
    try:
        response = dynamo.client().update_item(
            TableName=users_table(),
            Key=session_key(user_id, session_id),
            UpdateExpression="SET #status = :revoked, revoked_at = :now, revoke_reason = :reason",
            ConditionExpression="#status = :active",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=dynamo.expression_values(
                {":revoked": REVOKED, ":active": ACTIVE, ":now": now, ":reason": reason}
            ),
            ReturnValues="ALL_OLD",
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return None
        raise dynamo.unavailable() from exc
    raw = dynamo.plain(response.get("Attributes"))
    if not raw:
        return None
    before = _session(raw)
    if before.current_token_hash:
        _revoke_token(before.current_token_hash, now)
    return before


def _revoke_token(token_hash: str, now: int) -> None:
    """Hygiene only: the session's status already stops the token (rotation is conditioned on it)."""
    try:
        dynamo.client().update_item(
            TableName=users_table(),
            Key=refresh_key(token_hash),
            UpdateExpression="SET #status = :revoked, revoked_at = :now",
            ConditionExpression="#status = :active",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=dynamo.expression_values(
                {":revoked": REVOKED, ":active": ACTIVE, ":now": now}
            ),
        )
    except Exception as exc:
        if not dynamo.is_condition_failure(exc):
            logger.warning("refresh token revocation not recorded", extra={"error": aws.error_code(exc)})


def active_sessions(user_id: str) -> list[Session]:
    """Every active session of the user (a handful: sessions end within 30 days)."""
    sessions: list[Session] = []
    kwargs: dict[str, Any] = {
        "TableName": users_table(),
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "FilterExpression": "#status = :active",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": dynamo.expression_values(
            {":pk": f"USER#{user_id}", ":prefix": SESSION_PREFIX, ":active": ACTIVE}
        ),
        "ConsistentRead": True,
    }
    try:
        while True:
            page = dynamo.client().query(**kwargs)
            sessions.extend(_session(raw) for raw in map(dynamo.plain, page.get("Items", [])) if raw)
            if not page.get("LastEvaluatedKey"):
                return sessions
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    except Exception as exc:
        raise dynamo.unavailable() from exc
