"""The bearer-token guard: who is calling, and may they touch this user's data?

Token verification itself belongs to the auth domain (`bidcraft.auth.tokens.verify_access_token`); the guard
only extracts the token, caches the principal for the request and applies the authorization rules that
every route shares (MFA still pending, `me` / own id / `admin`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from bidcraft.errors import Forbidden, Unauthorized
from bidcraft.http import request

ADMIN_ROLE = "admin"

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


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    session_id: str = ""
    mfa_pending: bool = False
    token_id: str = ""

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles


def authenticate(event: dict[str, Any]) -> Principal:
    """Verify the request's bearer token (401 when missing or bad); MFA rules are applied per route."""
    token = request.bearer_token(event)
    if token is None:
        raise Unauthorized("A bearer access token is required")
    from bidcraft.auth.tokens import verify_access_token  # the auth domain owns token rules

    return verify_access_token(token)


def current_principal(app: APIGatewayHttpResolver, *, allow_mfa_pending: bool = False) -> Principal:
    """The verified caller of this request, or 401/403 as API.md says."""
    principal = app.context.get("principal")
    if principal is None:
        principal = authenticate(app.current_event.raw_event)
        app.append_context(principal=principal)
    if principal.mfa_pending and not allow_mfa_pending:
        raise Forbidden("Complete multi-factor verification first", slug="mfa-required")
    return principal


def resolve_user_id(principal: Principal, user_id: str) -> str:
    """`me` or the caller's own id → the caller; another id only for admins (else 403)."""
    if user_id in ("me", principal.user_id):
        return principal.user_id
    if principal.is_admin:
        return user_id
    raise Forbidden("You may only access your own data")
