"""Auth: Sign in with Upwork, our access/refresh tokens, MFA (routes only; the domain is bidcraft.auth).

Cold start (issue 10, docs/capacity.md §5): what every request needs loads with the function — routing and
validation, the route models (their schemas are built by the first request that uses them), and the token
verifier with the users table it reads (`lambda_handler_for` loads it: every bearer route checks the session,
every public route counts its rate window in the same table). Each route's domain module (sign-in, refresh,
MFA, account) is imported by the route that calls it, so `/auth/me` does not pay for the Upwork client, the
audit trail, TOTP, QR codes or the KMS envelope.
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from bidcraft import clock
from bidcraft.auth.models import (
    CallbackResponse,
    InitRequest,
    InitResponse,
    LogoutRequest,
    MfaDisableRequest,
    MfaDisableResponse,
    MfaSetupResponse,
    MfaVerifyRequest,
    MfaVerifyResponse,
    RefreshRequest,
    TokenResponse,
)
from bidcraft.caller import RequestMeta
from bidcraft.http import create_app, docs, lambda_handler_for, limits, request
from bidcraft.http.guard import current_principal
from bidcraft.security import ratelimit
from bidcraft.users.models import User

app = create_app("auth")
_PER_IP = [limits.by_ip(ratelimit.AUTH)]
_Responses = dict[int, OpenAPIResponse]
_RATE: _Responses = {429: docs.problem("Too many requests from this IP (Retry-After, RateLimit-*)")}
_BEARER: _Responses = {401: docs.problem("Missing, invalid, expired or revoked access token")}
_MFA_PENDING: _Responses = {403: docs.problem("MFA verification is still pending for this token")}
_LOCKED: _Responses = {423: docs.problem("Account temporarily locked (Retry-After)")}
_STORE: _Responses = {
    503: docs.problem("A dependency (storage, KMS, audit trail) is unavailable (Retry-After)")
}


def _meta() -> RequestMeta:
    return request.meta(app.current_event.raw_event)


def _now() -> int:
    return clock.epoch(clock.now())


@app.post(
    "/auth/upwork/init",
    summary="Start Sign in with Upwork (authorization code + PKCE S256)",
    tags=["auth"],
    middlewares=_PER_IP,
    responses={
        200: docs.ok(InitResponse),
        422: docs.problem("redirect_uri is not on the allow-list"),
        **_RATE,
        **_STORE,
    },
)
def upwork_init(body: Annotated[InitRequest, Body()]) -> InitResponse:
    from bidcraft.auth import signin

    result = signin.init(body.redirect_uri, _meta(), now=_now())
    return InitResponse(
        authorization_url=result.authorization_url, state=result.state, expires_in=result.expires_in
    )


@app.get(
    "/auth/upwork/callback",
    summary="Finish Sign in with Upwork: our tokens (or an MFA step-up token) and the user",
    tags=["auth"],
    middlewares=_PER_IP,
    responses={
        200: docs.ok(CallbackResponse),
        400: docs.problem("Missing, unknown, expired or reused state; Upwork error or invalid code"),
        **_LOCKED,
        **_RATE,
        502: docs.problem("Upwork failed"),
        503: docs.problem("Upwork throttled us, or a dependency is unavailable (Retry-After)"),
    },
)
def upwork_callback(
    code: Annotated[str | None, Query(max_length=2048)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
) -> CallbackResponse:
    from bidcraft.auth import signin

    result = signin.callback(code=code, state=state, error=error, meta=_meta(), now=_now())
    issued = result.session
    return CallbackResponse(
        access_token=issued.access_token.token,
        refresh_token=issued.refresh_token,
        expires_in=issued.access_token.expires_in,
        mfa_required=result.mfa_required,
        user=result.user.to_api(),
    )


@app.post(
    "/auth/refresh",
    summary="Rotate a refresh token: a new access token and a new refresh token",
    tags=["auth"],
    middlewares=_PER_IP,
    responses={
        200: docs.ok(TokenResponse),
        401: docs.problem(
            "Invalid, expired, revoked or reused refresh token (reuse revokes the whole family)"
        ),
        **_RATE,
        **_STORE,
    },
)
def refresh(body: Annotated[RefreshRequest, Body()]) -> TokenResponse:
    from bidcraft.auth import sessions

    issued = sessions.refresh(body.refresh_token, _meta(), now=_now())
    return TokenResponse(
        access_token=issued.access_token.token,
        refresh_token=issued.rotated_refresh_token(),
        expires_in=issued.access_token.expires_in,
    )


@app.post(
    "/auth/logout",
    summary="End this session (or all the caller's sessions); its tokens stop working at once",
    tags=["auth"],
    status_code=204,
    responses={204: {"description": "Signed out"}, **_BEARER, **_STORE},
)
def logout(body: Annotated[LogoutRequest | None, Body()] = None) -> Response[None]:
    from bidcraft.auth import account

    principal = current_principal(app, allow_mfa_pending=True)
    all_sessions = bool(body and body.all_sessions)
    account.logout(principal, _meta(), all_sessions=all_sessions, now=_now())
    return Response(status_code=204, body=None)


@app.get(
    "/auth/me",
    summary="The signed-in user",
    tags=["auth"],
    responses={200: docs.ok(User), **_BEARER, **_MFA_PENDING},
)
def me() -> User:
    from bidcraft.auth import account

    return account.me(current_principal(app))


@app.post(
    "/auth/mfa/setup",
    summary="Create a pending TOTP secret, its otpauth URI and QR code, and 10 backup codes",
    tags=["auth"],
    responses={
        200: docs.ok(MfaSetupResponse),
        **_BEARER,
        **_MFA_PENDING,
        409: docs.problem("MFA is already enabled"),
        **_STORE,
    },
)
def mfa_setup() -> MfaSetupResponse:
    from bidcraft.auth import mfa

    result = mfa.setup(current_principal(app), _meta(), now=_now())
    return MfaSetupResponse(
        totp_secret=result.totp_secret,
        otpauth_uri=result.otpauth_uri,
        qr_code=result.qr_code,
        backup_codes=result.backup_codes,
    )


@app.post(
    "/auth/mfa/verify",
    summary="Verify a TOTP or backup code: completes an MFA sign-in or activates a pending setup",
    tags=["auth"],
    responses={
        200: docs.ok(MfaVerifyResponse),
        401: docs.problem("Invalid token, or the code is wrong or already used"),
        409: docs.problem("MFA is not set up"),
        **_LOCKED,
        **_STORE,
    },
)
def mfa_verify(body: Annotated[MfaVerifyRequest, Body()]) -> MfaVerifyResponse:
    from bidcraft.auth import mfa

    principal = current_principal(app, allow_mfa_pending=True)
    result = mfa.verify(
        principal, _meta(), totp_code=body.totp_code, backup_code=body.backup_code, now=_now()
    )
    if result.session is None:
        return MfaVerifyResponse()
    return MfaVerifyResponse(
        access_token=result.session.access_token.token, refresh_token=result.session.refresh_token
    )


@app.post(
    "/auth/mfa/disable",
    summary="Turn MFA off (needs a current TOTP code); other sessions are signed out",
    tags=["auth"],
    responses={
        200: docs.ok(MfaDisableResponse),
        401: docs.problem("Invalid token, or the code is wrong or already used"),
        **_MFA_PENDING,
        409: docs.problem("MFA is not enabled"),
        **_LOCKED,
        **_STORE,
    },
)
def mfa_disable(body: Annotated[MfaDisableRequest, Body()]) -> MfaDisableResponse:
    from bidcraft.auth import mfa

    principal = current_principal(app)
    mfa.disable(principal, _meta(), totp_code=body.totp_code, backup_code=body.backup_code, now=_now())
    return MfaDisableResponse()


lambda_handler = lambda_handler_for(app)
startup.finished()
