"""Proposal analytics figures: the range rules, aggregates and the filtered path agree."""

from __future__ import annotations

from datetime import date
from typing import get_args

import pytest

from bidcraft.analytics import proposals
from bidcraft.analytics.models import STATUSES
from bidcraft.errors import Unprocessable
from tests.unit.analytics.report_builders import day_aggregate

TODAY = date(2025, 3, 15)


def test_status_filter_lists_every_status() -> None:
    assert get_args(proposals.StatusFilter) == ("all", *STATUSES)


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        (None, None, (date(2025, 2, 14), TODAY)),  # the last 30 days
        (date(2025, 3, 1), None, (date(2025, 3, 1), TODAY)),
        (None, date(2025, 1, 31), (date(2025, 1, 2), date(2025, 1, 31))),
        (date(2024, 1, 1), date(2024, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),  # 366 days: allowed
        (date(2025, 4, 1), None, (date(2025, 4, 1), date(2025, 4, 1))),
    ],
)
def test_range_defaults(date_from: date | None, date_to: date | None, expected: tuple[date, date]) -> None:
    assert proposals.resolve_range(date_from, date_to, TODAY) == expected


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (date(2025, 1, 1), date(2026, 1, 2)),  # 367 days
        (date(2025, 3, 2), date(2025, 3, 1)),  # reversed
        (date(1969, 1, 1), date(1969, 1, 2)),
    ],
)
def test_bad_ranges_are_422(date_from: date, date_to: date) -> None:
    with pytest.raises(Unprocessable) as caught:
        proposals.resolve_range(date_from, date_to, TODAY)
    assert caught.value.errors


def test_from_aggregates() -> None:
    days = {
        "2025-01-02": day_aggregate("2025-01-02", 3, 1, Web=(2, 1), Design=(1, 0)),
        "2025-01-04": day_aggregate("2025-01-04", 1, 0, Web=(1, 0)),
    }
    days["2025-01-02"] = days["2025-01-02"].model_copy(update={"by_status": {"hired": 1, "declined": 2}})

    found = proposals.from_aggregates(date(2025, 1, 1), date(2025, 1, 5), days)

    assert found.total_proposals == 4
    assert found.by_status == {"declined": 2, "hired": 1}
    assert found.by_category == {"Design": 1, "Web": 3}
    assert [(p.date.day, p.sent, p.won) for p in found.timeline] == [
        (1, 0, 0),
        (2, 3, 1),
        (3, 0, 0),
        (4, 1, 0),
        (5, 0, 0),
    ]


PROPOSALS = [
    {
        "submitted_at": "2025-01-02T10:00:00Z",
        "status": "hired",
        "category": "Web",
        "reached": {"viewed", "hired"},
    },
    {"submitted_at": "2025-01-02T11:00:00Z", "status": "archived", "category": "Web", "reached": {"hired"}},
    {"submitted_at": "2025-01-03T09:00:00Z", "status": "declined", "category": "Design"},
    {"submitted_at": "2025-01-03T09:30:00Z", "status": "viewed", "category": "Web", "reached": {"viewed"}},
    {"submitted_at": "2024-12-31T23:59:59Z", "status": "hired", "category": "Web"},  # outside the range
]


def test_from_proposals_by_category() -> None:
    found = proposals.from_proposals(date(2025, 1, 1), date(2025, 1, 3), PROPOSALS, "all", "Web")
    assert found.total_proposals == 3
    assert found.by_status == {"archived": 1, "hired": 1, "viewed": 1}
    assert found.by_category == {"Web": 3}
    assert [(p.sent, p.won) for p in found.timeline] == [(0, 0), (2, 2), (1, 0)]


def test_from_proposals_by_current_status() -> None:
    found = proposals.from_proposals(date(2025, 1, 1), date(2025, 1, 3), PROPOSALS, "hired", None)
    assert found.total_proposals == 1
    assert found.by_status == {"hired": 1}
    assert found.by_category == {"Web": 1}


def test_both_paths_agree_on_the_same_facts() -> None:
    # Given the same proposals as aggregates would count them
    days = {
        "2025-01-02": day_aggregate("2025-01-02", 2, 2, Web=(2, 2)).model_copy(
            update={"by_status": {"hired": 1, "archived": 1}}
        ),
        "2025-01-03": day_aggregate("2025-01-03", 2, 0, Web=(1, 0), Design=(1, 0)).model_copy(
            update={"by_status": {"declined": 1, "viewed": 1}}
        ),
    }
    first, last = date(2025, 1, 1), date(2025, 1, 3)

    # Then the unfiltered figures are the same either way
    assert proposals.from_aggregates(first, last, days) == proposals.from_proposals(
        first, last, PROPOSALS, "all", None
    )
