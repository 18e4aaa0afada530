"""A receiver that fails every request, over a simulated day: attempts, spacing, and how it ends.

The worker runs on in-memory ports (tests/unit/alerts/fakes.py) and a fake clock; the fake queue hands
messages back at `sent + DelaySeconds`, exactly as SQS would, and refuses delays over 900 s — so long
backoffs must travel as several hops. Jitter is pinned to its midpoint, so the spacing is the schedule's.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bidcraft.alerts import schedule, worker
from bidcraft.alerts.queue import DeliveryMessage
from bidcraft.alerts.senders import Outgoing, SendResult
from bidcraft.alerts.worker import DeliveryWorker
from tests.unit.alerts.fakes import FakeAlertsStore, FakeClock, FakeQueue, iso

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
USER, CHANNEL, DELIVERY = "u-retry", "ch_" + "a" * 24, "dl_" + "b" * 24


def _run_day(store: FakeAlertsStore) -> tuple[list[tuple[float, int, str]], list[tuple[str, int]], FakeQueue]:
    clock = FakeClock(START)
    queue = FakeQueue(clock)
    sent: list[datetime] = []
    audits: list[tuple[str, int]] = []

    def failing_receiver(out: Outgoing) -> SendResult:
        sent.append(clock())
        return SendResult(False, 503, "http_503")

    delivery_worker = DeliveryWorker(
        store=store,
        queue_send=queue,
        send=failing_receiver,
        audit_disabled=lambda user, channel, failures, error, delivery: audits.append((channel, failures)),
        unseal=lambda user, sealed: ("https://hooks.example.com/x", "whsec_" + "A" * 43),
        now=clock,
        random=lambda: 0.5,
    )
    queue(DeliveryMessage(user_id=USER, delivery_id=DELIVERY, attempt=1))
    timeline: list[tuple[float, int, str]] = []
    while (message := queue.pop_next()) is not None and clock() < START + timedelta(days=2):
        outcome = delivery_worker.process(message)
        if outcome != "waiting":
            timeline.append(((clock() - START).total_seconds(), message.attempt, outcome))
    return timeline, audits, queue


def _store() -> FakeAlertsStore:
    store = FakeAlertsStore()
    store.add_channel(USER, CHANNEL)
    store.add_delivery(USER, DELIVERY, channel_id=CHANNEL, created_at=iso(START))
    return store


def expected_offsets(attempts: int) -> list[float]:
    offsets, at = [], 0.0
    for attempt in range(1, attempts + 1):
        offsets.append(at)
        at += schedule.backoff(attempt, random=lambda: 0.5).total_seconds()
    return offsets


def test_a_failing_receiver_gets_20_spaced_attempts_then_the_channel_is_disabled_and_audited() -> None:
    store = _store()

    timeline, audits, queue = _run_day(store)

    offsets = [offset for offset, _, _ in timeline]
    assert [attempt for _, attempt, _ in timeline] == list(range(1, 21))
    assert offsets == expected_offsets(20)
    gaps = [b - a for a, b in itertools.pairwise(offsets)]
    assert gaps[:7] == [30, 60, 120, 240, 480, 960, 1920]  # doubling from 30 s ...
    assert set(gaps[7:]) == {3600}  # ... capped at one hour
    assert [outcome for _, _, outcome in timeline] == ["retrying"] * 19 + ["failed"]
    assert offsets[-1] == 47010  # the 20th attempt, 13 h 03 min 30 s after the first
    delivery = store.deliveries[(USER, DELIVERY)]
    assert delivery["status"] == "failed"
    assert delivery["attempts"] == 20
    assert delivery["last_status_code"] == 503
    assert delivery["last_error"] == "http_503; channel disabled"
    assert store.channels[(USER, CHANNEL)]["status"] == "disabled"
    assert audits == [(CHANNEL, worker.DISABLE_AFTER)]
    assert max(queue.delays) == schedule.MAX_SQS_DELAY_SECONDS  # hour-long waits travelled as 15-min hops
    assert queue.messages == []  # nothing left behind


def test_without_the_disable_threshold_the_delivery_fails_when_24_hours_are_up() -> None:
    # Given a channel whose streak is reset by other deliveries getting through (it never reaches 20)
    store = _store()
    original = store.channel_failed

    def streak_reset_by_other_deliveries(user_id: str, channel_id: str) -> int | None:
        count = original(user_id, channel_id)
        if count is not None and count >= 10:
            store.channels[(user_id, channel_id)]["consecutive_failures"] = 0
        return count

    store.channel_failed = streak_reset_by_other_deliveries  # type: ignore[method-assign]

    timeline, audits, _ = _run_day(store)

    offsets = [offset for offset, _, _ in timeline]
    assert timeline[-1][2] == "failed"
    assert offsets[-1] <= schedule.RETRY_WINDOW.total_seconds()
    assert offsets[-1] + 3600 > schedule.RETRY_WINDOW.total_seconds()  # the next try would be past 24 h
    assert len(timeline) == len(expected_offsets(len(timeline)))
    assert offsets == expected_offsets(len(timeline))
    assert store.deliveries[(USER, DELIVERY)]["status"] == "failed"
    assert store.channels[(USER, CHANNEL)]["status"] == "active"
    assert audits == []


def render_schedule() -> str:
    """The retry table docs/alerts.md carries (attempt n, its offset from the first attempt)."""
    lines = ["| attempt | after the first | wait before it |", "|---|---|---|"]
    previous = 0.0
    for attempt, offset in enumerate(expected_offsets(20), start=1):
        hours, rest = divmod(int(offset), 3600)
        minutes, seconds = divmod(rest, 60)
        wait = "—" if attempt == 1 else f"{int(offset - previous)} s"
        lines.append(f"| {attempt} | {hours} h {minutes:02d} min {seconds:02d} s | {wait} |")
        previous = offset
    return "\n".join(lines)


def test_docs_carry_the_retry_schedule(repo_root: Path) -> None:
    docs = (repo_root / "docs" / "alerts.md").read_text(encoding="utf-8")

    assert render_schedule() in docs, "docs/alerts.md: regenerate the retry table from render_schedule()"
