"""One-time OAuth `state` values and the PKCE verifier bound to each, in the users table.

`OAUTH_STATE#<sha256(state)>` / `STATE` — `code_verifier`, `redirect_uri`, `created_at`, TTL `expires_at`.
The key is a hash of the state, so whatever a client sends as `state` is never used as a key as-is.
`consume` is a conditional `DeleteItem` returning the old item: exactly one callback can take a state, and the
expiry is checked from the stored time (TTL deletion can lag by hours, so it is not relied upon).
The verifier never leaves the server (RFC 7636); it lives at most 10 minutes, encrypted at rest by DynamoDB.
The item is the `OAuthState` model of `bidcraft.tables.users`; `consume` calls the model's PynamoDB connection
(`delete_item`) rather than `Model.delete`, which cannot return the deleted item (`ALL_OLD`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from bidcraft.tables import base
from bidcraft.tables.users import OAuthState

STATE_TTL_SECONDS = 600
MAX_STATE_CHARS = 256


@dataclass(frozen=True)
class PendingSignIn:
    code_verifier: str = field(repr=False)
    redirect_uri: str


def _key(state: str) -> tuple[str, str]:
    return OAuthState.key(hashlib.sha256(state.encode("utf-8")).hexdigest())


def save(state: str, *, code_verifier: str, redirect_uri: str, now: int) -> None:
    item = OAuthState(
        *_key(state),
        entity="oauth_state",
        code_verifier=code_verifier,
        redirect_uri=redirect_uri,
        created_at=now,
        expires_at=now + STATE_TTL_SECONDS,
    )
    try:
        item.save(condition=OAuthState.pk.does_not_exist())
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


def consume(state: str, *, now: int) -> PendingSignIn | None:
    """Take the state (single use): its sign-in, or None if unknown, already used or expired."""
    if not state or len(state) > MAX_STATE_CHARS:
        return None
    try:
        response = OAuthState._get_connection().delete_item(
            *_key(state), condition=OAuthState.pk.exists(), return_values="ALL_OLD"
        )
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return None
        raise base.unavailable() from exc
    attributes = response.get("Attributes")
    if not attributes:
        return None
    old = OAuthState.from_raw_data(attributes)
    if int(old.expires_at or 0) <= now:
        return None
    return PendingSignIn(code_verifier=str(old.code_verifier), redirect_uri=str(old.redirect_uri))
