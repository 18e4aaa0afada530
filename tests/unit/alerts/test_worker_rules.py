"""The worker's rules one by one: duplicates, stale claims, quiet-hour holds, suppression, gone channels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bidcraft import clock
from bidcraft.alerts.queue import DeliveryMessage
from bidcraft.alerts.senders import Outgoing, SendResult
from bidcraft.alerts.spec import QuietHours
from bidcraft.alerts.worker import STALE_CLAIM, DeliveryWorker
from tests.unit.alerts.fakes import FakeAlertsStore, FakeClock, FakeQueue, iso

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
DELIVERED = SendResult(True, 204)
USER, CHANNEL, DELIVERY = "u-rules", "ch_" + "c" * 24, "dl_" + "d" * 24


class Harness:
    def __init__(self, result: SendResult = DELIVERED) -> None:
        self.clock = FakeClock(NOW)
        self.queue = FakeQueue(self.clock)
        self.store = FakeAlertsStore()
        self.store.add_channel(USER, CHANNEL)
        self.sent: list[Outgoing] = []
        self.result = result
        self.worker = DeliveryWorker(
            store=self.store,
            queue_send=self.queue,
            send=self._send,
            audit_disabled=lambda *args: None,
            unseal=lambda user, sealed: ("https://hooks.example.com/x", "whsec_" + "A" * 43),
            now=self.clock,
            random=lambda: 0.5,
        )

    def _send(self, out: Outgoing) -> SendResult:
        self.sent.append(out)
        return self.result

    def delivery(self, **fields: object) -> dict[str, object]:
        return self.store.add_delivery(USER, DELIVERY, channel_id=CHANNEL, created_at=iso(NOW), **fields)

    def process(self, attempt: int = 1, not_before: int | None = None) -> str:
        message = DeliveryMessage(user_id=USER, delivery_id=DELIVERY, attempt=attempt, not_before=not_before)
        return self.worker.process(message)


def test_a_delivered_message_seen_again_is_not_sent_twice() -> None:
    harness = Harness()
    harness.delivery()

    assert harness.process() == "delivered"
    assert harness.process() == "duplicate"

    assert len(harness.sent) == 1
    assert harness.store.deliveries[(USER, DELIVERY)]["status"] == "delivered"
    assert harness.store.channels[(USER, CHANNEL)]["last_delivery_at"] == iso(NOW)


def test_an_attempt_in_flight_is_not_repeated_until_its_claim_is_stale() -> None:
    # Given attempt 1 claimed by a worker that has not finished (it may still be sending)
    harness = Harness()
    harness.delivery(attempts=1, claimed_at=clock.epoch(NOW))

    assert harness.process() == "duplicate"
    assert harness.sent == []

    # When the claim is older than the stale window (that worker died), Then the attempt is taken over
    harness.clock.advance(STALE_CLAIM.total_seconds() + 1)
    assert harness.process() == "delivered"
    assert len(harness.sent) == 1


def test_an_early_message_waits_without_counting_an_attempt() -> None:
    harness = Harness()
    harness.delivery()
    later = NOW + timedelta(hours=2)

    assert harness.process(not_before=clock.epoch(later)) == "waiting"

    assert harness.sent == []
    assert harness.store.deliveries[(USER, DELIVERY)]["attempts"] == 0
    assert harness.queue.delays == [900]
    assert harness.queue.messages[0][1].not_before == clock.epoch(later)


def test_quiet_hours_hold_the_first_attempt_until_they_end() -> None:
    harness = Harness()
    quiet = QuietHours(start="11:00", end="14:30", timezone="UTC")
    harness.delivery(
        quiet_hours_json=quiet.model_dump_json(), job_expires_at=clock.epoch(NOW + timedelta(hours=20))
    )

    assert harness.process() == "held"

    assert harness.sent == []
    message = harness.queue.pop_next()
    assert message is not None
    assert message.not_before == clock.epoch(datetime(2026, 5, 4, 14, 30, tzinfo=UTC))
    while message is not None and (outcome := harness.worker.process(message)) == "waiting":
        message = harness.queue.pop_next()
    assert outcome == "delivered"
    assert harness.clock() == datetime(2026, 5, 4, 14, 30, tzinfo=UTC)


def test_a_job_that_expired_during_quiet_hours_is_suppressed() -> None:
    harness = Harness()
    quiet = QuietHours(start="11:00", end="14:30", timezone="UTC")
    harness.delivery(
        quiet_hours_json=quiet.model_dump_json(), job_expires_at=clock.epoch(NOW + timedelta(hours=1))
    )
    assert harness.process() == "held"
    harness.clock.advance(3 * 3600)

    assert harness.process() == "suppressed"

    assert harness.sent == []
    assert harness.store.deliveries[(USER, DELIVERY)]["status"] == "suppressed"


@pytest.mark.parametrize(("status", "reason"), [(None, "channel_deleted"), ("disabled", "channel_disabled")])
def test_a_delivery_to_a_gone_or_disabled_channel_fails_without_an_attempt(
    status: str | None, reason: str
) -> None:
    harness = Harness()
    harness.delivery()
    if status is None:
        del harness.store.channels[(USER, CHANNEL)]
    else:
        harness.store.channels[(USER, CHANNEL)]["status"] = status

    assert harness.process() == "failed"

    assert harness.sent == []
    assert harness.store.deliveries[(USER, DELIVERY)]["last_error"] == reason


def test_a_failure_is_recorded_and_the_next_attempt_queued_with_backoff() -> None:
    harness = Harness(SendResult(False, 500, "http_500"))
    harness.delivery()

    assert harness.process() == "retrying"

    delivery = harness.store.deliveries[(USER, DELIVERY)]
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("retrying", 1, 500)
    assert harness.queue.delays == [30]
    assert harness.queue.messages[0][1].attempt == 2
    assert harness.store.channels[(USER, CHANNEL)]["consecutive_failures"] == 1


def test_a_success_resets_the_channels_failure_streak() -> None:
    harness = Harness()
    harness.store.channels[(USER, CHANNEL)]["consecutive_failures"] = 7
    harness.delivery()

    harness.process()

    assert harness.store.channels[(USER, CHANNEL)]["consecutive_failures"] == 0


def test_a_malformed_message_raises_so_sqs_retries_then_dead_letters_it() -> None:
    harness = Harness()

    with pytest.raises(ValueError, match="validation error"):
        harness.worker.handle('{"user_id": "u", "delivery_id": "not-an-id", "attempt": 1}')
