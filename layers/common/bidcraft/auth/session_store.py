"""Storage of sessions and refresh tokens in the users table.

- `USER#<user_id>` / `SESSION#<session_id>` — one per sign-in (a refresh-token *family*): `kind`
  (`full` | `mfa_pending`), `status` (`active` | `revoked`), `created_at`, `last_used_at`,
  `current_token_hash` (full sessions), `revoked_at`, `revoke_reason`, TTL `expires_at`.
  Access tokens carry the session id (`sid`); `verify_access_token` reads this item on every request, so
  revoking it ends the session's access tokens at once (ASVS 7.4.1).
- `REFRESH#<sha256(token)>` / `TOKEN` — `user_id`, `session_id`, `status` (`active` | `rotated` | `revoked`),
  `issued_at`, `family_started_at`, TTL `expires_at` = the family's absolute end (so reuse of a rotated token
  is detectable for as long as the family could have lived). The token itself is never stored.

Rotation is one `TransactWriteItems`: old token `active → rotated`, new token put (`attribute_not_exists`),
session `current_token_hash old → new` (conditioned on `status = active`). Two refreshes with the same token
cannot both pass it.

The items are the `SessionItem` and `RefreshToken` models of `bidcraft.tables.users`; transactions go through
PynamoDB's `TransactWrite`. `revoke_session` calls the model's PynamoDB connection (`update_item`) rather than
`Model.update`, which returns only `ALL_NEW`: it needs the session as it was (`ALL_OLD`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from bidcraft import aws
from bidcraft.tables import base
from bidcraft.tables.users import SESSION_PREFIX, RefreshToken, SessionItem, user_pk

logger = logging.getLogger(__name__)

SessionKind = Literal["full", "mfa_pending"]
ACTIVE, ROTATED, REVOKED = "active", "rotated", "revoked"


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


def _session(item: SessionItem) -> Session:
    return Session(
        user_id=str(item.user_id),
        session_id=str(item.session_id),
        kind=str(item.kind or "full"),
        status=str(item.status or REVOKED),
        created_at=int(item.created_at or 0),
        last_used_at=int(item.last_used_at or 0),
        current_token_hash=item.current_token_hash,
    )


def _token(
    token_hash: str, *, user_id: str, session_id: str, issued_at: int, family_started_at: int, expires_at: int
) -> RefreshToken:
    return RefreshToken(
        *RefreshToken.key(token_hash),
        entity="refresh_token",
        user_id=user_id,
        session_id=session_id,
        status=ACTIVE,
        issued_at=issued_at,
        family_started_at=family_started_at,
        expires_at=expires_at,
    )


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
    session = SessionItem(
        *SessionItem.key(user_id, session_id),
        entity="session",
        user_id=user_id,
        session_id=session_id,
        kind=kind,
        status=ACTIVE,
        created_at=now,
        last_used_at=now,
        current_token_hash=token_hash,
        expires_at=expires_at,
    )
    try:
        with base.transact_write(SessionItem) as transaction:
            transaction.save(session, condition=SessionItem.pk.does_not_exist())
            if token_hash is not None:
                token = _token(
                    token_hash,
                    user_id=user_id,
                    session_id=session_id,
                    issued_at=now,
                    family_started_at=now,
                    expires_at=expires_at,
                )
                transaction.save(token, condition=RefreshToken.pk.does_not_exist())
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


def _get(model: Any, *key: str) -> Any:
    try:
        return model.get(*key, consistent_read=True)
    except model.DoesNotExist:
        return None
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


def get_session(user_id: str, session_id: str) -> Session | None:
    item = _get(SessionItem, *SessionItem.key(user_id, session_id))
    return _session(item) if item else None


def get_refresh(token_hash: str) -> RefreshRecord | None:
    item = _get(RefreshToken, *RefreshToken.key(token_hash))
    if item is None:
        return None
    return RefreshRecord(
        token_hash=token_hash,
        user_id=str(item.user_id),
        session_id=str(item.session_id),
        status=str(item.status or REVOKED),
        issued_at=int(item.issued_at or 0),
        family_started_at=int(item.family_started_at or 0),
    )


def rotate(old: RefreshRecord, new_hash: str, *, now: int, expires_at: int) -> None:
    """Swap `old` for `new_hash` atomically; `RotationConflict` if either condition fails."""
    new_token = _token(
        new_hash,
        user_id=old.user_id,
        session_id=old.session_id,
        issued_at=now,
        family_started_at=old.family_started_at,
        expires_at=expires_at,
    )
    try:
        with base.transact_write(RefreshToken) as transaction:
            transaction.update(
                RefreshToken(*RefreshToken.key(old.token_hash)),
                actions=[RefreshToken.status.set(ROTATED), RefreshToken.rotated_at.set(now)],
                condition=RefreshToken.status == ACTIVE,
            )
            transaction.save(new_token, condition=RefreshToken.pk.does_not_exist())
            transaction.update(
                SessionItem(*SessionItem.key(old.user_id, old.session_id)),
                actions=[SessionItem.current_token_hash.set(new_hash), SessionItem.last_used_at.set(now)],
                condition=(SessionItem.status == ACTIVE) & (SessionItem.current_token_hash == old.token_hash),
            )
    except base.STORAGE_ERRORS as exc:
        if base.cancellation_codes(exc):
            raise RotationConflict() from exc
        raise base.unavailable() from exc


def revoke_session(user_id: str, session_id: str, *, now: int, reason: str) -> Session | None:
    """Mark the session revoked (and its current refresh token); the session as it was, or None if it was
    not active."""
    try:
        response = SessionItem._get_connection().update_item(
            *SessionItem.key(user_id, session_id),
            actions=[
                SessionItem.status.set(REVOKED),
                SessionItem.revoked_at.set(now),
                SessionItem.revoke_reason.set(reason),
            ],
            condition=SessionItem.status == ACTIVE,
            return_values="ALL_OLD",
        )
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return None
        raise base.unavailable() from exc
    attributes = response.get("Attributes")
    if not attributes:
        return None
    before = _session(SessionItem.from_raw_data(attributes))
    if before.current_token_hash:
        _revoke_token(before.current_token_hash, now)
    return before


def _revoke_token(token_hash: str, now: int) -> None:
    """Hygiene only: the session's status already stops the token (rotation is conditioned on it)."""
    try:
        RefreshToken._get_connection().update_item(
            *RefreshToken.key(token_hash),
            actions=[RefreshToken.status.set(REVOKED), RefreshToken.revoked_at.set(now)],
            condition=RefreshToken.status == ACTIVE,
        )
    except base.STORAGE_ERRORS as exc:
        if not base.is_condition_failure(exc):
            logger.warning("refresh token revocation not recorded", extra={"error": aws.error_code(exc)})


def active_sessions(user_id: str) -> list[Session]:
    """Every active session of the user (a handful: sessions end within 30 days)."""
    try:
        return [
            _session(item)
            for item in SessionItem.query(
                user_pk(user_id),
                SessionItem.sk.startswith(SESSION_PREFIX),
                filter_condition=SessionItem.status == ACTIVE,
                consistent_read=True,
            )
        ]
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc
