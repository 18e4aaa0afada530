"""Backoff, the 24-hour window, SQS hops and quiet hours (time zones, midnight, DST)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bidcraft.alerts.schedule import MAX_SQS_DELAY_SECONDS, backoff, hop_delay, next_attempt, quiet_until
from bidcraft.alerts.spec import QuietHours

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_backoff_doubles_from_30_seconds_up_to_an_hour() -> None:
    waits = [backoff(n, random=lambda: 0.5).total_seconds() for n in range(1, 11)]

    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


@pytest.mark.parametrize(("draw", "seconds"), [(0.0, 24), (0.999999, 36)])
def test_jitter_spreads_a_wait_by_at_most_20_percent(draw: float, seconds: int) -> None:
    assert backoff(1, random=lambda: draw).total_seconds() == seconds


def test_no_retry_past_24_hours_after_creation() -> None:
    created = T0
    just_inside = created + timedelta(hours=23, minutes=59, seconds=30)

    assert next_attempt(created, just_inside - timedelta(seconds=1), 1, random=lambda: 0.5) is not None
    assert next_attempt(created, just_inside + timedelta(seconds=1), 1, random=lambda: 0.5) is None


def test_hops_never_exceed_the_sqs_maximum_delay() -> None:
    assert hop_delay(T0 + timedelta(hours=5), T0) == MAX_SQS_DELAY_SECONDS
    assert hop_delay(T0 + timedelta(seconds=42.2), T0) == 43
    assert hop_delay(T0 - timedelta(seconds=5), T0) == 0


def _quiet(start: str, end: str, zone: str = "Europe/Kyiv") -> QuietHours:
    return QuietHours(start=start, end=end, timezone=zone)


def test_quiet_hours_that_wrap_midnight_hold_until_the_local_morning() -> None:
    quiet = _quiet("22:00", "07:00")
    late_evening = datetime(2026, 1, 10, 21, 30, tzinfo=UTC)  # 23:30 in Kyiv (UTC+2)

    assert quiet_until(quiet, late_evening) == datetime(2026, 1, 11, 5, 0, tzinfo=UTC)  # 07:00 Kyiv
    early_morning = datetime(2026, 1, 11, 3, 0, tzinfo=UTC)  # 05:00 Kyiv
    assert quiet_until(quiet, early_morning) == datetime(2026, 1, 11, 5, 0, tzinfo=UTC)
    assert quiet_until(quiet, datetime(2026, 1, 11, 10, 0, tzinfo=UTC)) is None  # noon in Kyiv


def test_quiet_hours_follow_daylight_saving_time() -> None:
    quiet = _quiet("22:00", "07:00", "America/New_York")
    # The night DST starts in New York (2026-03-08): 07:00 EDT is 11:00 UTC, not 12:00.
    night = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST

    assert quiet_until(quiet, night) == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)


def test_a_daytime_window_and_an_empty_one() -> None:
    assert quiet_until(_quiet("12:00", "13:00", "UTC"), T0 + timedelta(minutes=5)) == T0 + timedelta(hours=1)
    assert quiet_until(_quiet("12:00", "12:00", "UTC"), T0) is None
    assert quiet_until(None, T0) is None


@pytest.mark.parametrize(
    ("start", "end", "zone"),
    [("25:00", "07:00", "UTC"), ("22:00", "7:00", "UTC"), ("22:00", "07:00", "Mars/Base")],
)
def test_invalid_quiet_hours_are_refused(start: str, end: str, zone: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        QuietHours(start=start, end=end, timezone=zone)
