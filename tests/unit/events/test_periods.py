"""Period keys and ranges: ISO weeks across year ends, month ends, leap days, UTC only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bidcraft.analytics import periods


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (date(2024, 12, 30), {"D": "2024-12-30", "W": "2025-W01", "M": "2024-12", "Y": "2024"}),
        (date(2021, 1, 3), {"D": "2021-01-03", "W": "2020-W53", "M": "2021-01", "Y": "2021"}),
        (date(2024, 2, 29), {"D": "2024-02-29", "W": "2024-W09", "M": "2024-02", "Y": "2024"}),
    ],
)
def test_period_keys(moment: date, expected: dict[str, str]) -> None:
    assert periods.period_keys(moment) == expected


def test_times_are_converted_to_utc_first() -> None:
    late_evening_in_new_york = datetime(2025, 3, 31, 21, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert periods.period_key("M", late_evening_in_new_york) == "2025-04"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        periods.period_key("D", datetime(2025, 1, 1))  # noqa: DTZ001 — the point of the test


@pytest.mark.parametrize(
    ("granularity", "key", "first", "last"),
    [
        ("D", "2025-03-07", date(2025, 3, 7), date(2025, 3, 7)),
        ("W", "2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
        ("M", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("M", "2024-12", date(2024, 12, 1), date(2024, 12, 31)),
        ("Y", "2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_period_range(granularity: periods.Granularity, key: str, first: date, last: date) -> None:
    assert periods.period_range(granularity, key) == (first, last)


@pytest.mark.parametrize(
    ("granularity", "key"), [("D", "2025-3-7"), ("W", "2025-03"), ("M", "2025"), ("Y", "25")]
)
def test_malformed_keys_are_refused(granularity: periods.Granularity, key: str) -> None:
    with pytest.raises(ValueError, match="period key"):
        periods.period_range(granularity, key)


def test_shift_and_previous() -> None:
    assert periods.previous("M", "2025-01") == "2024-12"
    assert periods.shift("M", "2024-11", 3) == "2025-02"
    assert periods.previous("W", "2025-W01") == "2024-W52"
    assert periods.previous("D", "2024-03-01") == "2024-02-29"
    assert periods.shift("Y", "2025", -2) == "2023"


def test_keys_between() -> None:
    assert list(periods.keys_between("M", date(2024, 11, 15), date(2025, 2, 1))) == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
    ]
    assert list(periods.keys_between("D", date(2025, 1, 2), date(2025, 1, 1))) == []


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)))  # noqa: DTZ001
def test_every_moment_lies_in_the_range_of_its_keys(moment: datetime) -> None:
    for granularity, key in periods.period_keys(moment).items():
        first, last = periods.period_range(granularity, key)
        assert first <= moment.date() <= last
        assert periods.shift(granularity, periods.previous(granularity, key), 1) == key
