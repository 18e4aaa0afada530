"""The Upwork budget against the emulator's real TransactWriteItems: the per-second and per-day counters are
taken together or not at all. Interleavings are fixed (moto is not atomic under real thread races)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bidcraft import aws, config
from bidcraft.upwork import budget
from bidcraft.upwork.errors import UpworkRateLimited


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> Iterator[datetime]:
    """3 per second, 5 a day, at a moment of its own (no other test shares its counters)."""
    monkeypatch.setenv("UPWORK_RATE_PER_SECOND", "3")
    monkeypatch.setenv("UPWORK_DAILY_BUDGET", "5")
    config.reset()
    yield datetime(2090, 1, 1, tzinfo=UTC) + timedelta(days=random.randint(0, 20_000), seconds=7)
    config.reset()


def counter(sk: str) -> int | None:
    """A budget counter as stored (read with the low-level client: the wire format is what is checked)."""
    item = (
        aws.client("dynamodb")
        .get_item(
            TableName=os.environ["USERS_TABLE"],
            Key={"pk": {"S": "UPWORK_BUDGET"}, "sk": {"S": sk}},
            ConsistentRead=True,
        )
        .get("Item")
    )
    if not item:
        return None
    assert set(item) == {"pk", "sk", "c", "expires_at"}, item  # the same attributes and types as before
    assert "N" in item["expires_at"]
    return int(item["c"]["N"])


def test_second_quarter_and_day_windows_are_counted_together(small_budget: datetime) -> None:
    moment = small_budget
    now = lambda: moment  # noqa: E731
    slept: list[float] = []
    # Two requests fit in one quarter-second
    for _ in range(budget.PER_QUARTER):
        budget.acquire(now=now, sleep=slept.append)
    # A third in the same quarter, with no later quarter within its wait, is refused
    with pytest.raises(UpworkRateLimited):
        budget.acquire(now=now, sleep=slept.append, max_wait=0.2)
    second = f"S#{int(moment.timestamp())}"
    day = f"D#{moment.date().isoformat()}"
    assert counter(second) == 2
    assert counter(day) == 2  # the refused request took nothing from the day
    # The next quarter of the same second has room for one more: the second's limit of 3
    moment = moment + timedelta(seconds=0.25)
    budget.acquire(now=now, sleep=slept.append)
    with pytest.raises(UpworkRateLimited):
        budget.acquire(now=now, sleep=slept.append, max_wait=0.1)
    assert counter(second) == 3
    # The next second has room for two more — then the day is spent, and says until when
    moment = small_budget + timedelta(seconds=1)
    budget.acquire(now=now, sleep=slept.append)
    budget.acquire(now=now, sleep=slept.append)
    with pytest.raises(UpworkRateLimited) as spent:
        budget.acquire(now=now, sleep=slept.append)
    assert counter(day) == 5
    assert counter(f"S#{int(moment.timestamp())}") == 2
    assert spent.value.retry_after > 3600


def test_a_full_quarter_books_the_next_one_before_sleeping_until_it(small_budget: datetime) -> None:
    now = lambda: small_budget  # noqa: E731
    slept: list[float] = []
    for _ in range(budget.PER_QUARTER):
        budget.acquire(now=now, sleep=slept.append)
    # The third books the next quarter: its counters are taken before the caller sleeps until it starts
    quarter = f"Q#{int(small_budget.timestamp() * budget.QUARTERS_PER_SECOND) + 1}"
    booked: list[int | None] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        booked.append(counter(quarter))

    budget.acquire(now=now, sleep=sleep)
    assert booked == [1]
    assert slept == [pytest.approx(0.255)]
    assert counter(f"S#{int(small_budget.timestamp())}") == 3
    assert counter(f"D#{small_budget.date().isoformat()}") == 3


def test_day_left_reads_the_day_counter_the_slots_moved(small_budget: datetime) -> None:
    # Given a day with nothing spent, then two slots taken in it
    now = lambda: small_budget  # noqa: E731
    assert budget.day_left("interactive", now=now) == 5
    budget.acquire(now=now, sleep=lambda _: None)
    budget.acquire(now=now, sleep=lambda _: None)
    # Then what is left is the day's limit less those two, for people and (90 % of it) for polling
    assert budget.day_left("interactive", now=now) == 3
    assert budget.day_left("poll", now=now) == max(1, int(5 * budget.POLL_SHARE)) - 2
