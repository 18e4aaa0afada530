"""Who is calling and from where: the verified caller, the request's origin, whose data a caller may touch.

Domain types: the auth domain issues a `Principal` (`bidcraft.auth.tokens.verify_access_token`),
`bidcraft.http` builds both from API Gateway events (`guard.authenticate`, `request.meta`), and domain code
takes them as arguments (MFA, audit records and queries). Nothing here knows about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from bidcraft.errors import Forbidden

ADMIN_ROLE = "admin"


class RequestMeta(NamedTuple):  # immutable; a NamedTuple costs a cold start less than a frozen dataclass
    """Where a request came from, as API Gateway reported it (never client-sent forwarding headers)."""

    ip: str = "unknown"
    user_agent: str = ""
    request_id: str = ""


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


def resolve_user_id(principal: Principal, user_id: str) -> str:
    """`me` or the caller's own id → the caller; another id only for admins (else 403)."""
    if user_id in ("me", principal.user_id):
        return principal.user_id
    if principal.is_admin:
        return user_id
    raise Forbidden("You may only access your own data")
