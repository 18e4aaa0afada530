"""The signed-in caller's own account: who am I, and sign out."""

from __future__ import annotations

from bidcraft.auth import sessions
from bidcraft.caller import Principal
from bidcraft.errors import Unauthorized
from bidcraft.security import audit
from bidcraft.security.audit import RequestMeta
from bidcraft.users import store as users
from bidcraft.users.models import User


def me(principal: Principal) -> User:
    record = users.get(principal.user_id)
    if record is None:
        raise Unauthorized("The account no longer exists", token_sent=True)
    return record.to_api()


def logout(principal: Principal, meta: RequestMeta, *, all_sessions: bool, now: int) -> None:
    """End this session (or every session of the user): their access and refresh tokens stop working now.

    The revocation is the security effect and is committed first; the audit record follows (a lost record is
    logged, the logout stands). A step-up (MFA pending) token has not proven the second factor: it ends only
    its own session, whatever it asks, so it can never sign the user out of their MFA-protected sessions.
    """
    user_id = principal.user_id
    all_sessions = all_sessions and not principal.mfa_pending
    ended = []
    current = sessions.end(user_id, principal.session_id, now=now, reason="logout")
    if current is not None:
        ended.append(current)
    if all_sessions:
        ended.extend(sessions.end_all(user_id, now=now, reason="logout_all"))
    users.record_logout(user_id, now, sessions.durations(ended, now))
    audit.record_quietly(
        meta,
        audit.AUTHN_LOGOUT,
        user_id=user_id,
        outcome="success",
        severity="low",
        details={"all_sessions": all_sessions, "sessions_ended": len(ended)},
    )
