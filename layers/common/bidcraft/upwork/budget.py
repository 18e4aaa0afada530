"""The service-wide Upwork call budget: every request to Upwork of every function takes one slot first.

Upwork allows 10 requests per second (per IP) and 40,000 per day (per key). Lambda containers each have their
own IP and their own clock, so the only safe place to count is shared storage: counters in the users table
(per second; per quarter-second, so that no *sliding* second exceeds 10 — see `PER_QUARTER`; per UTC day),
taken together in one `TransactWriteItems` of conditional `ADD`s (`c < limit`). All are counted or none: no
read-then-write, and two containers at `limit - 1` cannot both pass. The window is part of the key, so
correctness never waits for TTL deletion.

Limits: `UPWORK_RATE_PER_SECOND` (default 8) and `UPWORK_DAILY_BUDGET` (default 36,000) — below Upwork's
10/s and 40,000/day, leaving headroom for clock skew between containers and for retries.

`acquire(purpose)` takes a slot in the current quarter when it has room. Otherwise it *books* the earliest
later quarter with room — the counters of that quarter, its second and its day are taken now — and sleeps
until it starts (`MAX_WAIT_SECONDS` ahead at most). Callers that were refused are therefore served in turn: a
booked slot is already counted when its quarter begins, so a caller that was turned away cannot lose that
quarter to others racing for it again (before, a polling round behind two busy syncs lost every race for its
3 s and stopped early). When the day is spent, or nothing within the wait has room, it raises
`UpworkRateLimited` (code `BUDGET`, with `Retry-After`) at once, without sleeping first: an HTTP route answers
503, a sync waits in a delayed message, the jobs poller leaves the rest of its round for the next one. It
never lets a request through over the budget.

Purposes: `interactive` (a person is waiting: sign-in, a job's details, a market read), `sync` (the sync
worker) and `poll` (the jobs poller). The two background purposes may take at most `background_per_second`
of each second (the rate minus a quarter of it, at least one: 6 of 8), so a sync or a polling round that
saturates the budget always leaves slots in every second for people: a sign-in behind a 5,000-proposal sync
waits at most about three quarter-seconds per call instead of failing with 503. `poll` also stops at
`POLL_SHARE` of the day, so polling can never starve sign-in and syncs (docs/jobs.md, "The Upwork budget").

`hook(purpose)` is what the Upwork HTTP client calls before each request it sends
(`bidcraft.upwork.http.make_client(before_request=budget.before_request)`), retries included.

The counters are the `UpworkBudgetCounter` model of `bidcraft.tables.users`, written through
`tables.base.transact_write`; the model is imported on the first slot taken (only code that calls Upwork
pays for PynamoDB here, not every function that can build an Upwork client).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from bidcraft import aws, clock, config
from bidcraft.upwork.errors import UpworkRateLimited

if TYPE_CHECKING:
    from bidcraft.tables.users import UpworkBudgetCounter

logger = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 3.0
SLOT_MARGIN_SECONDS = 0.005  # a booked slot starts this far inside its quarter, clear of clock jitter
POLL_SHARE = 0.9  # the poller may spend at most this share of the day; the rest is for people and syncs
UPWORK_RATE_CEILING = 10
UPWORK_DAILY_CEILING = 40_000
CHECK_FAILED = "ConditionalCheckFailed"  # a transaction item's cancellation reason code
# Upwork's 10/s may be counted over any sliding second, and a fixed one-second window lets 2 × the rate
# through across its boundary. A quarter-second counter capped at 2 bounds any sliding second to 5 × 2 = 10.
QUARTERS_PER_SECOND = 4
PER_QUARTER = UPWORK_RATE_CEILING // (QUARTERS_PER_SECOND + 1)

Purpose = Literal["interactive", "sync", "poll"]
BACKGROUND: frozenset[Purpose] = frozenset({"sync", "poll"})


class BudgetSettings(config.BaseSettings):
    upwork_rate_per_second: int = 8
    upwork_daily_budget: int = 36_000

    def checked(self) -> BudgetSettings:
        if not 1 <= self.upwork_rate_per_second <= UPWORK_RATE_CEILING:
            raise ValueError("UPWORK_RATE_PER_SECOND must be within 1..10 (Upwork's limit)")
        if not 1 <= self.upwork_daily_budget <= UPWORK_DAILY_CEILING:
            raise ValueError("UPWORK_DAILY_BUDGET must be within 1..40000 (Upwork's limit)")
        return self


@dataclass(frozen=True)
class Refusal:
    """Why a slot was refused: `second` (this second or quarter is full) or `day` (the day's share is spent);
    `next_slot` is how long a window lasts before a retry can succeed (a quarter, or the whole second when the
    second's counter refused, as it does for a background purpose that has used its share)."""

    window: Literal["second", "day"]
    retry_after: int
    next_slot: float = 1.0 / QUARTERS_PER_SECOND
    store_failed: bool = False  # the counters could not be read: wait before asking again, do not book ahead


def _settings() -> BudgetSettings:
    from bidcraft.errors import ConfigurationError

    try:
        return config.load(BudgetSettings).checked()
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc


def background_per_second(rate: int) -> int:
    """Of `rate` slots a second, those a background purpose may take: a quarter (at least one) stays for
    people; at a rate of 1 there is nothing to keep back."""
    return max(1, rate - max(1, rate // 4))


def _second_limit(settings: BudgetSettings, purpose: Purpose) -> int:
    rate = settings.upwork_rate_per_second
    return background_per_second(rate) if purpose in BACKGROUND else rate


def _day_limit(settings: BudgetSettings, purpose: Purpose) -> int:
    if purpose == "poll":
        return max(1, int(settings.upwork_daily_budget * POLL_SHARE))
    return settings.upwork_daily_budget


def _seconds_to_midnight(moment: datetime) -> int:
    """`Retry-After` for a spent day: until just past midnight UTC."""
    return seconds_to_midnight(moment) + 1


def _counter(window: str, limit: int, expires: int) -> tuple[UpworkBudgetCounter, list[Any], Any]:
    """A conditional `ADD c 1` of one window's counter (`c < limit`), with its TTL."""
    from bidcraft.tables.users import UpworkBudgetCounter as Counter

    actions = [Counter.c.add(1), Counter.expires_at.set(expires)]
    return Counter(*Counter.key(window)), actions, Counter.c.does_not_exist() | (Counter.c < limit)


def _take(settings: BudgetSettings, purpose: Purpose, moment: datetime) -> Refusal | None:
    """One atomic attempt at the three counters (one `TransactWriteItems`); None when the slot was taken."""
    from bidcraft.tables import base

    second = int(moment.timestamp())
    quarter = int(moment.timestamp() * QUARTERS_PER_SECOND)
    counters = [  # updates only: PynamoDB sends them in this order, and the reasons come back in it
        _counter(f"S#{second}", _second_limit(settings, purpose), second + 120),
        _counter(f"D#{moment.date().isoformat()}", _day_limit(settings, purpose), second + 2 * 86_400),
        _counter(f"Q#{quarter}", PER_QUARTER, second + 120),
    ]
    try:
        with base.transact_write(counters[0][0]) as transaction:
            for item, actions, condition in counters:
                transaction.update(item, actions, condition=condition)
    except base.STORAGE_ERRORS as exc:
        codes = base.cancellation_codes(exc)
        if codes and codes[1] == CHECK_FAILED:
            return Refusal("day", _seconds_to_midnight(moment))
        if codes and codes[0] == CHECK_FAILED:
            return Refusal("second", 1, next_slot=1.0)
        if codes and len(codes) > 2 and codes[2] == CHECK_FAILED:
            return Refusal("second", 1)
        # Storage trouble: refusing is the safe side (Upwork's limit is a hard one); the caller retries later.
        logger.warning("upwork budget unavailable", extra={"error": aws.error_code(exc) or "cancelled"})
        return Refusal("second", 1, store_failed=True)
    return None


def acquire(
    purpose: Purpose = "interactive",
    *,
    now: Callable[[], datetime] = clock.now,
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float = MAX_WAIT_SECONDS,
) -> None:
    """Take one slot: this quarter's, or the earliest later quarter with room within `max_wait`, booked now
    and slept until; `UpworkRateLimited` when the day is spent or nothing within `max_wait` has room."""
    settings = _settings()
    start = now()
    slot = start
    while True:
        refusal = _take(settings, purpose, slot)
        if refusal is None:
            pause = (slot - now()).total_seconds()
            if pause > 0:
                sleep(pause)
            return
        step = refusal.next_slot  # to the start of the next quarter or second, just inside it
        slot += timedelta(seconds=step - (slot.timestamp() % step) + SLOT_MARGIN_SECONDS)
        if refusal.window == "day" or (slot - start).total_seconds() > max_wait:
            logger.warning("upwork budget spent", extra={"window": refusal.window, "purpose": purpose})
            raise UpworkRateLimited(
                f"The service's Upwork request budget for this {refusal.window} is spent; retry later",
                retry_after=refusal.retry_after,
                code="BUDGET",
            )
        if refusal.store_failed:  # asking a failing store again at once would not help: wait for the slot
            sleep(max(0.0, (slot - now()).total_seconds()))


def day_left(purpose: Purpose = "poll", *, now: Callable[[], datetime] = clock.now) -> int:
    """Requests `purpose` may still send today (one consistent read of the day counter): the poller paces
    its rounds with it. A storage failure reads as nothing left (the round waits)."""
    from bidcraft.tables import base
    from bidcraft.tables.users import UpworkBudgetCounter as Counter

    settings = _settings()
    moment = now()
    try:
        item = Counter.get(*Counter.key(f"D#{moment.date().isoformat()}"), consistent_read=True)
    except Counter.DoesNotExist:
        item = None
    except base.STORAGE_ERRORS as exc:
        logger.warning("upwork budget unavailable", extra={"error": aws.error_code(exc)})
        return 0
    used = int(item.c or 0) if item is not None else 0
    return max(0, _day_limit(settings, purpose) - used)


def seconds_to_midnight(moment: datetime) -> int:
    """Whole seconds left in `moment`'s UTC day (at least 1)."""
    midnight = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - moment).total_seconds()))


def hook(purpose: Purpose = "interactive") -> Callable[[Any], None]:
    """An httpx2 request hook: one budget slot per request sent to Upwork (retries are requests too)."""

    def before_request(_request: Any) -> None:
        acquire(purpose)

    return before_request


before_request = hook("interactive")
