"""A user's metrics for one calendar period, with trends against the period before it.

API.md "Analytics": proposals count in the period of their `submitted_at`; `proposals_viewed`, `interviews`
and `proposals_won` are those of them that reached `viewed` / `interviewing` / `hired` (later statuses count
for the earlier ones — the write side keeps that rule in the aggregates); `win_rate = won / sent` (0 when none
sent); `total_earnings` = payments received in the period (USD); `average_rate` = mean hourly rate of the
contracts active at some time in the period (0 when none has an hourly rate); `active_contracts` = contracts
active at the end of the range, or now for the current (or a future) period.

Cost, constant in the user's history: one `BatchGetItem` (the aggregates of this and the previous period) and
one `Query` of the user's contracts index (`gsi1`, newest first, started before the range ends, projected to
five attributes, at most `store.MAX_CONTRACT_PAGES` pages). Proposals are never read here.

The reads go through the table's adapter (`bidcraft.analytics.store`), which the dashboard, the proposal
analytics and the reports share.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal

from bidcraft import clock
from bidcraft.analytics import periods, store
from bidcraft.analytics.models import ContractItem, PeriodAggregate
from bidcraft.analytics.views import (
    Direction,
    MetricTrend,
    PeriodMetrics,
    PeriodName,
    PeriodRange,
    UserMetrics,
)
from bidcraft.errors import Unprocessable

EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)


# ------------------------------------------------------------------------------------------ pure logic


def range_of(period: PeriodName, day: date) -> tuple[str, date, date]:
    """(period key, first day, last day) of the `period` containing `day` (ISO weeks for `weekly`)."""
    granularity = periods.BY_NAME[period]
    key = periods.period_key(granularity, day)
    first, last = periods.period_range(granularity, key)
    return key, first, last


def check_day(day: date, field: str = "date") -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise Unprocessable(
            f"{field} must be between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}",
            errors=[{"loc": ["query", field], "msg": "out of the supported range"}],
        )
    return day


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, UTC)


def ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def money(value: Decimal | float | int) -> float:
    return float(round(Decimal(value), 2))


def active_in(contract: ContractItem, first: date, last: date) -> bool:
    """Active at some time during `first..last`."""
    if contract.started_at is None or contract.started_at.date() > last:
        return False
    return contract.ended_at is None or contract.ended_at.date() >= first


def active_at(contract: ContractItem, moment: datetime) -> bool:
    if contract.started_at is None or contract.started_at > moment:
        return False
    return contract.ended_at is None or contract.ended_at > moment


def compute_metrics(
    aggregate: PeriodAggregate,
    contracts: Iterable[ContractItem],
    first: date,
    last: date,
    as_of: datetime,
) -> PeriodMetrics:
    contracts = list(contracts)
    rates = [c.hourly_rate for c in contracts if c.hourly_rate is not None and active_in(c, first, last)]
    sent = aggregate.proposals_sent
    return PeriodMetrics(
        proposals_sent=sent,
        proposals_viewed=aggregate.proposals_viewed,
        interviews=aggregate.interviews,
        proposals_won=aggregate.proposals_won,
        win_rate=ratio(aggregate.proposals_won, sent),
        view_rate=ratio(aggregate.proposals_viewed, sent),
        interview_rate=ratio(aggregate.interviews, sent),
        total_earnings=money(aggregate.earnings),
        payments_count=aggregate.payments_count,
        average_rate=money(sum(rates, Decimal(0)) / len(rates)) if rates else 0.0,
        active_contracts=sum(1 for c in contracts if active_at(c, as_of)),
    )


def trend(current: float, previous: float) -> MetricTrend:
    if previous == 0:
        change = 0.0 if current == 0 else None
    else:
        change = round((current - previous) / abs(previous) * 100, 1)
    direction: Direction = "up" if current > previous else "down" if current < previous else "flat"
    return MetricTrend(current=current, previous=previous, change_pct=change, direction=direction)


def trends(current: PeriodMetrics, previous: PeriodMetrics) -> dict[str, MetricTrend]:
    now, before = current.model_dump(), previous.model_dump()
    return {name: trend(float(now[name]), float(before[name])) for name in PeriodMetrics.model_fields}


def as_of_for(last: date, now: datetime) -> datetime:
    """The moment `active_contracts` is measured: the end of the range, or now if that is later."""
    return min(end_of(last), now)


# ---------------------------------------------------------------------------------------------- the use


def user_metrics(
    user_id: str, period: PeriodName = "monthly", day: date | None = None, *, now: datetime | None = None
) -> UserMetrics:
    now = now or clock.now()
    day = check_day(day or now.date())
    granularity = periods.BY_NAME[period]
    key, first, last = range_of(period, day)
    previous_key = periods.previous(granularity, key)
    previous_first, previous_last = periods.period_range(granularity, previous_key)

    aggregates = store.get_aggregates(user_id, granularity, [key, previous_key])
    contracts = store.contracts_started_by(user_id, last)

    current = compute_metrics(aggregates[key], contracts, first, last, as_of_for(last, now))
    before = compute_metrics(
        aggregates[previous_key], contracts, previous_first, previous_last, as_of_for(previous_last, now)
    )
    return UserMetrics(
        user_id=user_id,
        period=period,
        range=PeriodRange(from_=first, to=last),
        metrics=current,
        trends=trends(current, before),
    )
