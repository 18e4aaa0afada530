"""Storage of a user's MFA state: `USER#<id>` / `MFA` in the users table.

Attributes: `enabled` (bool), `seed` (envelope-encrypted TOTP seed, binary), `backup_hashes` (scrypt hashes),
`pending_seed` / `pending_backup_hashes` (set up, not yet confirmed), `last_used_step` (RFC 6238 replay
guard), `enabled_at`, `updated_at`. The profile's `mfa_enabled` flag changes in the same transaction as
`enabled`.

Every acceptance is a conditional write, so moto-proof interleavings and real concurrency behave alike:
- a TOTP step is consumed only if `last_used_step < :step` (no replay, no older code after a newer one);
- a backup code is consumed by removing its list entry only if that entry still holds the matched hash;
- activation requires the very pending seed that was verified, and disable requires the code's condition too.
The item is the `MfaItem` model of `bidcraft.tables.users`; the two-item writes go through `TransactWrite`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bidcraft import clock
from bidcraft.tables import base
from bidcraft.tables.users import MfaItem, UserProfile


@dataclass(frozen=True)
class MfaRecord:
    enabled: bool = False
    seed: bytes | None = field(default=None, repr=False)
    backup_hashes: tuple[str, ...] = field(default=(), repr=False)
    pending_seed: bytes | None = field(default=None, repr=False)
    pending_backup_hashes: tuple[str, ...] = field(default=(), repr=False)
    last_used_step: int | None = None


@dataclass(frozen=True)
class BackupUse:
    index: int
    hash: str = field(repr=False)


def _stamp(now: int) -> str:
    return clock.iso(datetime.fromtimestamp(now, UTC))


def _item(user_id: str) -> MfaItem:
    return MfaItem(*MfaItem.key(user_id))


def _step_is_new(step: int) -> Any:
    return MfaItem.last_used_step.does_not_exist() | (MfaItem.last_used_step < step)


def get(user_id: str) -> MfaRecord | None:
    try:
        item = MfaItem.get(*MfaItem.key(user_id), consistent_read=True)
    except MfaItem.DoesNotExist:
        return None
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc
    return MfaRecord(
        enabled=bool(item.enabled),
        seed=None if item.seed is None else bytes(item.seed),
        backup_hashes=tuple(str(h) for h in item.backup_hashes or ()),
        pending_seed=None if item.pending_seed is None else bytes(item.pending_seed),
        pending_backup_hashes=tuple(str(h) for h in item.pending_backup_hashes or ()),
        last_used_step=None if item.last_used_step is None else int(item.last_used_step),
    )


def _update(user_id: str, actions: list[Any], condition: Any) -> bool:
    try:
        _item(user_id).update(actions=actions, condition=condition)
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return False
        raise base.unavailable() from exc
    return True


def save_pending(user_id: str, *, seed_blob: bytes, backup_hashes: list[str], now: int) -> bool:
    """Store a new, unconfirmed seed and backup codes; False if MFA is already enabled."""
    return _update(
        user_id,
        [
            MfaItem.pending_seed.set(seed_blob),
            MfaItem.pending_backup_hashes.set(backup_hashes),
            MfaItem.updated_at.set(_stamp(now)),
            MfaItem.enabled.set(MfaItem.enabled | False),
        ],
        MfaItem.enabled.does_not_exist() | (MfaItem.enabled == False),  # noqa: E712 (a DynamoDB condition)
    )


def _profile_flag(transaction: Any, user_id: str, *, enabled: bool, stamp: str) -> None:
    transaction.update(
        UserProfile(*UserProfile.key(user_id)),
        actions=[UserProfile.mfa_enabled.set(enabled), UserProfile.updated_at.set(stamp)],
        condition=UserProfile.pk.exists(),
    )


def activate(
    user_id: str, *, pending_seed: bytes, backup_hashes: tuple[str, ...], step: int, now: int
) -> bool:
    """Confirm the pending seed (with the step its first code used); False on a race or replay."""
    stamp = _stamp(now)
    try:
        with base.transact_write(MfaItem) as transaction:
            transaction.update(
                _item(user_id),
                actions=[
                    MfaItem.enabled.set(True),
                    MfaItem.seed.set(pending_seed),
                    MfaItem.backup_hashes.set(list(backup_hashes)),
                    MfaItem.last_used_step.set(step),
                    MfaItem.enabled_at.set(stamp),
                    MfaItem.updated_at.set(stamp),
                    MfaItem.pending_seed.remove(),
                    MfaItem.pending_backup_hashes.remove(),
                ],
                condition=(MfaItem.enabled == False)  # noqa: E712 (a DynamoDB condition)
                & (MfaItem.pending_seed == pending_seed)
                & _step_is_new(step),
            )
            _profile_flag(transaction, user_id, enabled=True, stamp=stamp)
    except base.STORAGE_ERRORS as exc:
        if base.cancellation_codes(exc):
            return False
        raise base.unavailable() from exc
    return True


def consume_step(user_id: str, step: int) -> bool:
    """Accept a TOTP step once: False when this or a later step was already used (replay)."""
    return _update(
        user_id,
        [MfaItem.last_used_step.set(step)],
        (MfaItem.enabled == True) & _step_is_new(step),  # noqa: E712
    )


def consume_backup_code(user_id: str, use: BackupUse) -> bool:
    """Remove the matched backup code; False when it was used concurrently."""
    entry = MfaItem.backup_hashes[int(use.index)]
    return _update(user_id, [entry.remove()], (MfaItem.enabled == True) & (entry == use.hash))  # noqa: E712


def disable(user_id: str, *, step: int | None, backup: BackupUse | None, now: int) -> bool:
    """Delete the MFA state, conditioned on the code that authorised it still being unused."""
    condition = MfaItem.enabled == True  # noqa: E712 (a DynamoDB condition)
    if step is not None:
        condition &= _step_is_new(step)
    if backup is not None:
        condition &= MfaItem.backup_hashes[int(backup.index)] == backup.hash
    try:
        with base.transact_write(MfaItem) as transaction:
            transaction.delete(_item(user_id), condition=condition)
            _profile_flag(transaction, user_id, enabled=False, stamp=_stamp(now))
    except base.STORAGE_ERRORS as exc:
        if base.cancellation_codes(exc):
            return False
        raise base.unavailable() from exc
    return True
