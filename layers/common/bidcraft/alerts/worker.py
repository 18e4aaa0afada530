"""The alerts queue worker's logic for one message: wait, hold, attempt, then deliver, retry or give up.

A message names one delivery and the attempt it is for. In order:
1. Early (`not_before` in the future: a long backoff or quiet hours) → re-queued for the rest of the wait
   (SQS delays at most 15 minutes per hop); no attempt is counted.
2. The delivery is gone or finished, or this attempt was already made → nothing to do (a duplicate).
3. The channel was deleted or disabled → the delivery `failed` without an attempt.
4. First attempt inside the search's quiet hours → held until they end; if the job expired meanwhile
   (it is kept 24 hours) → `suppressed`.
5. The attempt is claimed (a conditional write: one worker per attempt; a claim older than
   `STALE_CLAIM` whose worker died can be taken over) and made.
6. Success → `delivered`, the channel's failure streak reset. Failure → the channel's streak grows; at
   `DISABLE_AFTER` consecutive failures the channel is disabled and an audit event written; the delivery
   is re-queued after an exponential backoff (`schedule`) while within 24 hours of its creation and the
   channel is active, else `failed`. The next message is queued before the outcome is recorded, so a crash
   between the two repeats an attempt rather than losing the delivery.

The ports (storage, queue, sender, audit, clock, randomness) are injectable: unit tests run a whole day of
retries in memory with a fake clock.
"""

from __future__ import annotations

import json
import logging
import random as _random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from bidcraft import clock
from bidcraft.alerts import queue, schedule, sealing, senders, store
from bidcraft.alerts.queue import DeliveryMessage

logger = logging.getLogger(__name__)
DeliveryMessage.model_rebuild()  # every record is one: build its validator now, not on the first record

DISABLE_AFTER = 20
STALE_CLAIM = timedelta(seconds=180)  # 2 x the worker's timeout: a claim this old has no live worker
ALERT_CHANNEL_DISABLED = "alert_channel_disabled"

Outcome = Literal["waiting", "held", "duplicate", "delivered", "retrying", "failed", "suppressed", "missing"]


def _audit_disabled(
    user_id: str, channel_id: str, failures: int, error: str | None, delivery_id: str
) -> None:
    from bidcraft.security import audit

    audit.record(
        ALERT_CHANNEL_DISABLED,
        user_id=user_id,
        outcome="failure",
        severity="medium",
        ip="internal",
        user_agent="alerts-worker",
        request_id=delivery_id,
        details={"channel_id": channel_id, "consecutive_failures": failures, "last_error": error},
    )


