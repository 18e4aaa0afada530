"""The dashboard from already-read items: widgets, summary of the current month, lifetime totals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bidcraft.analytics import dashboard, periods
from bidcraft.analytics.models import CategoryCounts, PeriodAggregate, Summary


def _month(
    key: str, sent: int = 0, won: int = 0, earnings: str = "0", **cats: tuple[int, int]
) -> PeriodAggregate:
    return PeriodAggregate(
        user_id="u1",
        granularity="M",
        key=key,
        proposals_sent=sent,
        proposals_viewed=sent // 2,
        proposals_won=won,
        earnings=Decimal(earnings),
        by_category={c: CategoryCounts(sent=s, won=w) for c, (s, w) in cats.items()},
    )


def test_dashboard() -> None:
    # Given six months ending January 2025
    now = datetime(2025, 1, 20, 8, 30, tzinfo=UTC)
    months = [periods.shift("M", "2025-01", step) for step in range(-5, 1)]
    aggregates = {m: _month(m) for m in months}
    aggregates["2024-12"] = _month("2024-12", 10, 5, "500", Web=(10, 5))
    aggregates["2025-01"] = _month("2025-01", 8, 2, "1200.25", Web=(5, 2), Design=(3, 0))
    summary = Summary(
        user_id="u1", proposals_sent=100, proposals_won=20, earnings=Decimal(9000), active_contracts=3
    )

    # When
    board = dashboard.build("2025-01", aggregates, summary, now)

    # Then
    assert board.generated_at == "2025-01-20T08:30:00Z"
    assert board.summary.model_dump() == {
        "period": "2025-01",
        "total_earnings": 1200.25,
        "active_contracts": 3,
        "win_rate": 0.25,
        "proposals_sent": 8,
    }
    widgets = {w.id: w for w in board.widgets}
    assert set(widgets) == {
        "proposal_funnel",
        "earnings_trend",
        "win_rate",
        "proposals_by_category",
        "lifetime_totals",
    }
    assert widgets["proposal_funnel"].data["stages"][0] == {"stage": "sent", "count": 8}
    points = widgets["earnings_trend"].data["points"]
    assert [p["period"] for p in points] == months
    assert points[-2:] == [
        {"period": "2024-12", "earnings": 500.0},
        {"period": "2025-01", "earnings": 1200.25},
    ]
    assert widgets["win_rate"].data["value"] == 0.25
    assert widgets["win_rate"].data["previous"] == 0.5
    assert widgets["win_rate"].data["direction"] == "down"
    assert widgets["proposals_by_category"].data["categories"] == [
        {"category": "Web", "sent": 15, "won": 7},
        {"category": "Design", "sent": 3, "won": 0},
    ]
    assert widgets["lifetime_totals"].data["win_rate"] == 0.2


def test_many_categories_fold_into_other() -> None:
    now = datetime(2025, 1, 20, tzinfo=UTC)
    months = [periods.shift("M", "2025-01", step) for step in range(-5, 1)]
    aggregates = {m: _month(m) for m in months}
    aggregates["2025-01"] = _month("2025-01", 12, 0, **{f"c{i:02d}": (i + 1, 0) for i in range(12)})

    board = dashboard.build("2025-01", aggregates, Summary(user_id="u1"), now)

    rows = next(w for w in board.widgets if w.id == "proposals_by_category").data["categories"]
    assert len(rows) == dashboard.TOP_CATEGORIES + 1
    assert rows[-1] == {"category": "other", "sent": 1 + 2 + 3 + 4, "won": 0}
