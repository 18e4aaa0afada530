"""One-time OAuth `state` values and the PKCE verifier bound to each, in the users table.

`OAUTH_STATE#<sha256(state)>` / `STATE` — `code_verifier`, `redirect_uri`, `created_at`, TTL `expires_at`.
The key is a hash of the state, so whatever a client sends as `state` is never used as a key as-is.
`consume` is a conditional `DeleteItem` returning the old item: exactly one callback can take a state, and the
expiry is checked from the stored time (TTL deletion can lag by hours, so it is not relied upon).
The verifier never leaves the server (RFC 7636); it lives at most 10 minutes, encrypted at rest by DynamoDB.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from bidcraft import dynamo
from bidcraft.auth.settings import users_table

STATE_TTL_SECONDS = 600
MAX_STATE_CHARS = 256


@dataclass(frozen=True)
class PendingSignIn:
    code_verifier: str = field(repr=False)
    redirect_uri: str


def _key(state: str) -> dict[str, Any]:
    digest = hashlib.sha256(state.encode("utf-8")).hexdigest()
    return dynamo.key(f"OAUTH_STATE#{digest}", "STATE")


def save(state: str, *, code_verifier: str, redirect_uri: str, now: int) -> None:
    try:
        dynamo.client().put_item(
            TableName=users_table(),
            Item={
                **_key(state),
                **dynamo.item(
                    {
                        "entity": "oauth_state",
                        "code_verifier": code_verifier,
                        "redirect_uri": redirect_uri,
                        "created_at": now,
                        "expires_at": now + STATE_TTL_SECONDS,
                    }
                ),
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
    except Exception as exc:
        raise dynamo.unavailable() from exc


def consume(state: str, *, now: int) -> PendingSignIn | None:
    """Take the state (single use): its sign-in, or None if unknown, already used or expired."""
    if not state or len(state) > MAX_STATE_CHARS:
        return None
    try:
        response = dynamo.client().delete_item(
            TableName=users_table(),
            Key=_key(state),
            ConditionExpression="attribute_exists(pk)",
            ReturnValues="ALL_OLD",
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return None
        raise dynamo.unavailable() from exc
    old = dynamo.plain(response.get("Attributes"))
    if not old or int(old.get("expires_at", 0)) <= now:
        return None
    return PendingSignIn(code_verifier=str(old["code_verifier"]), redirect_uri=str(old["redirect_uri"]))
