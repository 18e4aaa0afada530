"""When a delivery may be attempted: exponential backoff, the 24-hour retry window, quiet hours, queue hops.

Pure functions of their arguments (no clock reads), so the whole retry life of a delivery can be simulated
with a fake clock (tests/unit/alerts/test_retry_day.py).

- Backoff: after the n-th failed attempt the next one waits `BASE_DELAY × 2^(n-1)`, at most `MAX_DELAY`, with
  ±`JITTER` spread (so a receiver that recovers is not hit by every queued delivery at once). Attempts stop
  once `RETRY_WINDOW` has passed since the delivery was created: it is then `failed`.
- SQS delays a message by at most 15 minutes, so a longer wait is several hops: each message carries the
  earliest time it may be acted on (`not_before`) and a worker that receives it early re-queues it
  (`hop_delay`), without counting an attempt.
- Quiet hours: a delivery due inside the window waits until the window ends (in the search's time zone; DST
  gaps and folds resolved by `zoneinfo`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bidcraft.alerts.spec import QuietHours

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
JITTER = 0.2
RETRY_WINDOW = timedelta(hours=24)
MAX_SQS_DELAY_SECONDS = 900


def backoff(failed_attempts: int, *, random: Callable[[], float]) -> timedelta:
    """The wait after `failed_attempts` (≥ 1) consecutive failures of one delivery."""
    exponent = min(max(failed_attempts, 1) - 1, 20)
    base = min(BASE_DELAY * (2**exponent), MAX_DELAY)
    spread = 1 + JITTER * (2 * random() - 1)  # random() in [0, 1): spread in [0.8, 1.2)
    return timedelta(seconds=round(base.total_seconds() * spread))


def next_attempt(
    created_at: datetime, now: datetime, failed_attempts: int, *, random: Callable[[], float]
) -> datetime | None:
    """When to try again after a failure, or None when the retry window is over (the delivery fails)."""
    due = now + backoff(failed_attempts, random=random)
    if due - created_at > RETRY_WINDOW:
        return None
    return due


def hop_delay(not_before: datetime, now: datetime) -> int:
    """The SQS DelaySeconds for a message that may be acted on at `not_before` (0: now)."""
    seconds = math.ceil((not_before - now).total_seconds())
    return max(0, min(seconds, MAX_SQS_DELAY_SECONDS))


def quiet_until(quiet: QuietHours | None, moment: datetime) -> datetime | None:
    """The end of the quiet window `moment` falls in (UTC), or None when `moment` is not in one."""
    if quiet is None:
        return None
    zone = ZoneInfo(quiet.timezone)
    local = moment.astimezone(zone)
    start, end = quiet.bounds()
    if start == end:
        return None  # an empty window
    now_t = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= now_t < end
        end_day = local.date()
    else:  # wraps midnight, e.g. 22:00–07:00
        inside = now_t >= start or now_t < end
        end_day = local.date() + timedelta(days=1) if now_t >= start else local.date()
    if not inside:
        return None
    ends = datetime.combine(end_day, end, tzinfo=zone)
    return ends.astimezone(moment.tzinfo)
