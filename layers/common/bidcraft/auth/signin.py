"""Sign in with Upwork: `init` starts the authorization-code + PKCE flow, `callback` finishes it.

init: the `redirect_uri` must be on the allow-list (exact match; loopback rule on the local stack) else 422.
A fresh `state` (256 bits) and PKCE verifier (256 bits) are stored together for 10 minutes; only the S256
challenge leaves the server.

callback, in this order — nothing reaches Upwork before the state checks out:
1. `error=` from Upwork (e.g. `access_denied`) → the state is burned, 400, nothing stored;
2. missing, unknown, expired or reused `state`, or no `code` → 400 (`invalid-state`);
3. code exchange with the client secret and the verifier *stored with the state* (never from the query),
   and the redirect URI stored with it; then the user and profile over GraphQL. Upwork failures: 400 for a
   bad grant, 502 otherwise, 503 + Retry-After when Upwork throttles;
4. user created (uuid4, roles `["user"]`) or updated from Upwork;
5. a locked account → 423 (nothing stored, no session);
6. Upwork tokens stored envelope-encrypted (KMS failure → 503, fail closed), first sync queued;
7. MFA off → a full session; MFA on → a step-up token only (`mfa_required: true`, no refresh token).
The sign-in's audit record is written before tokens are returned; if it cannot be, the session is revoked and
the client gets 503 (fail closed).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from bidcraft.auth import (
    attempts,
    mfa_store,
    oauth_state_store,
    pkce,
    redirects,
    sessions,
    settings,
    sync_jobs,
    upwork_client,
    upwork_tokens,
)
from bidcraft.errors import BadRequest, ServiceUnavailable, Unprocessable
from bidcraft.observability import count
from bidcraft.security import audit
from bidcraft.security.audit import RequestMeta
from bidcraft.users import store as users
from bidcraft.users.models import UpworkProfile, UserRecord

logger = logging.getLogger(__name__)

MAX_CODE_CHARS = 1024
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")
INVALID_STATE_DETAIL = "The sign-in state is missing, unknown, expired or already used; start again"


@dataclass(frozen=True)
class InitResult:
    authorization_url: str
    state: str
    expires_in: int


@dataclass(frozen=True)
class CallbackResult:
    session: sessions.IssuedSession = field(repr=False)
    user: UserRecord
    mfa_required: bool


def init(redirect_uri: str, meta: RequestMeta, *, now: int) -> InitResult:
    from bidcraft.upwork.oauth import authorize_url

    config = settings.auth()
    if not redirects.is_allowed(redirect_uri, config.allowed_redirect_uris, local_stack=config.local_stack):
        logger.info("sign-in refused: redirect_uri not allowed")
        raise Unprocessable(
            "redirect_uri is not a registered redirect URI",
            errors=[{"loc": ["body", "redirect_uri"], "msg": "Value is not an allowed redirect URI"}],
        )
    verifier, state = pkce.new_verifier(), pkce.new_state()
    oauth_state_store.save(state, code_verifier=verifier, redirect_uri=redirect_uri, now=now)
    url = authorize_url(
        config.upwork_base_url, upwork_client.client_id(), redirect_uri, state, pkce.challenge_s256(verifier)
    )
    return InitResult(authorization_url=url, state=state, expires_in=oauth_state_store.STATE_TTL_SECONDS)


def _refuse(
    meta: RequestMeta, reason: str, detail: str = INVALID_STATE_DETAIL, slug: str = "invalid-state"
) -> BadRequest:
    audit.record_quietly(
        meta,
        audit.AUTHN_LOGIN_FAIL,
        user_id=None,
        outcome="failure",
        severity="medium",
        details={"reason": reason},
    )
    return BadRequest(detail, slug=slug)


def callback(
    *, code: str | None, state: str | None, error: str | None, meta: RequestMeta, now: int
) -> CallbackResult:
    if error is not None:
        if state:
            oauth_state_store.consume(state, now=now)
        upwork_error = error if _ERROR_CODE.fullmatch(error) else "other"
        raise _refuse(
            meta,
            f"upwork_{upwork_error}",
            detail=f"Sign-in was not completed at Upwork ({upwork_error})",
            slug="oauth-error",
        )
    pending = oauth_state_store.consume(state, now=now) if state else None
    if pending is None:
        raise _refuse(meta, "invalid_state")
    if not code or len(code) > MAX_CODE_CHARS:
        raise _refuse(
            meta, "missing_code", detail="The authorization code is missing or malformed", slug="invalid-code"
        )

    tokens = upwork_client.oauth().exchange_code(code, pending.code_verifier, pending.redirect_uri)
    identity = upwork_client.graphql().fetch_identity(tokens.access_token.get_secret_value())
    user, created = users.upsert_from_upwork(
        upwork_user_id=identity.upwork_user_id,
        name=identity.name,
        email=identity.email,
        profile=UpworkProfile.model_validate(identity.profile.model_dump()),
    )
    if created:
        audit.record_quietly(
            meta, audit.USER_CREATED, user_id=user.user_id, outcome="success", severity="low"
        )
    attempts.ensure_not_locked(user.user_id, meta, now=now)
    try:
        upwork_tokens.save_from_sign_in(user.user_id, tokens, now=now)
    except ServiceUnavailable:
        audit.record_quietly(
            meta,
            "crypt_encrypt_fail",
            user_id=user.user_id,
            outcome="failure",
            severity="high",
            details={"purpose": "upwork_token"},
        )
        raise
    sync_jobs.enqueue_user_sync(user.user_id, reason="sign_in")

    mfa = mfa_store.get(user.user_id)
    mfa_required = bool(mfa and mfa.enabled)
    if mfa_required:
        issued = sessions.start_mfa_pending(user.user_id, user.roles, now=now)
        action, details = audit.AUTHN_MFA_REQUIRED, {"session_id": issued.session_id}
    else:
        issued = sessions.start_full(user.user_id, user.roles, now=now)
        action, details = audit.AUTHN_LOGIN_SUCCESS, {"method": "upwork", "session_id": issued.session_id}
    try:
        audit.record_for(
            meta, action, user_id=user.user_id, outcome="success", severity="low", details=details
        )
    except ServiceUnavailable:
        sessions.end(user.user_id, issued.session_id, now=now, reason="audit_unavailable")
        raise
    if not mfa_required:
        attempts.succeeded(user.user_id, now=now)
        users.record_login(user.user_id, now)
    count("SignIn", mfa="required" if mfa_required else "none")
    return CallbackResult(
        session=issued, user=user.model_copy(update={"mfa_enabled": mfa_required}), mfa_required=mfa_required
    )
