"""Storage of a user's Upwork tokens: `USER#<id>` / `UPWORK_TOKENS` in the users table (the `UpworkTokens`
model of `bidcraft.tables.users`).

Attributes: `sealed_tokens` (envelope-encrypted JSON of both tokens, purpose `upwork_token`, bound to the
user), `access_expires_at` (epoch s — deliberately *not* `expires_at`, the table's TTL attribute), `version`
(optimistic concurrency), `updated_at`, and the refresh lease `lease_owner` / `lease_until`.
Every write is one conditional `UpdateItem` (`Model.update`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bidcraft.tables import base
from bidcraft.tables.users import UpworkTokens


@dataclass(frozen=True)
class StoredUpworkTokens:
    blob: bytes = field(repr=False)
    access_expires_at: int
    version: int
    lease_owner: str | None = None
    lease_until: int | None = None


def get(user_id: str) -> StoredUpworkTokens | None:
    try:
        item = UpworkTokens.get(*UpworkTokens.key(user_id), consistent_read=True)
    except UpworkTokens.DoesNotExist:
        return None
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc
    if not item.sealed_tokens:
        return None
    return StoredUpworkTokens(
        blob=bytes(item.sealed_tokens),
        access_expires_at=int(item.access_expires_at or 0),
        version=int(item.version or 0),
        lease_owner=item.lease_owner,
        lease_until=None if item.lease_until is None else int(item.lease_until),
    )


def _update(user_id: str, actions: list[Any], condition: Any = None) -> bool:
    try:
        UpworkTokens(*UpworkTokens.key(user_id)).update(actions=actions, condition=condition)
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return False
        raise base.unavailable() from exc
    return True


def store_new(user_id: str, *, blob: bytes, access_expires_at: int, now: int) -> None:
    """Tokens from a sign-in: replace whatever was there (a newer grant wins over an in-flight refresh)."""
    _update(
        user_id,
        [
            UpworkTokens.sealed_tokens.set(blob),
            UpworkTokens.access_expires_at.set(access_expires_at),
            UpworkTokens.updated_at.set(now),
            UpworkTokens.version.set((UpworkTokens.version | 0) + 1),
            UpworkTokens.lease_owner.remove(),
            UpworkTokens.lease_until.remove(),
        ],
    )


def acquire_lease(user_id: str, *, owner: str, now: int, seconds: int) -> bool:
    """The per-user refresh lease: only one refresh at a time; an abandoned lease expires after `seconds`."""
    return _update(
        user_id,
        [UpworkTokens.lease_owner.set(owner), UpworkTokens.lease_until.set(now + seconds)],
        UpworkTokens.sealed_tokens.exists()
        & (UpworkTokens.lease_until.does_not_exist() | (UpworkTokens.lease_until <= now)),
    )


def replace(
    user_id: str, *, blob: bytes, access_expires_at: int, expected_version: int, owner: str, now: int
) -> bool:
    """Persist refreshed tokens unless something wrote after we read `expected_version`; drops the lease."""
    return _update(
        user_id,
        [
            UpworkTokens.sealed_tokens.set(blob),
            UpworkTokens.access_expires_at.set(access_expires_at),
            UpworkTokens.updated_at.set(now),
            UpworkTokens.version.set(expected_version + 1),
            UpworkTokens.lease_owner.remove(),
            UpworkTokens.lease_until.remove(),
        ],
        (UpworkTokens.version == expected_version) & (UpworkTokens.lease_owner == owner),
    )


def release_lease(user_id: str, *, owner: str) -> None:
    _update(
        user_id,
        [UpworkTokens.lease_owner.remove(), UpworkTokens.lease_until.remove()],
        UpworkTokens.lease_owner == owner,
    )
