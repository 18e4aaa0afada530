"""Storage of a user's MFA state: `USER#<id>` / `MFA` in the users table.

Attributes: `enabled` (bool), `seed` (envelope-encrypted TOTP seed, binary), `backup_hashes` (scrypt hashes),
`pending_seed` / `pending_backup_hashes` (set up, not yet confirmed), `last_used_step` (RFC 6238 replay
guard),
`enabled_at`, `updated_at`. The profile's `mfa_enabled` flag changes in the same transaction as `enabled`.

Every acceptance is a conditional write, so moto-proof interleavings and real concurrency behave alike:
- a TOTP step is consumed only if `last_used_step < :step` (no replay, no older code after a newer one);
- a backup code is consumed by removing its list entry only if that entry still holds the matched hash;
- activation requires the very pending seed that was verified, and disable requires the code's condition too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bidcraft import clock, dynamo
from bidcraft.auth.settings import users_table
from bidcraft.users.store import profile_key

MFA_SK = "MFA"
_STEP_IS_NEW = "(attribute_not_exists(last_used_step) OR last_used_step < :step)"


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


def _key(user_id: str) -> dict[str, Any]:
    return dynamo.key(f"USER#{user_id}", MFA_SK)


def get(user_id: str) -> MfaRecord | None:
    raw = dynamo.get_item(users_table(), _key(user_id))
    if not raw:
        return None
    step = raw.get("last_used_step")
    return MfaRecord(
        enabled=bool(raw.get("enabled", False)),
        seed=raw.get("seed"),
        backup_hashes=tuple(raw.get("backup_hashes") or ()),
        pending_seed=raw.get("pending_seed"),
        pending_backup_hashes=tuple(raw.get("pending_backup_hashes") or ()),
        last_used_step=None if step is None else int(step),
    )


def _update(user_id: str, expression: str, condition: str, values: dict[str, Any]) -> bool:
    return dynamo.conditional_update(users_table(), _key(user_id), expression, condition, values)


def save_pending(user_id: str, *, seed_blob: bytes, backup_hashes: list[str], now: int) -> bool:
    """Store a new, unconfirmed seed and backup codes; False if MFA is already enabled."""
    return _update(
        user_id,
        "SET pending_seed = :seed, pending_backup_hashes = :hashes, updated_at = :now, "
        "enabled = if_not_exists(enabled, :false)",
        "attribute_not_exists(enabled) OR enabled = :false",
        {":seed": seed_blob, ":hashes": backup_hashes, ":now": _stamp(now), ":false": False},
    )


def _transact(items: list[dict[str, Any]]) -> bool:
    try:
        dynamo.client().transact_write_items(TransactItems=items)
    except Exception as exc:
        if dynamo.cancellation_codes(exc):
            return False
        raise dynamo.unavailable() from exc
    return True


def activate(
    user_id: str, *, pending_seed: bytes, backup_hashes: tuple[str, ...], step: int, now: int
) -> bool:
    """Confirm the pending seed (with the step its first code used); False on a race or replay."""
    stamp = _stamp(now)
    return _transact(
        [
            {
                "Update": {
                    "TableName": users_table(),
                    "Key": _key(user_id),
                    "UpdateExpression": "SET enabled = :true, seed = :seed, backup_hashes = :hashes, "
                    "last_used_step = :step, enabled_at = :now, updated_at = :now "
                    "REMOVE pending_seed, pending_backup_hashes",
                    "ConditionExpression": f"enabled = :false AND pending_seed = :seed AND {_STEP_IS_NEW}",
                    "ExpressionAttributeValues": dynamo.expression_values(
                        {
                            ":true": True,
                            ":false": False,
                            ":seed": pending_seed,
                            ":hashes": list(backup_hashes),
                            ":step": step,
                            ":now": stamp,
                        }
                    ),
                }
            },
            _set_profile_flag(user_id, enabled=True, stamp=stamp),
        ]
    )


def _set_profile_flag(user_id: str, *, enabled: bool, stamp: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": users_table(),
            "Key": profile_key(user_id),
            "UpdateExpression": "SET mfa_enabled = :flag, updated_at = :now",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": dynamo.expression_values({":flag": enabled, ":now": stamp}),
        }
    }


def consume_step(user_id: str, step: int) -> bool:
    """Accept a TOTP step once: False when this or a later step was already used (replay)."""
    return _update(
        user_id,
        "SET last_used_step = :step",
        f"enabled = :true AND {_STEP_IS_NEW}",
        {":step": step, ":true": True},
    )


def consume_backup_code(user_id: str, use: BackupUse) -> bool:
    """Remove the matched backup code; False when it was used concurrently."""
    path = f"backup_hashes[{int(use.index)}]"
    return _update(
        user_id,
        f"REMOVE {path}",
        f"enabled = :true AND {path} = :hash",
        {":true": True, ":hash": use.hash},
    )


def disable(user_id: str, *, step: int | None, backup: BackupUse | None, now: int) -> bool:
    """Delete the MFA state, conditioned on the code that authorised it still being unused."""
    values: dict[str, Any] = {":true": True}
    condition = "enabled = :true"
    if step is not None:
        condition += f" AND {_STEP_IS_NEW}"
        values[":step"] = step
    if backup is not None:
        condition += f" AND backup_hashes[{int(backup.index)}] = :hash"
        values[":hash"] = backup.hash
    return _transact(
        [
            {
                "Delete": {
                    "TableName": users_table(),
                    "Key": _key(user_id),
                    "ConditionExpression": condition,
                    "ExpressionAttributeValues": dynamo.expression_values(values),
                }
            },
            _set_profile_flag(user_id, enabled=False, stamp=_stamp(now)),
        ]
    )