@dataclass
class DeliveryWorker:
    store: Any = store  # the AlertsTable adapter's functions (a fake in unit tests)
    queue_send: Callable[..., None] = queue.send
    send: Callable[[senders.Outgoing], senders.SendResult] = senders.send
    audit_disabled: Callable[[str, str, int, str | None, str], None] = _audit_disabled
    unseal: Callable[[str, bytes], tuple[str, str | None]] = sealing.unseal
    now: Callable[[], datetime] = clock.now
    random: Callable[[], float] = field(default=_random.random)

    def handle(self, body: str) -> Outcome:
        """Process one queue message. A malformed message raises (retried, then dead-lettered)."""
        return self.process(DeliveryMessage.model_validate_json(body))

    def _requeue(self, message: DeliveryMessage, not_before: datetime, now: datetime) -> None:
        wait = schedule.hop_delay(not_before, now)
        later = not_before > now + timedelta(seconds=wait)
        self.queue_send(
            message.model_copy(update={"not_before": clock.epoch(not_before) if later else None}),
            delay_seconds=wait,
        )

    def process(self, message: DeliveryMessage) -> Outcome:
        now = self.now()
        if message.not_before is not None and clock.epoch(now) < message.not_before:
            self._requeue(message, datetime.fromtimestamp(message.not_before, now.tzinfo), now)
            return "waiting"
        user_id, delivery_id = message.user_id, message.delivery_id
        delivery = self.store.get_delivery(user_id, delivery_id)
        if delivery is None:
            logger.warning("queued delivery not found", extra={"delivery_id": delivery_id})
            return "missing"
        if delivery["status"] in store.FINAL_STATUSES or int(delivery.get("attempts", 0)) > message.attempt:
            return "duplicate"
        channel = self.store.get_channel(user_id, delivery["channel_id"])
        if channel is None or channel.get("status") != "active":
            reason = "channel_deleted" if channel is None else "channel_disabled"
            self.store.settle_waiting(user_id, delivery_id, {"status": "failed", "last_error": reason})
            return "failed"
        if message.attempt == 1 and delivery["type"] == "job.matched":
            held = self._hold(message, delivery, now)
            if held is not None:
                return held
        # Opened before the claim: a KMS failure raises (SQS retries the message) without claiming anything.
        target, secret = self.unseal(user_id, channel["sealed"])
        stamp = clock.epoch(now)
        if not self.store.claim_attempt(
            user_id, delivery_id, message.attempt, stamp, stamp - int(STALE_CLAIM.total_seconds())
        ):
            return "duplicate"
        result = self.send(
            senders.Outgoing(
                delivery_id=delivery_id,
                delivery_type=delivery["type"],
                channel_type=channel["type"],
                target=target,
                secret=secret,
                search_id=delivery.get("search_id"),
                job=json.loads(delivery["job_json"]),
                at=now,
            )
        )
        if result.ok:
            return self._delivered(message, delivery, result, now)
        return self._failed(message, delivery, result, now)

    def _hold(self, message: DeliveryMessage, delivery: dict[str, Any], now: datetime) -> Outcome | None:
        expires = delivery.get("job_expires_at")
        if expires is not None and clock.epoch(now) >= int(expires):
            settled = {"status": "suppressed", "last_error": "job_expired_during_quiet_hours"}
            self.store.settle_waiting(message.user_id, message.delivery_id, settled)
            return "suppressed"
        raw = delivery.get("quiet_hours_json")
        if raw:
            from bidcraft.alerts.spec import QuietHours  # only deliveries of searches with quiet hours

            quiet = QuietHours.model_validate_json(raw)
        else:
            quiet = None
        until = schedule.quiet_until(quiet, now)
        if until is None:
            return None
        self._requeue(message, until, now)
        return "held"

    def _delivered(
        self, message: DeliveryMessage, delivery: dict[str, Any], result: senders.SendResult, now: datetime
    ) -> Outcome:
        changes: dict[str, Any] = {"status": "delivered", "delivered_at": clock.iso(now), "last_error": None}
        if result.status_code is not None:
            changes["last_status_code"] = result.status_code
        self.store.record_outcome(message.user_id, message.delivery_id, message.attempt, changes)
        self.store.channel_succeeded(message.user_id, delivery["channel_id"], clock.iso(now))
        logger.info("alert delivered", extra={"delivery_id": message.delivery_id, "attempt": message.attempt})
        return "delivered"

    def _failed(
        self, message: DeliveryMessage, delivery: dict[str, Any], result: senders.SendResult, now: datetime
    ) -> Outcome:
        user_id, channel_id = message.user_id, delivery["channel_id"]
        failures = self.store.channel_failed(user_id, channel_id)
        disabled = False
        if failures is not None and failures >= DISABLE_AFTER:
            disabled = self.store.disable_channel(user_id, channel_id, clock.iso(now), DISABLE_AFTER)
            if disabled:
                self.audit_disabled(user_id, channel_id, failures, result.error, message.delivery_id)
            disabled = True  # disabled now, by this failure or a concurrent one
        created = datetime.fromisoformat(str(delivery["created_at"]).replace("Z", "+00:00"))
        due = None if disabled else schedule.next_attempt(created, now, message.attempt, random=self.random)
        changes: dict[str, Any] = {"last_error": result.error}
        if result.status_code is not None:
            changes["last_status_code"] = result.status_code
        if due is None:
            if disabled:
                changes["last_error"] = f"{result.error}; channel disabled"
            changes["status"] = "failed"
            self.store.record_outcome(user_id, message.delivery_id, message.attempt, changes)
            logger.warning(
                "alert delivery failed",
                extra={
                    "delivery_id": message.delivery_id,
                    "attempts": message.attempt,
                    "error": result.error,
                },
            )
            return "failed"
        self._requeue(message.model_copy(update={"attempt": message.attempt + 1}), due, now)
        changes.update({"status": "retrying", "next_attempt_at": clock.iso(due)})
        self.store.record_outcome(user_id, message.delivery_id, message.attempt, changes)
        logger.info(
            "alert delivery will be retried",
            extra={"delivery_id": message.delivery_id, "attempt": message.attempt, "error": result.error},
        )
        return "retrying"
