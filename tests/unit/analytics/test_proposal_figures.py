"""Proposal analytics: the range and step rules, and figures read back from what the write side counts.

The aggregates here are made by the events' own counting rules (`rules.contribution`), so the read side is
checked against the write side, not against hand-made counters.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, get_args

import pytest

from bidcraft.analytics import periods, proposals
from bidcraft.analytics.models import STATUSES, PeriodAggregate, ProposalItem, aggregate_sk
from bidcraft.errors import Unprocessable
from bidcraft.events import rules

TODAY = date(2025, 3, 15)


def test_status_filter_lists_every_status() -> None:
    assert get_args(proposals.StatusFilter) == ("all", *STATUSES)


@pytest.mark.parametrize(
    ("date_from", "date_to", "history", "expected"),
    [
        (None, None, date(2019, 6, 1), (date(2019, 6, 1), TODAY)),  # the whole history
        (None, None, None, (date(2025, 2, 14), TODAY)),  # no history: the last 30 days
        (date(2025, 3, 1), None, None, (date(2025, 3, 1), TODAY)),
        (None, date(2025, 1, 31), date(2024, 11, 1), (date(2024, 11, 1), date(2025, 1, 31))),
        (date(2015, 1, 1), date(2024, 12, 31), None, (date(2015, 1, 1), date(2024, 12, 31))),  # 10 years
        (date(2025, 4, 1), None, None, (date(2025, 4, 1), date(2025, 4, 1))),
    ],
)
def test_range_defaults(
    date_from: date | None, date_to: date | None, history: date | None, expected: tuple[date, date]
) -> None:
    assert proposals.resolve_range(date_from, date_to, TODAY, history) == expected


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [(date(2025, 3, 2), date(2025, 3, 1)), (date(1969, 1, 1), date(1969, 1, 2))],
)
def test_bad_ranges_are_422(date_from: date, date_to: date) -> None:
    with pytest.raises(Unprocessable) as caught:
        proposals.resolve_range(date_from, date_to, TODAY, None)
    assert caught.value.errors


@pytest.mark.parametrize(
    ("days", "step"),
    [(1, "day"), (92, "day"), (93, "week"), (731, "week"), (732, "month"), (3650, "month")],
)
def test_the_step_follows_the_range(days: int, step: str) -> None:
    first = date(2020, 1, 1)
    assert proposals.step_for(first, first + timedelta(days=days - 1)) == step


def _proposal(n: int, day: date, status: str, category: str | None = "Web") -> ProposalItem:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return ProposalItem(
        user_id="u1",
        proposal_id=f"p{n}",
        category=category,
        submitted_at=at,
        status=status,
        status_at=at,
        reached=rules.implied_milestones(status),
        updated_event_at=at,
    )


def _aggregates(items: list[ProposalItem]) -> dict[tuple[periods.Granularity, str], PeriodAggregate]:
    """Every period aggregate the write side would hold for `items`, read back through `from_item`."""
    counters: dict[tuple[Any, str], dict[str, int | Decimal]] = defaultdict(dict)
    for item in items:
        for key, deltas in rules.contribution(item).aggregates.items():
            for attribute, amount in deltas.items():
                counters[key][attribute] = counters[key].get(attribute, 0) + amount
    return {
        key: PeriodAggregate.from_item({"sk": aggregate_sk(*key), "user_id": "u1", **values})
        for key, values in counters.items()
    }


HISTORY = [
    _proposal(1, date(2025, 1, 2), "hired"),
    _proposal(2, date(2025, 1, 2), "declined"),
    _proposal(3, date(2025, 1, 3), "declined", "Design"),
    _proposal(4, date(2025, 1, 3), "viewed"),
    _proposal(5, date(2024, 12, 31), "hired"),
    _proposal(6, date(2024, 3, 10), "hired", None),
]


def test_daily_figures_count_the_range_only() -> None:
    found = proposals.figures(date(2025, 1, 1), date(2025, 1, 3), "day", _aggregates(HISTORY))
    assert found.total_proposals == 4
    assert found.granularity == "day"
    assert found.by_status == {"declined": 2, "hired": 1, "viewed": 1}
    assert found.by_category == {"Design": 1, "Web": 3}
    assert [(p.date.day, p.sent, p.won) for p in found.timeline] == [(1, 0, 0), (2, 2, 1), (3, 2, 0)]


@pytest.mark.parametrize(
    ("status", "category", "total", "won"),
    [
        ("all", None, 6, 3),
        ("all", "Web", 4, 2),
        ("hired", None, 3, 3),
        ("declined", "Design", 1, 0),
        ("declined", "Web", 1, 0),
        ("all", "Uncategorized", 1, 1),
        ("withdrawn", None, 0, 0),
    ],
)
def test_filters_are_answered_from_the_aggregates(
    status: proposals.StatusFilter, category: str | None, total: int, won: int
) -> None:
    first, last = date(2024, 1, 1), date(2025, 3, 15)
    found = proposals.figures(first, last, "week", _aggregates(HISTORY), status, category)
    assert found.total_proposals == total
    assert sum(point.won for point in found.timeline) == won
    assert sum(found.by_status.values()) == total
    assert sum(found.by_category.values()) == total


@pytest.mark.parametrize("step", ["day", "week", "month"])
def test_partial_steps_at_the_ends_are_exact(step: proposals.TimelineStep) -> None:
    # Given a range that starts and ends inside a week and a month
    first, last = date(2025, 1, 2), date(2025, 1, 2) + timedelta(days=50)
    # Then the totals are those of the days inside it, whatever the step
    found = proposals.figures(first, last, step, _aggregates(HISTORY))
    assert found.total_proposals == 4
    assert found.timeline[0].date == first
    assert [p.date for p in found.timeline] == sorted(p.date for p in found.timeline)


def test_a_month_step_dates_each_point_by_its_first_day_in_range() -> None:
    found = proposals.figures(date(2019, 6, 15), date(2025, 3, 15), "month", _aggregates(HISTORY))
    assert found.timeline[0].date == date(2019, 6, 15)
    assert found.timeline[1].date == date(2019, 7, 1)
    assert len(found.timeline) == (2025 - 2019) * 12 + (3 - 6) + 1
    assert found.total_proposals == len(HISTORY)


def test_reads_are_bounded_by_the_steps_not_the_history(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given ten years of range at a monthly step
    calls: list[tuple[str, str, str]] = []

    def fake(user_id: str, granularity: str, lo: str, hi: str) -> dict[str, PeriodAggregate]:
        calls.append((granularity, lo, hi))
        return {}

    monkeypatch.setattr(proposals.store, "aggregates_between", fake)
    monkeypatch.setattr(
        proposals.store, "daily_aggregates", lambda u, a, b: fake(u, "D", a.isoformat(), b.isoformat())
    )
    # When the aggregates of a range cut at both ends are read
    proposals.read_aggregates("u1", date(2015, 1, 10), date(2025, 3, 15), "month")
    # Then: one query for the whole months, one per cut end
    assert calls == [
        ("M", "2015-02", "2025-02"),
        ("D", "2015-01-10", "2015-01-31"),
        ("D", "2025-03-01", "2025-03-15"),
    ]
