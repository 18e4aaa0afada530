"""Proposal analytics over a date range (`GET /api/analytics/proposals/{user_id}`).

The range is `date_from..date_to` (UTC days, both inclusive). Without them it is the whole history: from the
first month the user sent a proposal in (found from the year, then the month aggregates: two small queries)
to today; a user with no proposals gets the last 30 days.

The timeline's step follows the range's length (API.md): a day up to 92 days, an ISO week up to two years, a
month beyond. Every figure comes from the pre-aggregated counters, whose `cross_*` counters count proposals by
current status × category, so the `status` and `category` filters (alone or together) need no proposal reads:
- a bucket wholly inside the range is read from its own week or month aggregate;
- a bucket cut by the range's ends is summed from the day aggregates of the part inside.
That is at most three range queries (the middle buckets, the two partial ends), whatever the history's size.

Every figure describes the same set: proposals submitted in the range that match the filters (`status` = their
current status). `timeline[].sent` is how many were submitted in that step, `won` how many of them reached
`hired`; each point is dated by the first day of its step inside the range.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from bidcraft import clock
from bidcraft.analytics import metrics, periods, store
from bidcraft.analytics.models import CategoryCounts, PeriodAggregate
from bidcraft.analytics.views import ProposalAnalytics, ProposalTimelinePoint, StatusFilter, TimelineStep
from bidcraft.errors import Unprocessable

DEFAULT_RANGE_DAYS = 30  # when there is no history to cover
DAY_STEP_MAX_DAYS = 92
WEEK_STEP_MAX_DAYS = 731  # two years

_STEP_GRANULARITY: dict[TimelineStep, periods.Granularity] = {"day": "D", "week": "W", "month": "M"}


def first_activity(user_id: str) -> date | None:
    """The first day of the first month the user sent a proposal in (None: never)."""
    years = store.aggregates_between(user_id, "Y", "0000", "9999")
    active_years = sorted(key for key, aggregate in years.items() if aggregate.proposals_sent > 0)
    if not active_years:
        return None
    year = active_years[0]
    months = store.aggregates_between(user_id, "M", f"{year}-01", f"{year}-12")
    active_months = sorted(key for key, aggregate in months.items() if aggregate.proposals_sent > 0)
    return periods.period_range("M", active_months[0])[0] if active_months else date(int(year), 1, 1)


def resolve_range(
    date_from: date | None, date_to: date | None, today: date, history_start: date | None
) -> tuple[date, date]:
    """The inclusive day range asked for, defaults applied (the whole history); 422 when reversed."""
    last = date_to or (max(today, date_from) if date_from else today)
    default_first = history_start or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    first = date_from or min(default_first, last)
    metrics.check_day(first, "date_from")
    metrics.check_day(last, "date_to")
    if first > last:
        raise Unprocessable(
            "date_from is after date_to",
            errors=[{"loc": ["query", "date_from"], "msg": "must not be after date_to"}],
        )
    return first, last


def step_for(first: date, last: date) -> TimelineStep:
    days = (last - first).days + 1
    if days <= DAY_STEP_MAX_DAYS:
        return "day"
    return "week" if days <= WEEK_STEP_MAX_DAYS else "month"


def buckets(first: date, last: date, step: TimelineStep) -> list[tuple[str, date, date]]:
    """Each step of the timeline: its period key and its days inside `first..last`."""
    granularity = _STEP_GRANULARITY[step]
    found = []
    for key in periods.keys_between(granularity, first, last):
        start, end = periods.period_range(granularity, key)
        found.append((key, max(start, first), min(end, last)))
    return found


def _whole(granularity: periods.Granularity, key: str, start: date, end: date) -> bool:
    return periods.period_range(granularity, key) == (start, end)


def _matching(
    aggregate: PeriodAggregate, status: StatusFilter, category: str | None
) -> Iterator[tuple[str, str, CategoryCounts]]:
    for current, categories in aggregate.by_status_category.items():
        if status != "all" and current != status:
            continue
        for name, counts in categories.items():
            if category is None or name == category:
                yield current, name, counts


def figures(
    first: date,
    last: date,
    step: TimelineStep,
    aggregates: dict[tuple[periods.Granularity, str], PeriodAggregate],
    status: StatusFilter = "all",
    category: str | None = None,
) -> ProposalAnalytics:
    """The figures over `first..last` from the aggregates at hand, by granularity and key (missing: none)."""
    granularity = _STEP_GRANULARITY[step]
    by_status: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    timeline: list[ProposalTimelinePoint] = []
    for key, start, end in buckets(first, last, step):
        if _whole(granularity, key, start, end):
            sources = [aggregates.get((granularity, key))]
        else:
            sources = [aggregates.get(("D", day.isoformat())) for day in _days(start, end)]
        sent = won = 0
        for aggregate in sources:
            if aggregate is None:
                continue
            for current, name, counts in _matching(aggregate, status, category):
                by_status[current] += counts.sent
                by_category[name] += counts.sent
                sent += counts.sent
                won += counts.won
        timeline.append(ProposalTimelinePoint(date=start, sent=sent, won=won))
    return ProposalAnalytics(
        total_proposals=sum(point.sent for point in timeline),
        by_status={name: n for name, n in sorted(by_status.items()) if n},
        by_category={name: n for name, n in sorted(by_category.items()) if n},
        granularity=step,
        timeline=timeline,
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def read_aggregates(
    user_id: str, first: date, last: date, step: TimelineStep
) -> dict[tuple[periods.Granularity, str], PeriodAggregate]:
    """The aggregates `figures` needs: at most three range queries (see the module docstring)."""
    granularity = _STEP_GRANULARITY[step]
    steps = buckets(first, last, step)
    whole = [key for key, start, end in steps if _whole(granularity, key, start, end)]
    partial = [(start, end) for key, start, end in steps if not _whole(granularity, key, start, end)]
    found: dict[tuple[periods.Granularity, str], PeriodAggregate] = {}
    if whole:
        for key, aggregate in store.aggregates_between(user_id, granularity, whole[0], whole[-1]).items():
            found[(granularity, key)] = aggregate
    for start, end in partial:
        for key, aggregate in store.daily_aggregates(user_id, start, end).items():
            found[("D", key)] = aggregate
    return found


def proposal_analytics(
    user_id: str,
    *,
    status: StatusFilter = "all",
    category: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> ProposalAnalytics:
    history_start = first_activity(user_id) if date_from is None else None
    first, last = resolve_range(date_from, date_to, (now or clock.now()).date(), history_start)
    step = step_for(first, last)
    return figures(first, last, step, read_aggregates(user_id, first, last, step), status, category or None)
