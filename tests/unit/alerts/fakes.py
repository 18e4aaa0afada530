"""In-memory stand-ins for the alerts worker's ports: the AlertsTable adapter, the queue, a clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bidcraft import clock
from bidcraft.alerts.queue import DeliveryMessage


class FakeAlertsStore:
    """The functions of `bidcraft.alerts.store` the worker calls, with the same conditions, in memory."""

    def __init__(self) -> None:
        self.channels: dict[tuple[str, str], dict[str, Any]] = {}
        self.deliveries: dict[tuple[str, str], dict[str, Any]] = {}

    def add_channel(self, user_id: str, channel_id: str, **fields: Any) -> dict[str, Any]:
        channel = {
            "channel_id": channel_id,
            "type": "webhook",
            "status": "active",
            "consecutive_failures": 0,
            "sealed": b"sealed",
            **fields,
        }
        self.channels[(user_id, channel_id)] = channel
        return channel

    def add_delivery(self, user_id: str, delivery_id: str, **fields: Any) -> dict[str, Any]:
        delivery = {
            "delivery_id": delivery_id,
            "type": "job.matched",
            "status": "queued",
            "attempts": 0,
            "job_json": '{"job_id": "j1", "title": "A job"}',
            **fields,
        }
        self.deliveries[(user_id, delivery_id)] = delivery
        return delivery

    # -- the adapter's interface ----------------------------------------------------------------------------
    def get_delivery(self, user_id: str, delivery_id: str) -> dict[str, Any] | None:
        found = self.deliveries.get((user_id, delivery_id))
        return dict(found) if found else None

    def get_channel(self, user_id: str, channel_id: str) -> dict[str, Any] | None:
        found = self.channels.get((user_id, channel_id))
        return dict(found) if found else None

    def settle_waiting(self, user_id: str, delivery_id: str, changes: Mapping[str, Any]) -> bool:
        delivery = self.deliveries[(user_id, delivery_id)]
        if delivery["status"] not in ("queued", "retrying"):
            return False
        delivery.update(changes)
        return True

    def claim_attempt(
        self, user_id: str, delivery_id: str, attempt: int, now: int, stale_before: int
    ) -> bool:
        delivery = self.deliveries[(user_id, delivery_id)]
        waiting = delivery["status"] in ("queued", "retrying")
        fresh = delivery["attempts"] == attempt - 1
        stale = delivery["attempts"] == attempt and delivery.get("claimed_at", now) < stale_before
        if not (waiting and (fresh or stale)):
            return False
        delivery.update({"attempts": attempt, "claimed_at": now})
        return True

    def record_outcome(
        self, user_id: str, delivery_id: str, attempt: int, changes: Mapping[str, Any]
    ) -> bool:
        delivery = self.deliveries[(user_id, delivery_id)]
        if delivery["attempts"] != attempt or delivery["status"] not in ("queued", "retrying"):
            return False
        delivery.update(changes)
        return True

    def channel_succeeded(self, user_id: str, channel_id: str, at: str) -> None:
        channel = self.channels.get((user_id, channel_id))
        if channel:
            channel.update({"consecutive_failures": 0, "last_delivery_at": at})

    def channel_failed(self, user_id: str, channel_id: str) -> int | None:
        channel = self.channels.get((user_id, channel_id))
        if channel is None:
            return None
        channel["consecutive_failures"] += 1
        return int(channel["consecutive_failures"])

    def disable_channel(self, user_id: str, channel_id: str, at: str, threshold: int) -> bool:
        channel = self.channels[(user_id, channel_id)]
        if channel["status"] != "active" or channel["consecutive_failures"] < threshold:
            return False
        channel.update({"status": "disabled", "disabled_at": at})
        return True


@dataclass
class FakeClock:
    moment: datetime

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@dataclass
class FakeQueue:
    """Messages with the time they become visible (`sent at + DelaySeconds`)."""

    clock: FakeClock
    messages: list[tuple[datetime, DeliveryMessage]] = field(default_factory=list)
    delays: list[int] = field(default_factory=list)

    def __call__(self, message: DeliveryMessage, *, delay_seconds: int = 0) -> None:
        assert 0 <= delay_seconds <= 900, "SQS refuses DelaySeconds above 900"
        self.delays.append(delay_seconds)
        self.messages.append((self.clock() + timedelta(seconds=delay_seconds), message))

    def pop_next(self) -> DeliveryMessage | None:
        """The next message to become visible; the clock moves to that moment."""
        if not self.messages:
            return None
        self.messages.sort(key=lambda entry: entry[0])
        visible_at, message = self.messages.pop(0)
        if visible_at > self.clock():
            self.clock.moment = visible_at
        return message


def iso(moment: datetime) -> str:
    return clock.iso(moment)
