"""PynamoDB models of UsersTable (`USERS_TABLE`): single-table design, every item keyed by `pk`/`sk`.

Models and their items (attribute names and types are the wire format the stores have always written):
- `UserProfile`: `USER#<user_id>` / `PROFILE` — the profile and activity counters (`bidcraft.users.store`).
- `UpworkLink`: `UPWORK#<upwork_user_id>` / `USER` — which Bidcraft user an Upwork account belongs to.
- `SessionItem`: `USER#<user_id>` / `SESSION#<session_id>` — one sign-in (a refresh-token family).
- `RefreshToken`: `REFRESH#<sha256(token)>` / `TOKEN` — one refresh token of a family.
- `OAuthState`: `OAUTH_STATE#<sha256(state)>` / `STATE` — a pending sign-in's PKCE verifier (single use).
- `UpworkTokens`: `USER#<user_id>` / `UPWORK_TOKENS` — the user's sealed Upwork tokens and refresh lease.
- `MfaItem`: `USER#<user_id>` / `MFA` — TOTP seed, backup-code hashes, replay guard (`auth.mfa_store`).
- `LockoutItem`: `USER#<user_id>` / `LOCKOUT` — the sign-in attempt window and lock (`auth.lockout`).
- `RateWindow`: `RATE#<class>#<subject>` / `W#<window start>` — a fixed-window counter `c` (`ratelimit`).
- `UpworkBudgetCounter`: `UPWORK_BUDGET` / `S#<epoch second>`, `Q#<epoch quarter-second>` or `D#<UTC date>`
  — the service-wide Upwork call budget's counters `c` (`bidcraft.upwork.budget`).
Sessions, refresh tokens, OAuth states, lockouts, rate windows and budget counters carry the TTL attribute
`expires_at`.
Attributes are nullable unless they are keys: items written before an attribute existed still load. Lists are
typed `Any`: PynamoDB's stubs type a `ListAttribute(of=...)`'s elements as attribute classes, not values.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from bidcraft import tables
from bidcraft.auth.settings import users_table
from bidcraft.tables.base import TableItem, table_meta

PROFILE_SK = "PROFILE"
SESSION_PREFIX = "SESSION#"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


class _UsersItem(TableItem):
    Meta = table_meta(users_table)  # the table name is read at first use
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    entity = UnicodeAttribute(null=True)


@tables.register
class UserProfile(_UsersItem):
    user_id = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    upwork_user_id = UnicodeAttribute(null=True)
    roles: Any = ListAttribute(of=UnicodeAttribute, null=True)
    mfa_enabled = BooleanAttribute(null=True)
    upwork_profile = MapAttribute(null=True)  # type: ignore[var-annotated]
    created_at = UnicodeAttribute(null=True)  # ISO 8601 UTC
    updated_at = UnicodeAttribute(null=True)
    login_count = NumberAttribute(null=True)
    last_login = UnicodeAttribute(null=True)
    last_logout = UnicodeAttribute(null=True)
    failed_login_attempts = NumberAttribute(null=True)
    account_locked = BooleanAttribute(null=True)
    sessions_ended = NumberAttribute(null=True)
    total_session_seconds = NumberAttribute(null=True)
    avg_session_duration = NumberAttribute(null=True)

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return user_pk(user_id), PROFILE_SK


@tables.register
class UpworkLink(_UsersItem):
    user_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, upwork_user_id: str) -> tuple[str, str]:
        return f"UPWORK#{upwork_user_id}", "USER"


@tables.register
class SessionItem(_UsersItem):
    user_id = UnicodeAttribute(null=True)
    session_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)  # full | mfa_pending
    status = UnicodeAttribute(null=True)  # active | revoked
    created_at = NumberAttribute(null=True)  # epoch seconds
    last_used_at = NumberAttribute(null=True)
    current_token_hash = UnicodeAttribute(null=True)
    revoked_at = NumberAttribute(null=True)
    revoke_reason = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, user_id: str, session_id: str) -> tuple[str, str]:
        return user_pk(user_id), SESSION_PREFIX + session_id


@tables.register
class RefreshToken(_UsersItem):
    user_id = UnicodeAttribute(null=True)
    session_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # active | rotated | revoked
    issued_at = NumberAttribute(null=True)
    family_started_at = NumberAttribute(null=True)
    rotated_at = NumberAttribute(null=True)
    revoked_at = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, token_hash: str) -> tuple[str, str]:
        return f"REFRESH#{token_hash}", "TOKEN"


@tables.register
class OAuthState(_UsersItem):
    code_verifier = UnicodeAttribute(null=True)
    redirect_uri = UnicodeAttribute(null=True)
    created_at = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, state_digest: str) -> tuple[str, str]:
        return f"OAUTH_STATE#{state_digest}", "STATE"


@tables.register
class UpworkTokens(_UsersItem):
    sealed_tokens = BinaryAttribute(null=True, legacy_encoding=False)  # envelope-encrypted JSON
    access_expires_at = NumberAttribute(null=True)  # deliberately not `expires_at` (the TTL attribute)
    version = NumberAttribute(null=True)  # optimistic concurrency (not PynamoDB's implicit VersionAttribute)
    updated_at = NumberAttribute(null=True)
    lease_owner = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return user_pk(user_id), "UPWORK_TOKENS"


@tables.register
class MfaItem(_UsersItem):
    enabled = BooleanAttribute(null=True)
    seed = BinaryAttribute(null=True, legacy_encoding=False)  # envelope-encrypted TOTP seed
    backup_hashes: Any = ListAttribute(of=UnicodeAttribute, null=True)  # scrypt hashes
    pending_seed = BinaryAttribute(null=True, legacy_encoding=False)
    pending_backup_hashes: Any = ListAttribute(of=UnicodeAttribute, null=True)
    last_used_step = NumberAttribute(null=True)  # RFC 6238 replay guard
    enabled_at = UnicodeAttribute(null=True)  # ISO 8601 UTC
    updated_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return user_pk(user_id), "MFA"


@tables.register
class LockoutItem(_UsersItem):
    tries: Any = ListAttribute(of=NumberAttribute, null=True)  # epoch seconds of the checks in the window
    recent: Any = ListAttribute(of=NumberAttribute, null=True)  # the failures among them
    locked_until = NumberAttribute(null=True)
    version = NumberAttribute(null=True)  # optimistic concurrency (not PynamoDB's implicit VersionAttribute)
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return user_pk(user_id), "LOCKOUT"


@tables.register
class RateWindow(_UsersItem):
    c = NumberAttribute(null=True)  # requests counted in the window
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, op_class: str, subject: str, window_start: int) -> tuple[str, str]:
        return f"RATE#{op_class}#{subject}", f"W#{window_start}"


@tables.register
class UpworkBudgetCounter(_UsersItem):
    c = NumberAttribute(null=True)  # Upwork requests counted in the window
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, window: str) -> tuple[str, str]:
        """`window`: `S#<epoch second>`, `Q#<epoch quarter-second>` or `D#<UTC date>`."""
        return "UPWORK_BUDGET", window
