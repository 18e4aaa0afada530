"""The bearer-token guard: who is calling, and may they touch this user's data?

Token verification itself belongs to the auth domain (`bidcraft.auth.tokens.verify_access_token`); the guard
only extracts the token, caches the principal for the request and applies the authorization rules that
every route shares (MFA still pending, `me` / own id / `admin`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from bidcraft.caller import Principal, resolve_user_id
from bidcraft.errors import Forbidden, Unauthorized
from bidcraft.http import request

# API.md: every route takes a bearer token except these (the webhook receiver verifies signatures instead).
PUBLIC_PATHS = frozenset(
    {
        "/health",
        "/openapi.json",
        "/docs",
        "/auth/upwork/init",
        "/auth/upwork/callback",
        "/auth/refresh",
        "/webhooks/upwork",
    }
)


# API.md: a step-up (MFA pending) access token reaches only these routes; anything else is 403.
MFA_PENDING_PATHS = frozenset({"/auth/mfa/verify", "/auth/logout"})


def load_verifier() -> Callable[[str], Principal]:
    """The auth domain's token verifier (it owns the token rules). Imported here rather than at the top so
    that functions without bearer routes (meta, webhooks) never load it; `lambda_handler_for` calls this at
    import for every other function."""
    from bidcraft.auth.tokens import verify_access_token

    return verify_access_token


def authenticate(event: dict[str, Any]) -> Principal:
    """Verify the request's bearer token (401 when missing or bad); MFA rules are applied per route."""
    token = request.bearer_token(event)
    if token is None:
        raise Unauthorized("A bearer access token is required")
    return load_verifier()(token)


def current_principal(app: APIGatewayHttpResolver, *, allow_mfa_pending: bool = False) -> Principal:
    """The verified caller of this request, or 401/403 as API.md says."""
    principal = app.context.get("principal")
    if principal is None:
        principal = authenticate(app.current_event.raw_event)
        app.append_context(principal=principal)
    if principal.mfa_pending and not allow_mfa_pending:
        raise Forbidden("Complete multi-factor verification first", slug="mfa-required")
    return principal


__all__ = [
    "MFA_PENDING_PATHS",
    "PUBLIC_PATHS",
    "Principal",
    "authenticate",
    "current_principal",
    "load_verifier",
    "resolve_user_id",
]
