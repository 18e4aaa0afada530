"""Sessions: start one after sign-in, rotate its refresh token, end it (logout, reuse, MFA change).

Refresh tokens are opaque: 32 random bytes, base64url (43 characters, 256 bits), stored only as SHA-256 —
a plain hash is enough for a 256-bit random value (ASVS 6.5.2 / 7.2.3). Lifetimes:
- absolute: 30 days from the sign-in that started the family (rotation never extends it, ASVS 10.4.8);
- idle: 7 days without a refresh ends the family (RFC 9700 §4.14.2 "SHOULD expire if inactive").

Rotation on every use; a rotated token presented again revokes the whole family (the session, its current
refresh token and so its access tokens) and writes a high-severity `authn_token_reuse` audit event
(RFC 9700 §4.14, ASVS 10.4.5). Policy for two simultaneous refreshes with the same token: exactly one wins the
conditional write, and the loser is treated as reuse — the family is revoked and both clients must sign in
again. There is no grace period for a lost refresh response: a client that did not receive its new token
signs in again. This trades a rare re-login for never letting a stolen token race the real client.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass

from bidcraft.auth import session_store, tokens
from bidcraft.auth.session_store import RefreshRecord, RotationConflict
from bidcraft.errors import Unauthorized
from bidcraft.security import audit
from bidcraft.security.audit import RequestMeta
from bidcraft.users import store as users

REFRESH_TOKEN_BYTES = 32
REFRESH_ABSOLUTE_SECONDS = 30 * 24 * 3600
REFRESH_IDLE_SECONDS = 7 * 24 * 3600
_REFRESH_FORMAT = re.compile(r"[A-Za-z0-9_-]{43}")
INVALID_REFRESH_DETAIL = "The refresh token is invalid, expired or revoked"


@dataclass(frozen=True)
class IssuedSession:
    session_id: str
    access_token: tokens.AccessToken
    refresh_token: str | None

    def rotated_refresh_token(self) -> str:
        """The refresh token of a full session (step-up sessions have none)."""
        if self.refresh_token is None:
            raise RuntimeError("this session has no refresh token")
        return self.refresh_token


def new_refresh_token() -> str:
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _invalid() -> Unauthorized:
    return Unauthorized(INVALID_REFRESH_DETAIL, token_sent=True)


def start_full(user_id: str, roles: list[str], *, now: int) -> IssuedSession:
    """A new session family: access token + first refresh token."""
    session_id = str(uuid.uuid4())
    refresh = new_refresh_token()
    session_store.create_session(
        user_id=user_id,
        session_id=session_id,
        kind="full",
        now=now,
        expires_at=now + REFRESH_ABSOLUTE_SECONDS,
        token_hash=hash_refresh_token(refresh),
    )
    access = tokens.issue_access_token(user_id=user_id, session_id=session_id, roles=roles, now=now)
    return IssuedSession(session_id=session_id, access_token=access, refresh_token=refresh)


def start_mfa_pending(user_id: str, roles: list[str], *, now: int) -> IssuedSession:
    """The step-up session of an MFA user: one access token that only MFA verify and logout accept."""
    session_id = str(uuid.uuid4())
    session_store.create_session(
        user_id=user_id,
        session_id=session_id,
        kind="mfa_pending",
        now=now,
        expires_at=now + tokens.ACCESS_TOKEN_SECONDS,
    )
    access = tokens.issue_access_token(
        user_id=user_id, session_id=session_id, roles=roles, mfa_pending=True, now=now
    )
    return IssuedSession(session_id=session_id, access_token=access, refresh_token=None)


def _revoke_family(record: RefreshRecord, meta: RequestMeta, *, now: int, reason: str) -> None:
    session_store.revoke_session(record.user_id, record.session_id, now=now, reason=reason)
    audit.record_quietly(
        meta,
        audit.AUTHN_TOKEN_REUSE,
        user_id=record.user_id,
        outcome="failure",
        severity="high",
        details={"session_id": record.session_id, "reason": reason},
    )


def refresh(presented: str, meta: RequestMeta, *, now: int) -> IssuedSession:
    """Rotate a refresh token: a new access token and a new refresh token, or 401."""
    if not isinstance(presented, str) or not _REFRESH_FORMAT.fullmatch(presented):
        raise _invalid()
    record = session_store.get_refresh(hash_refresh_token(presented))
    if record is None:
        raise _invalid()
    if record.status == session_store.ROTATED:
        _revoke_family(record, meta, now=now, reason="rotated_token_reused")
        raise _invalid()
    if record.status != session_store.ACTIVE:
        raise _invalid()
    session = session_store.get_session(record.user_id, record.session_id)
    if session is None or not session.active or session.kind != "full":
        raise _invalid()
    expired = now >= record.family_started_at + REFRESH_ABSOLUTE_SECONDS
    idle = now >= record.issued_at + REFRESH_IDLE_SECONDS
    if expired or idle:
        session_store.revoke_session(
            record.user_id, record.session_id, now=now, reason="expired" if expired else "idle"
        )
        raise _invalid()
    user = users.get(record.user_id)
    if user is None:
        raise _invalid()
    new_token = new_refresh_token()
    try:
        session_store.rotate(
            record,
            hash_refresh_token(new_token),
            now=now,
            expires_at=record.family_started_at + REFRESH_ABSOLUTE_SECONDS,
        )
    except RotationConflict:
        current = session_store.get_session(record.user_id, record.session_id)
        if current is not None and current.active:
            # Someone rotated this token between our read and our write: same as reuse (documented policy).
            _revoke_family(record, meta, now=now, reason="concurrent_refresh")
        raise _invalid() from None
    access = tokens.issue_access_token(
        user_id=record.user_id, session_id=record.session_id, roles=user.roles, now=now
    )
    audit.record_quietly(
        meta,
        audit.AUTHN_TOKEN_REFRESHED,
        user_id=record.user_id,
        outcome="success",
        severity="low",
        details={"session_id": record.session_id},
    )
    return IssuedSession(session_id=record.session_id, access_token=access, refresh_token=new_token)


def end(user_id: str, session_id: str, *, now: int, reason: str) -> session_store.Session | None:
    """Revoke one session; the session as it was, or None if it was not active."""
    return session_store.revoke_session(user_id, session_id, now=now, reason=reason)


def end_all(user_id: str, *, now: int, reason: str, keep: str | None = None) -> list[session_store.Session]:
    """Revoke every active session of the user except `keep`; the sessions ended."""
    ended: list[session_store.Session] = []
    for session in session_store.active_sessions(user_id):
        if session.session_id == keep:
            continue
        before = end(user_id, session.session_id, now=now, reason=reason)
        if before is not None:
            ended.append(before)
    return ended


def durations(ended: list[session_store.Session], now: int) -> list[int]:
    """Lengths of the full sessions among `ended` (MFA step-up sessions are not sessions of use)."""
    return [max(0, now - s.created_at) for s in ended if s.kind == "full"]
