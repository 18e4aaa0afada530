"""Test-only builders of report data (no AWS)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bidcraft.analytics import metrics
from bidcraft.analytics.models import CategoryCounts, PeriodAggregate
from bidcraft.analytics.reports import data


def day_aggregate(
    day: str, sent: int, won: int, earnings: str = "0", **categories: tuple[int, int]
) -> PeriodAggregate:
    return PeriodAggregate(
        user_id="u1",
        granularity="D",
        key=day,
        proposals_sent=sent,
        proposals_won=won,
        earnings=Decimal(earnings),
        by_category={name: CategoryCounts(sent=s, won=w) for name, (s, w) in categories.items()},
    )


def report_data(categories: dict[str, tuple[int, int]] | None = None) -> data.ReportData:
    now = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)
    days = {
        "2025-01-02": day_aggregate("2025-01-02", 3, 1, "100.50", **(categories or {"Web": (3, 1)})),
        "2025-01-15": day_aggregate("2025-01-15", 2, 0, "0"),
    }
    month = PeriodAggregate(
        user_id="u1",
        granularity="M",
        key="2025-01",
        proposals_sent=5,
        proposals_viewed=3,
        proposals_won=1,
        earnings=Decimal("100.50"),
        payments_count=1,
    )
    before = PeriodAggregate(user_id="u1", granularity="M", key="2024-12", proposals_sent=4, proposals_won=2)
    current = metrics.compute_metrics(month, [], date(2025, 1, 1), date(2025, 1, 31), now)
    previous = metrics.compute_metrics(before, [], date(2024, 12, 1), date(2024, 12, 31), now)
    return data.ReportData(
        user_id="u1",
        summary=data.ReportSummary(
            period="2025-01",
            range=metrics.PeriodRange(from_=date(2025, 1, 1), to=date(2025, 1, 31)),
            metrics=current,
            trends=metrics.trends(current, previous),
            top_categories=data.categories(list(days.values())),
        ),
        days=data.day_rows(date(2025, 1, 1), date(2025, 1, 31), days),
        generated_at=now,
    )
