"""Period maths of the metrics route: calendar ranges, ISO weeks, year boundaries, supported days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bidcraft.analytics import metrics, periods
from bidcraft.errors import Unprocessable


@pytest.mark.parametrize(
    ("period", "day", "key", "first", "last"),
    [
        ("daily", date(2025, 3, 7), "2025-03-07", date(2025, 3, 7), date(2025, 3, 7)),
        ("weekly", date(2025, 3, 7), "2025-W10", date(2025, 3, 3), date(2025, 3, 9)),
        ("monthly", date(2024, 2, 10), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("monthly", date(2025, 2, 10), "2025-02", date(2025, 2, 1), date(2025, 2, 28)),
        ("monthly", date(2025, 12, 31), "2025-12", date(2025, 12, 1), date(2025, 12, 31)),
        ("yearly", date(2025, 6, 1), "2025", date(2025, 1, 1), date(2025, 12, 31)),
        # ISO weeks cross calendar years: Monday 2024-12-30 opens week 1 of 2025 ...
        ("weekly", date(2024, 12, 31), "2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
        # ... and 2021-01-03 (a Sunday) still belongs to week 53 of 2020.
        ("weekly", date(2021, 1, 3), "2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
    ],
)
def test_range_of_a_day_in_each_period(period: str, day: date, key: str, first: date, last: date) -> None:
    # When
    found = metrics.range_of(period, day)  # type: ignore[arg-type]

    # Then
    assert found == (key, first, last)


@pytest.mark.parametrize(
    ("granularity", "key", "previous"),
    [
        ("D", "2025-01-01", "2024-12-31"),
        ("D", "2024-03-01", "2024-02-29"),
        ("W", "2025-W01", "2024-W52"),
        ("W", "2021-W01", "2020-W53"),
        ("M", "2025-01", "2024-12"),
        ("Y", "2025", "2024"),
    ],
)
def test_previous_period_crosses_year_boundaries(granularity: str, key: str, previous: str) -> None:
    assert periods.previous(granularity, key) == previous  # type: ignore[arg-type]


def test_week_ranges_tile_the_calendar_without_gaps() -> None:
    # Given every ISO week of 2015..2026 (years with 52 and 53 weeks)
    key = periods.period_key("W", date(2015, 1, 1))
    _, previous_last = periods.period_range("W", key)
    for _ in range(52 * 12):
        # When we step to the next week
        key = periods.shift("W", key, 1)
        first, last = periods.period_range("W", key)

        # Then it starts the day after the previous one ended, on a Monday, and lasts 7 days
        assert (first - previous_last).days == 1
        assert first.isoweekday() == 1
        assert (last - first).days == 6
        previous_last = last


@pytest.mark.parametrize("day", [date(1969, 12, 31), date(3000, 1, 1), date(1, 1, 1)])
def test_days_outside_the_supported_range_are_422(day: date) -> None:
    with pytest.raises(Unprocessable) as caught:
        metrics.check_day(day)
    assert caught.value.errors == [{"loc": ["query", "date"], "msg": "out of the supported range"}]


def test_as_of_is_the_end_of_a_past_range_and_now_for_the_current_one() -> None:
    now = datetime(2025, 3, 7, 12, 0, tzinfo=UTC)
    assert metrics.as_of_for(date(2025, 2, 28), now) == datetime(2025, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)
    assert metrics.as_of_for(date(2025, 3, 31), now) == now
