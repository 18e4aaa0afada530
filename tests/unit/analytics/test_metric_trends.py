"""Metric definitions (API.md) and trends: change_pct and direction, including a previous value of 0."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bidcraft.analytics import metrics
from bidcraft.analytics.models import ContractItem, PeriodAggregate


def _contract(
    contract_id: str, started: str | None, ended: str | None = None, rate: str | None = None
) -> ContractItem:
    return ContractItem(
        user_id="u1",
        contract_id=contract_id,
        hourly_rate=Decimal(rate) if rate else None,
        started_at=datetime.fromisoformat(started) if started else None,
        ended_at=datetime.fromisoformat(ended) if ended else None,
    )


@pytest.mark.parametrize(
    ("current", "previous", "change_pct", "direction"),
    [
        (12, 10, 20.0, "up"),
        (5, 10, -50.0, "down"),
        (10, 10, 0.0, "flat"),
        (0, 0, 0.0, "flat"),
        (7, 0, None, "up"),  # no finite percentage from zero
        (0, 4, -100.0, "down"),
        (1, 3, -66.7, "down"),  # one decimal
        (0.25, 0.2, 25.0, "up"),
    ],
)
def test_trend(current: float, previous: float, change_pct: float | None, direction: str) -> None:
    # When
    found = metrics.trend(current, previous)

    # Then
    assert (found.current, found.previous) == (current, previous)
    assert found.change_pct == change_pct
    assert found.direction == direction


def test_metrics_from_an_aggregate_and_contracts() -> None:
    # Given January 2025: 10 sent, 6 viewed, 3 interviews, 2 won, $1234.567 in 3 payments
    aggregate = PeriodAggregate(
        user_id="u1",
        granularity="M",
        key="2025-01",
        proposals_sent=10,
        proposals_viewed=6,
        interviews=3,
        proposals_won=2,
        earnings=Decimal("1234.567"),
        payments_count=3,
    )
    contracts = [
        _contract("ended-before", "2024-06-01T00:00:00Z", "2024-12-31T10:00:00Z", "90"),
        _contract("during", "2025-01-10T00:00:00Z", "2025-01-20T00:00:00Z", "40"),
        _contract("open", "2024-11-01T00:00:00Z", None, "60"),
        _contract("fixed-price", "2025-01-05T00:00:00Z"),
        _contract("ends-on-last-day", "2024-01-01T00:00:00Z", "2025-01-31T12:00:00Z", "50"),
        _contract("later", "2025-02-03T00:00:00Z", None, "500"),
        _contract("placeholder", None, "2025-01-15T00:00:00Z", "70"),
    ]
    end = datetime(2025, 1, 31, 23, 59, 59, tzinfo=UTC)

    # When
    found = metrics.compute_metrics(aggregate, contracts, date(2025, 1, 1), date(2025, 1, 31), end)

    # Then
    assert found.proposals_sent == 10
    assert found.win_rate == 0.2
    assert found.view_rate == 0.6
    assert found.interview_rate == 0.3
    assert found.total_earnings == 1234.57
    assert found.payments_count == 3
    assert found.average_rate == 50.0  # (40 + 60 + 50) / 3: active in January with an hourly rate
    assert found.active_contracts == 2  # "open" and "fixed-price" at the end of January


def test_win_rate_is_zero_when_nothing_was_sent() -> None:
    empty = PeriodAggregate.empty("u1", "W", "2025-W01")
    found = metrics.compute_metrics(empty, [], date(2024, 12, 30), date(2025, 1, 5), datetime.now(UTC))
    assert (found.win_rate, found.average_rate, found.active_contracts) == (0.0, 0.0, 0)


def test_trends_cover_every_metric() -> None:
    empty = PeriodAggregate.empty("u1", "D", "2025-01-01")
    now = datetime(2025, 1, 2, tzinfo=UTC)
    current = metrics.compute_metrics(
        PeriodAggregate(user_id="u1", granularity="D", key="2025-01-02", proposals_sent=4, proposals_won=1),
        [],
        date(2025, 1, 2),
        date(2025, 1, 2),
        now,
    )
    before = metrics.compute_metrics(empty, [], date(2025, 1, 1), date(2025, 1, 1), now)

    found = metrics.trends(current, before)

    assert set(found) == set(metrics.PeriodMetrics.model_fields)
    assert found["proposals_sent"].change_pct is None
    assert found["proposals_sent"].direction == "up"
    assert found["total_earnings"].direction == "flat"


def test_date_range_serialises_as_from_and_to() -> None:
    found = metrics.PeriodRange(from_=date(2025, 1, 1), to=date(2025, 1, 31)).model_dump(
        mode="json", by_alias=True
    )
    assert found == {"from": "2025-01-01", "to": "2025-01-31"}
