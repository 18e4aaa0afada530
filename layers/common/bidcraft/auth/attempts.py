"""Sign-in attempts as the lockout, the activity counters and the audit trail see them."""

from __future__ import annotations

from bidcraft.auth import lockout
from bidcraft.errors import Locked, Unauthorized
from bidcraft.security import audit
from bidcraft.security.audit import RequestMeta
from bidcraft.users import store as users

INVALID_CODE_DETAIL = "The verification code is not valid"


def ensure_not_locked(user_id: str, meta: RequestMeta, *, now: int) -> None:
    """423 while locked — checked before any code is looked at, so a lock never reveals a code's validity."""
    try:
        lockout.ensure_not_locked(user_id, now)
    except Locked:
        audit.record_quietly(
            meta, audit.AUTHN_LOGIN_LOCKED, user_id=user_id, outcome="failure", severity="medium"
        )
        raise


def reserve(user_id: str, meta: RequestMeta, *, now: int) -> None:
    """Count a code check before the code is looked at: 423 while locked or when 3 checks already happened in
    the window, so parallel guesses cannot outrun the lockout (at most 3 codes are checked per window)."""
    try:
        lockout.reserve_attempt(user_id, now)
    except Locked:
        audit.record_quietly(
            meta, audit.AUTHN_LOGIN_LOCKED, user_id=user_id, outcome="failure", severity="medium"
        )
        raise


def failed(user_id: str, meta: RequestMeta, *, now: int, action: str, reason: str) -> Unauthorized:
    """Count a failed attempt (lockout, activity, audit) and return the 401 to raise."""
    result = lockout.record_failure(user_id, now)
    users.record_failed_attempt(user_id, locked=result.newly_locked)
    audit.record_quietly(
        meta,
        action,
        user_id=user_id,
        outcome="failure",
        severity="medium",
        details={"reason": reason, "failures": result.failures},
    )
    if result.newly_locked:
        audit.record_quietly(
            meta,
            audit.AUTHN_LOGIN_LOCK,
            user_id=user_id,
            outcome="failure",
            severity="high",
            details={"locked_seconds": lockout.LOCK_SECONDS, "failures": result.failures},
        )
    return Unauthorized(INVALID_CODE_DETAIL, slug="invalid-mfa-code")


def succeeded(user_id: str, *, now: int) -> None:
    lockout.clear(user_id, now)
