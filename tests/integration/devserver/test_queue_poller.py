"""Queues fed to workers as a Lambda SQS event-source mapping would: batches, partial failures, redrive."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from devserver.queues import EventSource, QueuePoller
from devserver.testing import LocalAws


@pytest.fixture(scope="module")
def sqs(local_aws: LocalAws) -> Any:
    return boto3.session.Session(region_name=local_aws.resources.region).client(
        "sqs", endpoint_url=local_aws.resources.endpoint_url
    )


@pytest.fixture
def queues(sqs: Any) -> tuple[str, str, str]:
    """A fresh queue (URL, ARN) redriving to a fresh DLQ (URL) after 2 receives."""
    suffix = uuid.uuid4().hex[:8]
    dlq_url = sqs.create_queue(QueueName=f"poller-dlq-{suffix}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = sqs.create_queue(
        QueueName=f"poller-{suffix}",
        Attributes={
            "VisibilityTimeout": "300",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
        },
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn, dlq_url


class Worker:
    """A fake SQS worker: records each batch; bodies in `fail` are reported (or raised) as failures."""

    def __init__(self, fail: set[str] | None = None, *, raises: bool = False) -> None:
        self.fail = fail or set()
        self.raises = raises
        self.batches: list[list[dict[str, Any]]] = []

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        records = event["Records"]
        self.batches.append(records)
        if self.raises:
            raise RuntimeError("worker crashed")
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in records if r["body"] in self.fail
            ]
        }

    @property
    def bodies(self) -> list[str]:
        return [record["body"] for batch in self.batches for record in batch]


def poller(
    queues: tuple[str, str, str], sqs: Any, worker: Callable[[dict[str, Any]], Any], *, report: bool = True
) -> QueuePoller:
    url, arn, _ = queues
    source = EventSource("FakeWorker", url, arn, batch_size=10, report_batch_item_failures=report)
    return QueuePoller(source, worker, sqs, wait_seconds=0, retry_delay=0)


def depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def dlq_bodies(sqs: Any, dlq_url: str) -> list[str]:
    messages = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
        "Messages", []
    )
    return sorted(m["Body"] for m in messages)


def send(sqs: Any, url: str, *bodies: str) -> None:
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies)]
    )


def test_a_batch_carries_lambda_records_and_successes_are_deleted(
    sqs: Any, queues: tuple[str, str, str]
) -> None:
    url, arn, _ = queues
    send(sqs, url, "a", "b", "c")
    worker = Worker()

    received = poller(queues, sqs, worker).poll_once()

    assert received == 3
    (batch,) = worker.batches
    assert sorted(r["body"] for r in batch) == ["a", "b", "c"]
    assert {r["eventSourceARN"] for r in batch} == {arn}
    assert {r["attributes"]["ApproximateReceiveCount"] for r in batch} == {"1"}
    assert depth(sqs, url) == 0


def test_partial_failures_come_back_and_the_rest_is_deleted(sqs: Any, queues: tuple[str, str, str]) -> None:
    url, _, _ = queues
    send(sqs, url, "ok-1", "bad", "ok-2")
    worker = Worker(fail={"bad"})
    feeder = poller(queues, sqs, worker)

    feeder.poll_once()
    feeder.poll_once()

    first, second = worker.batches
    assert len(first) == 3
    assert [(r["body"], r["attributes"]["ApproximateReceiveCount"]) for r in second] == [("bad", "2")]


def test_a_message_failing_max_receive_count_times_moves_to_the_dlq(
    sqs: Any, queues: tuple[str, str, str]
) -> None:
    url, _, dlq_url = queues
    send(sqs, url, "poison", "fine")
    worker = Worker(fail={"poison"})
    feeder = poller(queues, sqs, worker)

    for _ in range(3):
        feeder.poll_once()

    assert worker.bodies.count("poison") == 2  # maxReceiveCount
    assert worker.bodies.count("fine") == 1
    assert depth(sqs, url) == 0
    assert dlq_bodies(sqs, dlq_url) == ["poison"]


def test_an_exception_fails_the_whole_batch(sqs: Any, queues: tuple[str, str, str]) -> None:
    url, _, dlq_url = queues
    send(sqs, url, "x", "y")
    feeder = poller(queues, sqs, Worker(raises=True))

    for _ in range(3):
        feeder.poll_once()

    assert depth(sqs, url) == 0
    assert dlq_bodies(sqs, dlq_url) == ["x", "y"]


def test_without_report_batch_item_failures_the_response_is_ignored(
    sqs: Any, queues: tuple[str, str, str]
) -> None:
    url, _, _ = queues
    send(sqs, url, "bad")

    poller(queues, sqs, Worker(fail={"bad"}), report=False).poll_once()

    assert depth(sqs, url) == 0


def test_an_invalid_batch_response_retries_every_message(sqs: Any, queues: tuple[str, str, str]) -> None:
    url, _, _ = queues
    send(sqs, url, "a", "b")
    feeder = poller(queues, sqs, lambda event: {"batchItemFailures": [{"itemIdentifier": "unknown-id"}]})

    failed = feeder.process(
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    )

    assert len(failed) == 2
    assert depth(sqs, url) == 2


def test_the_poller_thread_feeds_the_worker_until_stopped(sqs: Any, queues: tuple[str, str, str]) -> None:
    url, _, _ = queues
    seen = threading.Event()
    worker = Worker()

    def invoke(event: dict[str, Any]) -> Any:
        result = worker(event)
        seen.set()
        return result

    url_, arn, _ = queues
    feeder = QueuePoller(EventSource("FakeWorker", url_, arn, batch_size=10), invoke, sqs, wait_seconds=1)
    feeder.start()
    try:
        send(sqs, url, "threaded")
        assert seen.wait(5)
    finally:
        started = time.monotonic()
        feeder.stop()
    assert time.monotonic() - started < 3
    assert worker.bodies == ["threaded"]
