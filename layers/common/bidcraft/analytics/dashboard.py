"""The main dashboard: a few widgets and a summary, from one `BatchGetItem`.

Reads the monthly aggregates of the last `MONTHS` calendar months (the current one included) and the user's
lifetime `SUMMARY` item (kept by the write side in the same transactions as the facts it counts): seven keys,
one call, whatever the length of the user's history.

The summary describes the **current calendar month (UTC)** — `total_earnings`, `win_rate` and
`proposals_sent` of the month so far — except `active_contracts`, which is the number active now.
"""

from __future__ import annotations

from datetime import datetime

from bidcraft import clock
from bidcraft.analytics import metrics, periods, store
from bidcraft.analytics.models import PeriodAggregate, Summary
from bidcraft.analytics.views import Dashboard, DashboardSummary, DashboardWidget

MONTHS = 6
TOP_CATEGORIES = 8


def _funnel(month: str, current: PeriodAggregate) -> DashboardWidget:
    stages = [
        ("sent", current.proposals_sent),
        ("viewed", current.proposals_viewed),
        ("interviews", current.interviews),
        ("won", current.proposals_won),
    ]
    return DashboardWidget(
        id="proposal_funnel",
        type="funnel",
        title="Proposal funnel this month",
        data={"period": month, "stages": [{"stage": name, "count": count} for name, count in stages]},
    )


def _earnings(months: list[str], aggregates: dict[str, PeriodAggregate]) -> DashboardWidget:
    return DashboardWidget(
        id="earnings_trend",
        type="line",
        title=f"Earnings, last {len(months)} months",
        data={
            "currency": "USD",
            "points": [{"period": m, "earnings": metrics.money(aggregates[m].earnings)} for m in months],
        },
    )


def _win_rate(months: list[str], aggregates: dict[str, PeriodAggregate]) -> DashboardWidget:
    rates = [metrics.ratio(aggregates[m].proposals_won, aggregates[m].proposals_sent) for m in months]
    change = metrics.trend(rates[-1], rates[-2]) if len(rates) > 1 else metrics.trend(rates[-1], rates[-1])
    return DashboardWidget(
        id="win_rate",
        type="stat",
        title="Win rate this month",
        data={
            "period": months[-1],
            "value": rates[-1],
            "previous": change.previous,
            "change_pct": change.change_pct,
            "direction": change.direction,
            "history": [{"period": m, "win_rate": r} for m, r in zip(months, rates, strict=True)],
        },
    )


def _by_category(months: list[str], aggregates: dict[str, PeriodAggregate]) -> DashboardWidget:
    totals: dict[str, list[int]] = {}
    for month in months:
        for category, counts in aggregates[month].by_category.items():
            entry = totals.setdefault(category, [0, 0])
            entry[0] += counts.sent
            entry[1] += counts.won
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[0]))
    rows = [{"category": c, "sent": s, "won": w} for c, (s, w) in ranked[:TOP_CATEGORIES]]
    rest = ranked[TOP_CATEGORIES:]
    if rest:
        rows.append(
            {"category": "other", "sent": sum(v[0] for _, v in rest), "won": sum(v[1] for _, v in rest)}
        )
    return DashboardWidget(
        id="proposals_by_category",
        type="bar",
        title=f"Proposals by category, last {len(months)} months",
        data={"from": months[0], "to": months[-1], "categories": rows},
    )


def _lifetime(summary: Summary) -> DashboardWidget:
    return DashboardWidget(
        id="lifetime_totals",
        type="stat_group",
        title="All time",
        data={
            "proposals_sent": summary.proposals_sent,
            "proposals_won": summary.proposals_won,
            "win_rate": metrics.ratio(summary.proposals_won, summary.proposals_sent),
            "total_earnings": metrics.money(summary.earnings),
            "contracts_total": summary.contracts_total,
        },
    )


def build(
    current_month: str, aggregates: dict[str, PeriodAggregate], summary: Summary, now: datetime
) -> Dashboard:
    """The dashboard from already-read items (pure: unit-tested without AWS)."""
    months = [periods.shift("M", current_month, step) for step in range(-(MONTHS - 1), 1)]
    current = aggregates[current_month]
    return Dashboard(
        widgets=[
            _funnel(current_month, current),
            _earnings(months, aggregates),
            _win_rate(months, aggregates),
            _by_category(months, aggregates),
            _lifetime(summary),
        ],
        summary=DashboardSummary(
            period=current_month,
            total_earnings=metrics.money(current.earnings),
            active_contracts=max(0, summary.active_contracts),
            win_rate=metrics.ratio(current.proposals_won, current.proposals_sent),
            proposals_sent=current.proposals_sent,
        ),
        generated_at=clock.iso(now),
    )


def main_dashboard(user_id: str, *, now: datetime | None = None) -> Dashboard:
    now = now or clock.now()
    current_month = periods.period_key("M", now)
    months = [periods.shift("M", current_month, step) for step in range(-(MONTHS - 1), 1)]
    counters = store.get_counters(user_id, "M", months, summary=True)
    return build(current_month, counters.aggregates, counters.summary or Summary(user_id=user_id), now)
