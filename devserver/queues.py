"""SQS event-source mappings: poll a queue, feed the worker batches, delete what succeeded.

As Lambda does it: a batch is up to `BatchSize` messages (at most 10 per receive here); without
`ReportBatchItemFailures` an exception fails the whole batch and any return value succeeds it; with it the
response `{"batchItemFailures": [{"itemIdentifier": <messageId>}]}` names the failed messages. Failed
messages stay in the queue and come back; SQS itself moves them to the dead-letter queue after the redrive
policy's `maxReceiveCount` receives. Locally a failed message becomes visible again after `retry_delay`
seconds instead of the queue's whole visibility timeout, so retries and redrive are quick to watch.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from devserver.events import sqs_event_from_messages

log = logging.getLogger("devserver")

MAX_RECEIVE = 10


class BatchFailure(Exception):
    """The whole batch failed (invalid batch response)."""


def failed_message_ids(response: Any, message_ids: Sequence[str], *, report_item_failures: bool) -> set[str]:
    """Message ids the worker failed, from its return value, per Lambda's partial batch response rules.

    Success: None, `{}`, a dict without `batchItemFailures`, `batchItemFailures` null or empty. Whole
    batch failed: a response that is not a dict, `batchItemFailures` that is not a list, an item without
    `itemIdentifier` (exact key name) or with an empty, null or unknown message id.
    """
    if not report_item_failures or response is None:
        return set()
    if not isinstance(response, dict):
        return set(message_ids)
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return set(message_ids)
    failed: set[str] = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in message_ids:
            return set(message_ids)
        failed.add(identifier)
    return failed


@dataclass
class EventSource:
    """One SQS trigger of one function."""

    function: str
    queue_url: str
    queue_arn: str
    batch_size: int = 10
    report_batch_item_failures: bool = False


class QueuePoller:
    """A thread that feeds one queue to one function until stopped.

    Like Lambda's event-source mapping, up to `concurrency` batches are in flight at once: the thread
    receives a batch only while a slot is free and hands it to a worker thread, so one slow message does not
    hold up the rest of the queue, and an idle queue costs one long-polling thread whatever the concurrency.
    """

    def __init__(
        self,
        source: EventSource,
        invoke: Callable[[dict[str, Any]], Any],
        sqs: Any,
        *,
        region: str = "us-east-1",
        wait_seconds: int = 1,
        retry_delay: int = 1,
        concurrency: int = 1,
    ) -> None:
        self.source = source
        self._invoke = invoke
        self._sqs = sqs
        self._region = region
        self._wait_seconds = wait_seconds
        self._retry_delay = retry_delay
        self._stop = threading.Event()
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._thread = threading.Thread(target=self._run, name=f"sqs-{source.function}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        self._stop.set()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._slots.acquire(timeout=1.0):
                continue
            try:
                self.poll_once(asynchronously=True)
            except Exception:
                self._slots.release()  # nothing was dispatched
                if self._stop.is_set():
                    return
                log.exception(
                    "polling %s for %s failed; retrying", self.source.queue_url, self.source.function
                )
                self._stop.wait(1.0)

    def poll_once(self, *, asynchronously: bool = False) -> int:
        """Receive one batch and feed it to the function (in a worker thread when `asynchronously`, which
        then releases the slot the caller took). Returns how many messages were received."""
        received = self._sqs.receive_message(
            QueueUrl=self.source.queue_url,
            MaxNumberOfMessages=max(1, min(self.source.batch_size, MAX_RECEIVE)),
            WaitTimeSeconds=self._wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = received.get("Messages") or []
        if messages and self._stop.is_set():
            self._release(messages, 0)  # stopping: hand them back at once, unprocessed
            messages = []
        if not messages:
            if asynchronously:
                self._slots.release()
            return 0
        if not asynchronously:
            self.process(messages)
            return len(messages)

        def work() -> None:
            try:
                self.process(messages)
            except Exception:
                log.exception("settling a batch of %s failed", self.source.function)
            finally:
                self._slots.release()

        threading.Thread(target=work, name=f"sqs-{self.source.function}-batch", daemon=True).start()
        return len(messages)

    def process(self, messages: list[dict[str, Any]]) -> set[str]:
        """Feed one batch to the function; delete successes, release failures. Returns the failed ids."""
        event = sqs_event_from_messages(messages, queue_arn=self.source.queue_arn, region=self._region)
        ids = [message["MessageId"] for message in messages]
        try:
            response = self._invoke(event)
        except Exception:
            log.exception(
                "%s failed a batch of %d from %s", self.source.function, len(ids), self.source.queue_arn
            )
            failed = set(ids)
        else:
            failed = failed_message_ids(
                response, ids, report_item_failures=self.source.report_batch_item_failures
            )
            if failed:
                log.warning(
                    "%s reported %d of %d messages failed", self.source.function, len(failed), len(ids)
                )
        self._settle(messages, failed)
        return failed

    def _settle(self, messages: list[dict[str, Any]], failed: set[str]) -> None:
        done = [m for m in messages if m["MessageId"] not in failed]
        retry = [m for m in messages if m["MessageId"] in failed]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=self.source.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        if retry:
            self._release(retry, self._retry_delay)

    def _release(self, messages: list[dict[str, Any]], delay: int) -> None:
        self._sqs.change_message_visibility_batch(
            QueueUrl=self.source.queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": delay}
                for i, m in enumerate(messages)
            ],
        )
