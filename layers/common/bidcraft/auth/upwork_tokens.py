"""The user's Upwork tokens: sealed at rest, and a valid access token on demand for the Upwork client.

`get_valid_access_token(user_id)` returns the stored access token while it has more than 5 minutes left.
Otherwise it takes the per-user refresh lease (one refresh at a time per user, across containers), refreshes
at Upwork, **persists the rotated refresh token first** (conditional on the version it read) and only then
returns the new access token. Others wait for the lease holder and use what it stored. If persisting fails,
the old refresh token is still stored — Upwork keeps a rotated-out refresh token valid for a while, so the
next
attempt recovers — and nothing half-written is ever used.

Tokens are envelope-encrypted (KMS data key + AES-256-GCM) with the context
`{user_id, purpose: upwork_token}`:
a blob copied to another user's item does not decrypt. KMS failures fail closed (503).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bidcraft import clock
from bidcraft.auth import upwork_client, upwork_token_store
from bidcraft.crypto import envelope
from bidcraft.errors import Conflict, ServiceUnavailable

if TYPE_CHECKING:
    from bidcraft.upwork.models import UpworkTokens
    from bidcraft.upwork.oauth import UpworkOAuth

REFRESH_MARGIN_SECONDS = 300
LEASE_SECONDS = 30
WAIT_STEP_SECONDS = 0.2
WAIT_LIMIT_SECONDS = 5.0


@dataclass(frozen=True)
class PlainTokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)


def seal(user_id: str, tokens: UpworkTokens) -> bytes:
    document = {
        "access_token": tokens.access_token.get_secret_value(),
        "refresh_token": tokens.refresh_token.get_secret_value(),
        "token_type": tokens.token_type,
    }
    return envelope.encrypt(
        json.dumps(document).encode("utf-8"), user_id=user_id, purpose=envelope.PURPOSE_UPWORK_TOKEN
    )


def unseal(user_id: str, blob: bytes) -> PlainTokens:
    document = json.loads(envelope.decrypt(blob, user_id=user_id, purpose=envelope.PURPOSE_UPWORK_TOKEN))
    return PlainTokens(access_token=document["access_token"], refresh_token=document["refresh_token"])


def save_from_sign_in(user_id: str, tokens: UpworkTokens, *, now: int) -> None:
    upwork_token_store.store_new(
        user_id, blob=seal(user_id, tokens), access_expires_at=clock.epoch(tokens.expires_at), now=now
    )


def _not_connected() -> Conflict:
    return Conflict(
        "Upwork is not connected for this user: sign in with Upwork again", slug="upwork-not-connected"
    )


def get_valid_access_token(
    user_id: str,
    *,
    oauth: UpworkOAuth | None = None,
    now: Callable[[], int] = lambda: clock.epoch(clock.now()),
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """An Upwork access token for `user_id` valid for at least 5 more minutes (refreshing if needed)."""
    waited = 0.0
    while True:
        stored = upwork_token_store.get(user_id)
        if stored is None:
            raise _not_connected()
        moment = now()
        if stored.access_expires_at - moment > REFRESH_MARGIN_SECONDS:
            return unseal(user_id, stored.blob).access_token
        owner = str(uuid.uuid4())
        if upwork_token_store.acquire_lease(user_id, owner=owner, now=moment, seconds=LEASE_SECONDS):
            refreshed = _refresh_under_lease(user_id, owner, oauth, moment)
            if refreshed is not None:
                return refreshed
            continue  # a sign-in stored newer tokens meanwhile: read them
        if waited >= WAIT_LIMIT_SECONDS:
            raise ServiceUnavailable("Upwork tokens are being refreshed; retry shortly", retry_after=1)
        sleep(WAIT_STEP_SECONDS)
        waited += WAIT_STEP_SECONDS


def _refresh_under_lease(user_id: str, owner: str, oauth: UpworkOAuth | None, moment: int) -> str | None:
    released = False
    try:
        stored = upwork_token_store.get(user_id)
        if stored is None:
            raise _not_connected()
        current = unseal(user_id, stored.blob)
        if stored.access_expires_at - moment > REFRESH_MARGIN_SECONDS:
            return current.access_token  # another container refreshed just before we took the lease
        fresh = (oauth or upwork_client.oauth()).refresh(current.refresh_token)
        persisted = upwork_token_store.replace(
            user_id,
            blob=seal(user_id, fresh),
            access_expires_at=clock.epoch(fresh.expires_at),
            expected_version=stored.version,
            owner=owner,
            now=moment,
        )
        released = persisted
        return fresh.access_token.get_secret_value() if persisted else None
    finally:
        if not released:
            upwork_token_store.release_lease(user_id, owner=owner)
