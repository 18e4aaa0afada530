"""Calendar periods of the pre-aggregated counters: day, ISO week, month, year (all UTC).

A period is named by a granularity letter and a key: `D` `2025-03-07`, `W` `2025-W10` (ISO 8601 week, so
2024-12-30 belongs to `2025-W01`), `M` `2025-03`, `Y` `2025`. Aggregate items live at `AGG#<P>#<key>`.
Pure functions, no I/O: the write side (events) and the read side (analytics) share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Literal, get_args

Granularity = Literal["D", "W", "M", "Y"]
GRANULARITIES: tuple[Granularity, ...] = get_args(Granularity)

# API.md names (`period=daily|weekly|monthly|yearly`) → granularity letters.
BY_NAME: dict[str, Granularity] = {"daily": "D", "weekly": "W", "monthly": "M", "yearly": "Y"}

_KEY_PATTERNS: dict[Granularity, re.Pattern[str]] = {
    "D": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "W": re.compile(r"^(\d{4})-W(\d{2})$"),
    "M": re.compile(r"^(\d{4})-(\d{2})$"),
    "Y": re.compile(r"^(\d{4})$"),
}


def _day(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetimes are not accepted: pass a timezone-aware UTC time")
        return moment.astimezone(UTC).date()
    return moment


def period_key(granularity: Granularity, moment: datetime | date) -> str:
    """The key of the `granularity` period containing `moment` (a UTC-aware datetime or a date)."""
    day = _day(moment)
    if granularity == "D":
        return day.isoformat()
    if granularity == "W":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if granularity == "M":
        return f"{day.year:04d}-{day.month:02d}"
    if granularity == "Y":
        return f"{day.year:04d}"
    raise ValueError(f"unknown granularity {granularity!r}")


def period_keys(moment: datetime | date) -> dict[Granularity, str]:
    """All four period keys of `moment`: the aggregates one fact updates."""
    return {granularity: period_key(granularity, moment) for granularity in GRANULARITIES}


def period_range(granularity: Granularity, key: str) -> tuple[date, date]:
    """First and last day (inclusive) of the period `key`; ValueError for a malformed key."""
    match = _KEY_PATTERNS[granularity].match(key)
    if match is None:
        raise ValueError(f"{key!r} is not a {granularity} period key")
    parts = [int(part) for part in match.groups()]
    if granularity == "D":
        start = date(parts[0], parts[1], parts[2])
        return start, start
    if granularity == "W":
        start = date.fromisocalendar(parts[0], parts[1], 1)
        return start, start + timedelta(days=6)
    if granularity == "M":
        start = date(parts[0], parts[1], 1)
        following = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return start, following - timedelta(days=1)
    start = date(parts[0], 1, 1)
    return start, date(parts[0], 12, 31)


def shift(granularity: Granularity, key: str, steps: int) -> str:
    """The key `steps` periods after (negative: before) `key`: `shift("M", "2025-01", -1) == "2024-12"`."""
    start, _ = period_range(granularity, key)
    if granularity == "D":
        return period_key("D", start + timedelta(days=steps))
    if granularity == "W":
        return period_key("W", start + timedelta(weeks=steps))
    if granularity == "M":
        months = start.year * 12 + start.month - 1 + steps
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return f"{start.year + steps:04d}"


def previous(granularity: Granularity, key: str) -> str:
    return shift(granularity, key, -1)


def keys_between(granularity: Granularity, first: date, last: date) -> Iterator[str]:
    """The keys of every `granularity` period overlapping `first..last` (inclusive), oldest first."""
    if last < first:
        return
    key = period_key(granularity, first)
    final = period_key(granularity, last)
    while True:
        yield key
        if key == final:
            return
        key = shift(granularity, key, 1)
