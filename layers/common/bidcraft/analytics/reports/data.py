"""What a monthly performance report says, gathered once and rendered as PDF, CSV and charts.

Reads: the month's metrics and trends (`metrics.user_metrics`: one `BatchGetItem` + the bounded contracts
`Query`) and the month's day aggregates (one range `Query`, ≤ 31 items) — constant in the user's history.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from bidcraft import clock
from bidcraft.analytics import metrics, periods, store
from bidcraft.analytics.models import PeriodAggregate
from bidcraft.analytics.reports import charts
from bidcraft.analytics.reports.models import MONTH_PATTERN, ReportCategoryRow, ReportSummary
from bidcraft.analytics.views import View
from bidcraft.errors import Unprocessable

_MONTH = re.compile(MONTH_PATTERN)
TOP_CATEGORIES = 10
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class ReportDayRow(View):
    date: date
    sent: int
    won: int
    earnings: float


class ReportData(View):
    user_id: str
    summary: ReportSummary
    days: list[ReportDayRow]
    generated_at: datetime

    @property
    def title(self) -> str:
        year, month = self.summary.period.split("-")
        return f"Monthly performance - {MONTH_NAMES[int(month) - 1]} {year}"


def month_range(period: str) -> tuple[date, date]:
    years = range(metrics.EARLIEST_DAY.year, metrics.LATEST_DAY.year + 1)
    if not _MONTH.match(period) or int(period[:4]) not in years:
        raise Unprocessable(
            "period must be a month, YYYY-MM",
            errors=[{"loc": ["body", "period"], "msg": "expected YYYY-MM between 1970-01 and 2999-12"}],
        )
    return periods.period_range("M", period)


def categories(aggregates: list[PeriodAggregate]) -> list[ReportCategoryRow]:
    totals: dict[str, list[int]] = {}
    for aggregate in aggregates:
        for category, counts in aggregate.by_category.items():
            entry = totals.setdefault(category, [0, 0])
            entry[0] += counts.sent
            entry[1] += counts.won
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[0]))[:TOP_CATEGORIES]
    return [
        ReportCategoryRow(category=name, sent=sent, won=won, win_rate=metrics.ratio(won, sent))
        for name, (sent, won) in ranked
    ]


def day_rows(first: date, last: date, days: dict[str, PeriodAggregate]) -> list[ReportDayRow]:
    rows: list[ReportDayRow] = []
    for key in periods.keys_between("D", first, last):
        aggregate = days.get(key)
        rows.append(
            ReportDayRow(
                date=date.fromisoformat(key),
                sent=aggregate.proposals_sent if aggregate else 0,
                won=aggregate.proposals_won if aggregate else 0,
                earnings=metrics.money(aggregate.earnings if aggregate else Decimal(0)),
            )
        )
    return rows


def gather(user_id: str, period: str, *, now: datetime | None = None) -> ReportData:
    now = now or clock.now()
    first, last = month_range(period)
    result = metrics.user_metrics(user_id, "monthly", first, now=now)
    days = store.daily_aggregates(user_id, first, last)
    return ReportData(
        user_id=user_id,
        summary=ReportSummary(
            period=period,
            range=result.range,
            metrics=result.metrics,
            trends=result.trends,
            top_categories=categories(list(days.values())),
        ),
        days=day_rows(first, last, days),
        generated_at=now,
    )


def report_charts(data: ReportData) -> list[charts.Chart]:
    """The report's charts: funnel, daily activity, daily earnings, categories."""
    m = data.summary.metrics
    day_labels = [str(row.date.day) for row in data.days]
    result = [
        charts.funnel_chart(
            "funnel",
            "Proposal funnel",
            [
                ("Sent", m.proposals_sent),
                ("Viewed", m.proposals_viewed),
                ("Interviews", m.interviews),
                ("Won", m.proposals_won),
            ],
        ),
        charts.bar_chart(
            "daily_activity",
            "Proposals per day",
            day_labels,
            {"sent": [row.sent for row in data.days], "won": [row.won for row in data.days]},
        ),
        charts.line_chart(
            "daily_earnings",
            "Earnings per day (USD)",
            day_labels,
            {"earnings": [row.earnings for row in data.days]},
        ),
    ]
    rows = data.summary.top_categories
    if rows:
        result.append(
            charts.bar_chart(
                "categories",
                "Proposals by category",
                [row.category for row in rows],
                {"sent": [row.sent for row in rows], "won": [row.won for row in rows]},
            )
        )
    return result
