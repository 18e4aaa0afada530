"""Account lockout: 3 failed sign-in steps within 15 minutes lock the account for 15 minutes (API.md).

Counted per user, never per IP (OWASP Authentication Cheat Sheet), in one item `USER#<id>` / `LOCKOUT`:
`tries` (epoch seconds of the code checks of the last 15 minutes), `recent` (the failures among them — a true
sliding window), `locked_until`, `version`. Every change is one optimistic conditional write (`version =
:read`, or `attribute_not_exists`): two requests at the same moment cannot overwrite each other — the loser
re-reads and counts again.

Each code check is counted *before* the code is looked at (`reserve_attempt`): the write that would make a
4th check within the window is refused (423), so at most 3 codes are ever checked per window, whatever the
concurrency — 20 parallel guesses cannot all be checked before the first failure is recorded. A locked
account answers 423 the same way, whether the code was right or wrong (the response never tells). The failure
that makes three sets `locked_until` in the same write, so a lock is set once and audited once. A success
clears the counters (never a running lock). A check that crashed (503) keeps its `tries` entry until it
leaves the window. The lock expires by itself (no permanent self-DoS, ASVS 6.1.1 / NIST 800-63B §5.2.2).
The item is the `LockoutItem` model of `bidcraft.tables.users`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bidcraft.errors import Locked
from bidcraft.tables import base
from bidcraft.tables.users import LockoutItem

MAX_FAILURES = 3
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
LOCKED_DETAIL = "Too many failed attempts: the account is temporarily locked"


@dataclass(frozen=True)
class FailureResult:
    failures: int
    locked_until: int | None  # set when this failure locked the account (or it was already locked)
    newly_locked: bool = False


def _get(user_id: str) -> LockoutItem:
    """The user's lockout item, or an empty one (no `version`) when there is none yet."""
    try:
        return LockoutItem.get(*LockoutItem.key(user_id), consistent_read=True)
    except LockoutItem.DoesNotExist:
        return LockoutItem(*LockoutItem.key(user_id))
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


def locked_until(user_id: str, now: int) -> int | None:
    """The epoch second the current lock ends, or None when the account is not locked."""
    until = int(_get(user_id).locked_until or 0)
    return until if until > now else None


def ensure_not_locked(user_id: str, now: int) -> None:
    """423 with Retry-After while the account is locked."""
    until = locked_until(user_id, now)
    if until is not None:
        raise Locked(LOCKED_DETAIL, retry_after=until - now)


def _in_window(times: Any, now: int) -> list[int]:
    return [int(t) for t in times or [] if now - WINDOW_SECONDS < int(t) <= now]


def reserve_attempt(user_id: str, now: int) -> None:
    """Count one code check before it happens; 423 (`Locked`) while locked or when `MAX_FAILURES` checks
    already happened in the window — then the code is never looked at."""
    for _ in range(8):
        item = _get(user_id)
        until = int(item.locked_until or 0)
        if until > now:
            raise Locked(LOCKED_DETAIL, retry_after=until - now)
        tries = _in_window(item.tries, now)
        if len(tries) >= MAX_FAILURES:
            raise Locked(LOCKED_DETAIL, retry_after=max(1, min(tries) + WINDOW_SECONDS - now))
        if _write(user_id, tries=[*tries, now], version=_version(item), now=now):
            return
        # another attempt wrote first: read again and count on top of it
    raise base.unavailable()


def _version(item: LockoutItem) -> int | None:
    return None if item.version is None else int(item.version)


def _write(
    user_id: str,
    *,
    version: int | None,
    now: int,
    recent: list[int] | None = None,
    tries: list[int] | None = None,
    locked: int | None = None,
) -> bool:
    actions: list[Any] = [
        LockoutItem.version.set((version or 0) + 1),
        LockoutItem.expires_at.set(max(now, locked or 0) + WINDOW_SECONDS + LOCK_SECONDS),
    ]
    if recent is not None:
        actions.append(LockoutItem.recent.set(recent))
    if tries is not None:
        actions.append(LockoutItem.tries.set(tries))
    if locked is not None:
        actions.append(LockoutItem.locked_until.set(locked))
    condition = LockoutItem.version.does_not_exist() if version is None else LockoutItem.version == version
    try:
        LockoutItem(*LockoutItem.key(user_id)).update(actions=actions, condition=condition)
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return False
        raise base.unavailable() from exc
    return True


def record_failure(user_id: str, now: int) -> FailureResult:
    """Count one failed attempt; the one that makes `MAX_FAILURES` within the window locks the account."""
    for _ in range(8):
        item = _get(user_id)
        until = int(item.locked_until or 0)
        if until > now:
            return FailureResult(failures=MAX_FAILURES, locked_until=until)
        recent = [*_in_window(item.recent, now), now]
        version = _version(item)
        if len(recent) >= MAX_FAILURES:
            lock = now + LOCK_SECONDS
            if _write(user_id, recent=[], locked=lock, version=version, now=now):
                return FailureResult(failures=len(recent), locked_until=lock, newly_locked=True)
        elif _write(user_id, recent=recent[-MAX_FAILURES:], locked=None, version=version, now=now):
            return FailureResult(failures=len(recent), locked_until=None)
        # another attempt wrote first: read again and count on top of it
    raise base.unavailable()


def clear(user_id: str, now: int) -> None:
    """Forget past failures after a successful sign-in step (a running lock stays)."""
    try:
        LockoutItem(*LockoutItem.key(user_id)).delete(
            condition=LockoutItem.pk.does_not_exist()
            | LockoutItem.locked_until.does_not_exist()
            | (LockoutItem.locked_until <= now)
        )
    except base.STORAGE_ERRORS as exc:
        if not base.is_condition_failure(exc):
            raise base.unavailable() from exc
