"""The service-wide Upwork budget: all counters or none, waits for the next slot, never over the limits.

The DynamoDB client is an in-memory fake with the conditional-ADD semantics of `TransactWriteItems` (all
conditions checked first, then all updates); its races are tested as fixed interleavings in the integration
suite's emulator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bidcraft import config
from bidcraft.errors import ConfigurationError
from bidcraft.tables.users import UpworkBudgetCounter
from bidcraft.upwork import budget
from bidcraft.upwork.errors import UpworkRateLimited


class FakeDynamo:
    """The botocore client under the budget's PynamoDB model: `TransactWriteItems` of conditional `ADD`s
    (`c < limit`), all conditions checked before any counter moves."""

    _request_signer = None  # what PynamoDB's connection checks before reusing a client

    def __init__(self) -> None:
        self.counters: dict[tuple[str, str], int] = {}
        self.calls = 0
        self.failures = 0  # the next calls that fail as an overloaded table would

    def _make_api_call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        assert operation == "TransactWriteItems", operation
        if self.failures:
            self.failures -= 1
            self.calls += 1
            error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}
            raise ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]
        return self.transact_write_items(request["TransactItems"])

    @staticmethod
    def _limit(update: dict[str, Any]) -> int:
        (value,) = re.findall(r"< (:\w+)", update["ConditionExpression"])
        return int(update["ExpressionAttributeValues"][value]["N"])

    def transact_write_items(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls += 1
        reasons = []
        for item in items:
            update = item["Update"]
            key = (update["Key"]["pk"]["S"], update["Key"]["sk"]["S"])
            ok = self.counters.get(key, 0) < self._limit(update)
            reasons.append({"Code": "None" if ok else "ConditionalCheckFailed"})
        if any(r["Code"] != "None" for r in reasons):
            error = {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": reasons}
            raise ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]
        for item in items:
            update = item["Update"]
            key = (update["Key"]["pk"]["S"], update["Key"]["sk"]["S"])
            self.counters[key] = self.counters.get(key, 0) + 1
        return {}


class Clock:
    def __init__(self, start: datetime) -> None:
        self.moment = start
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def dynamo(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDynamo]:
    fake = FakeDynamo()
    monkeypatch.setenv("USERS_TABLE", "users")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the fake stands in for the client, built first
    monkeypatch.setenv("UPWORK_RATE_PER_SECOND", "8")
    monkeypatch.setenv("UPWORK_DAILY_BUDGET", "20")
    config.reset()
    monkeypatch.setattr(UpworkBudgetCounter._get_connection().connection, "_client", fake)
    yield fake
    config.reset()


def test_two_per_quarter_second_then_the_third_waits_for_the_next_quarter(dynamo: FakeDynamo) -> None:
    clock = Clock(datetime(2026, 12, 1, 12, 0, 0, 100_000, tzinfo=UTC))
    for _ in range(2):
        budget.acquire(now=clock.now, sleep=clock.sleep)
    assert clock.slept == []
    budget.acquire(now=clock.now, sleep=clock.sleep)
    assert len(clock.slept) == 1
    assert 0.15 <= clock.slept[0] <= 0.16  # to 12:00:00.250, the next quarter


def test_no_sliding_second_ever_holds_more_than_upworks_ten_and_the_rate_holds(
    dynamo: FakeDynamo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPWORK_DAILY_BUDGET", "36000")
    config.reset()
    # Given callers that take slots as fast as the budget lets them, for ten seconds from an odd offset
    clock = Clock(datetime(2026, 12, 1, 12, 0, 0, 730_000, tzinfo=UTC))
    granted: list[float] = []
    while clock.moment < datetime(2026, 12, 1, 12, 0, 10, 730_000, tzinfo=UTC):
        budget.acquire(now=clock.now, sleep=clock.sleep)
        granted.append(clock.moment.timestamp())
        clock.moment += timedelta(milliseconds=7)  # each request takes a little time
    # Then any sliding second (Upwork may count that way) holds at most 10, and each calendar second at most 8
    assert max(sum(1 for t in granted if start <= t < start + 1.0) for start in granted) <= 10
    per_second: dict[int, int] = {}
    for t in granted:
        per_second[int(t)] = per_second.get(int(t), 0) + 1
    assert max(per_second.values()) <= 8


def test_the_day_is_never_exceeded_and_says_when_to_come_back(dynamo: FakeDynamo) -> None:
    clock = Clock(datetime(2026, 12, 1, 23, 59, 0, tzinfo=UTC))
    for _ in range(20):
        budget.acquire(now=clock.now, sleep=clock.sleep)  # the slots' waits move the clock on
    with pytest.raises(UpworkRateLimited) as refused:
        budget.acquire(now=clock.now, sleep=clock.sleep)
    assert refused.value.code == "BUDGET"
    assert refused.value.retry_after <= 61  # until midnight UTC
    assert dynamo.counters[("UPWORK_BUDGET", "D#2026-12-01")] == 20


def test_the_poller_stops_at_its_share_of_the_day(dynamo: FakeDynamo) -> None:
    clock = Clock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    for _ in range(int(20 * budget.POLL_SHARE)):
        budget.acquire("poll", now=clock.now, sleep=clock.sleep)
    with pytest.raises(UpworkRateLimited):
        budget.acquire("poll", now=clock.now, sleep=clock.sleep)
    budget.acquire("interactive", now=clock.now, sleep=clock.sleep)  # people still get through


def test_background_work_leaves_a_quarter_of_every_second_to_people(dynamo: FakeDynamo) -> None:
    # Given a sync taking slots as fast as the budget lets it, from the start of a second
    clock = Clock(datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC))
    for _ in range(budget.background_per_second(8)):
        budget.acquire("sync", now=clock.now, sleep=clock.sleep)
    assert budget.background_per_second(8) == 6
    assert clock.moment.second == 0  # six slots in three quarters
    # When a person's sign-in needs two requests in the same second
    person = Clock(clock.moment)
    for _ in range(2):
        budget.acquire("interactive", now=person.now, sleep=person.sleep)
    # Then both get through within it (one wait for the next quarter), where the sync may take no more
    assert person.moment.second == 0
    assert sum(person.slept) < 0.3
    assert dynamo.counters[("UPWORK_BUDGET", "S#" + str(int(clock.moment.timestamp())))] == 8
    # And the sync's next request waits for the next second in one step (no attempt every quarter)
    calls = dynamo.calls
    budget.acquire("sync", now=clock.now, sleep=clock.sleep)
    assert clock.moment.second == 1
    assert dynamo.calls == calls + 2  # refused once, granted once


@pytest.mark.parametrize(("rate", "background"), [(1, 1), (2, 1), (4, 3), (8, 6), (10, 8)])
def test_the_background_share_keeps_at_least_one_slot_for_people_when_it_can(
    rate: int, background: int
) -> None:
    assert budget.background_per_second(rate) == background


def test_the_sync_reads_upwork_as_background_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from bidcraft.auth import upwork_client
    from bidcraft.sync import runner

    built: list[str] = []
    monkeypatch.setattr(upwork_client, "graphql", lambda purpose="interactive": built.append(purpose))
    runner._graphql()
    assert built == ["sync"]
    taken: list[str] = []
    monkeypatch.setattr(budget, "acquire", lambda purpose="interactive", **_: taken.append(purpose))
    upwork_client._default_http.cache_clear()
    try:
        for purpose in ("sync", "interactive"):
            (hook,) = upwork_client.http(purpose).event_hooks["request"]
            hook(None)
    finally:
        upwork_client._default_http.cache_clear()
    assert taken == ["sync", "interactive"]


def test_a_caller_turned_away_books_the_next_slot_and_is_not_overtaken(dynamo: FakeDynamo) -> None:
    # Given syncs that have used their share of second 0
    clock = Clock(datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC))
    for _ in range(budget.background_per_second(8)):
        budget.acquire("sync", now=clock.now, sleep=clock.sleep)
    racers = [Clock(datetime(2026, 12, 1, 12, 0, 1, tzinfo=UTC)) for _ in range(2)]

    class Poller(Clock):
        def sleep(self, seconds: float) -> None:
            # while the poller sleeps, two syncs race for the very start of second 1 (a fixed interleaving)
            for racer in racers:
                budget.acquire("sync", now=racer.now, sleep=racer.sleep)
            racers.clear()
            super().sleep(seconds)

    # When the poller asks in that second
    poller = Poller(clock.moment)
    budget.acquire("poll", now=poller.now, sleep=poller.sleep)
    # Then it is served at the start of second 1, in the slot it booked before sleeping: one sync shares the
    # quarter with it, the other was sent on to the next quarter
    assert poller.moment == datetime(2026, 12, 1, 12, 0, 1, 5_000, tzinfo=UTC)
    assert len(poller.slept) == 1
    second_1 = str(int(poller.moment.timestamp()))
    assert dynamo.counters[("UPWORK_BUDGET", "S#" + second_1)] == 3


def test_nothing_free_within_the_longest_wait_is_refused_at_once(dynamo: FakeDynamo) -> None:
    # Given every second within the longest wait already full
    clock = Clock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    first = int(clock.moment.timestamp())
    for second in range(first, first + int(budget.MAX_WAIT_SECONDS) + 2):
        dynamo.counters[("UPWORK_BUDGET", f"S#{second}")] = 8
    # Then a request is refused without sleeping first, after one attempt per second it could have waited for
    with pytest.raises(UpworkRateLimited) as refused:
        budget.acquire(now=clock.now, sleep=clock.sleep)
    assert refused.value.retry_after == 1
    assert refused.value.code == "BUDGET"
    assert clock.slept == []
    assert dynamo.calls == int(budget.MAX_WAIT_SECONDS)
    # And once the seconds have room again, it is served at once
    dynamo.counters.clear()
    budget.acquire(now=clock.now, sleep=clock.sleep)
    assert clock.slept == []


def test_a_failing_store_is_asked_again_a_quarter_later_not_at_once(dynamo: FakeDynamo) -> None:
    # Given a counter table that fails twice (botocore's own retries spent), then recovers
    clock = Clock(datetime(2026, 12, 1, 8, 0, 0, 100_000, tzinfo=UTC))
    dynamo.failures = 2
    # Then the slot is taken on the third attempt, each a quarter later, nothing booked ahead in between
    budget.acquire(now=clock.now, sleep=clock.sleep)
    assert dynamo.calls == 3
    assert clock.slept == [pytest.approx(0.155), pytest.approx(0.25)]  # asked again only after each wait
    assert clock.moment == datetime(2026, 12, 1, 8, 0, 0, 505_000, tzinfo=UTC)
    # And a store that stays down is given up on after the longest wait, refused rather than let through
    dynamo.failures = 1_000
    with pytest.raises(UpworkRateLimited):
        budget.acquire(now=clock.now, sleep=clock.sleep)
    assert dynamo.calls - 3 == 1 + budget.MAX_WAIT_SECONDS * budget.QUARTERS_PER_SECOND  # one a quarter
    assert dynamo.counters[("UPWORK_BUDGET", f"D#{clock.moment.date().isoformat()}")] == 1


@pytest.mark.parametrize(
    ("name", "value"), [("UPWORK_RATE_PER_SECOND", "11"), ("UPWORK_DAILY_BUDGET", "40001")]
)
def test_limits_above_upworks_are_a_configuration_error(
    dynamo: FakeDynamo, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    config.reset()
    with pytest.raises(ConfigurationError):
        budget.acquire()


def test_the_http_hook_takes_a_slot_per_request(dynamo: FakeDynamo) -> None:
    import httpx2

    from bidcraft.upwork.http import make_client

    client = make_client(
        transport=httpx2.MockTransport(lambda request: httpx2.Response(200, json={})),
        before_request=budget.hook("interactive"),
    )
    for _ in range(3):
        client.get("http://upwork.test/graphql")
    day = next(count for (_, sk), count in dynamo.counters.items() if sk.startswith("D#"))
    assert day == 3  # one slot per request (the third waited for the next quarter-second)


def test_every_upwork_client_the_service_builds_goes_through_the_budget() -> None:
    """A `make_client(...)` in deployed code without the budget hook would send requests nobody counts."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    calls = []
    for base in (root / "layers" / "common" / "bidcraft", root / "functions"):
        for path in base.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"(?<!def )\bmake_client\(([^)]*)\)", text):
                calls.append((path.relative_to(root), match.group(1)))
    assert len(calls) >= 3  # auth (sign-in, refresh, sync), market data, jobs
    assert [str(path) for path, args in calls if "before_request=" not in args] == []
