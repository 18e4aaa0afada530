"""The events worker against the emulator: partial batch failures (D1-D3), idempotency (D4, D6), conflicts
as fixed interleavings (D10), ordering, unknown freelancers, and redrive to the dead-letter queue (D8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from bidcraft import aws
from bidcraft.analytics.store import WriteBatch
from bidcraft.events import pending, worker
from bidcraft.events.apply import DynamoEventStore, apply_events
from devserver.queues import EventSource, QueuePoller
from devserver.testing import LocalAws
from tests.integration.events.helpers import (
    aggregate,
    envelope,
    link_user,
    markers,
    new_id,
    payment,
    pending_items,
    proposal,
    proposal_created,
    proposal_updated,
)

Invoke = Callable[[str, dict[str, Any]], Any]


@pytest.fixture
def freelancer() -> str:
    return new_id("fl")


@pytest.fixture
def user(freelancer: str) -> str:
    return link_user(freelancer)


def run_worker(local_aws: LocalAws, *bodies: str) -> tuple[dict[str, Any], list[str]]:
    event = local_aws.sqs_event(*bodies)
    ids = [record["messageId"] for record in event["Records"]]
    return local_aws.invoke("EventsWorkerFunction", event), ids


def test_d1_one_poison_message_is_the_only_failure(local_aws: LocalAws, freelancer: str, user: str) -> None:
    # Given a batch [ok, poison, ok]
    first = envelope(proposal_created(freelancer, "p1")).to_json()
    second = envelope(proposal_created(freelancer, "p2")).to_json()
    # When the worker handles it
    response, ids = run_worker(local_aws, first, '{"event_id": "x", "not": "an envelope"}', second)
    # Then exactly the poison message is reported, by its messageId, and the others were applied
    assert response == {"batchItemFailures": [{"itemIdentifier": ids[1]}]}
    assert aggregate(user, "M", "2025-03").proposals_sent == 2


def test_d2_when_every_record_fails_the_whole_batch_is_retried(local_aws: LocalAws) -> None:
    with pytest.raises(BatchProcessingError):
        run_worker(local_aws, "not json", "{}")


def test_d3_success_reports_an_empty_failure_list(local_aws: LocalAws, freelancer: str, user: str) -> None:
    response, _ = run_worker(local_aws, envelope(proposal_created(freelancer, "p1")).to_json())
    assert response == {"batchItemFailures": []}


def test_d4_the_same_event_in_two_messages_has_one_effect(
    local_aws: LocalAws, freelancer: str, user: str
) -> None:
    # Given one event delivered twice (different SQS message ids), once in the same batch and once later
    body = envelope(payment(freelancer, "pay-1", "250.00")).to_json()
    run_worker(local_aws, body, body)
    response, _ = run_worker(local_aws, body)
    # Then it was applied once
    assert response == {"batchItemFailures": []}
    march = aggregate(user, "M", "2025-03")
    assert march.earnings == 250
    assert march.payments_count == 1
    assert len(markers(user)) == 1


def test_d6_crash_after_the_write_is_retried_without_a_second_effect(
    local_aws: LocalAws, freelancer: str, user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a worker that crashes right after its transaction committed
    real = worker.apply_events

    def crash_after_commit(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("crashed before acknowledging the message")

    body = envelope(proposal_created(freelancer, "p1")).to_json()
    monkeypatch.setattr(worker, "apply_events", crash_after_commit)
    with pytest.raises(BatchProcessingError):
        run_worker(local_aws, body)
    # When SQS redelivers the message to a healthy worker
    monkeypatch.setattr(worker, "apply_events", real)
    response, _ = run_worker(local_aws, body)
    # Then it succeeds and the effect exists once
    assert response == {"batchItemFailures": []}
    assert aggregate(user, "Y", "2025").proposals_sent == 1


def test_out_of_order_updates_keep_the_newest_status(local_aws: LocalAws, freelancer: str, user: str) -> None:
    bodies = [
        envelope(proposal_updated(freelancer, "p1", "hired", "2025-03-09T00:00:00Z")).to_json(),
        envelope(proposal_created(freelancer, "p1")).to_json(),
        envelope(proposal_updated(freelancer, "p1", "viewed", "2025-03-06T00:00:00Z")).to_json(),
    ]
    for body in bodies:  # one batch each: arrival order matters for the test
        run_worker(local_aws, body)
    stored = proposal(user, "p1")
    assert stored is not None
    assert stored.status == "hired"
    assert not stored.placeholder
    month = aggregate(user, "M", "2025-03")
    assert (month.proposals_sent, month.proposals_viewed, month.interviews, month.proposals_won) == (
        1,
        1,
        1,
        1,
    )
    assert month.by_status == {"hired": 1}


def test_d10_concurrent_writers_on_one_proposal_both_land(freelancer: str, user: str) -> None:
    # Given two workers that both read the proposal at version 1 (a fixed interleaving: the other commits
    # between our read and our commit, so our conditional write on `version` fails)
    apply_events(user, [envelope(proposal_created(freelancer, "p1"))])
    other = envelope(proposal_updated(freelancer, "p1", "viewed", "2025-03-06T00:00:00Z"))
    ours = envelope(proposal_updated(freelancer, "p1", "declined", "2025-03-08T00:00:00Z"))

    class Interleaved(DynamoEventStore):
        interleaved = False

        def commit(self, batch: WriteBatch) -> None:
            if not self.interleaved:
                self.interleaved = True
                apply_events(user, [other], DynamoEventStore())
            super().commit(batch)

    # When ours commits after the other one
    report = apply_events(user, [ours], Interleaved())
    # Then ours was rejected once, retried on a fresh read, and both changes are in the final state
    assert report.retries == 1
    assert report.applied == 1
    stored = proposal(user, "p1")
    assert stored is not None
    assert stored.status == "declined"
    assert "viewed" in stored.reached
    month = aggregate(user, "M", "2025-03")
    assert month.by_status == {"declined": 1}
    assert month.proposals_viewed == 1


def test_an_unknown_freelancers_events_are_parked_then_applied(local_aws: LocalAws) -> None:
    # Given events for a freelancer who has not signed up
    freelancer = new_id("fl")
    bodies = [
        envelope(proposal_created(freelancer, "p1")).to_json(),
        envelope(proposal_updated(freelancer, "p1", "viewed", "2025-03-06T00:00:00Z")).to_json(),
    ]
    response, _ = run_worker(local_aws, *bodies)
    # Then they are kept, not failed and not dropped
    assert response == {"batchItemFailures": []}
    assert len(pending_items(freelancer)) == 2
    # When the freelancer signs up and the first sync drains them
    user_id = link_user(freelancer)
    report = pending.drain(user_id, freelancer)
    # Then they are applied and gone
    assert report.applied == 2
    assert pending_items(freelancer) == []
    assert aggregate(user_id, "M", "2025-03").proposals_viewed == 1


def test_d8_a_poison_message_ends_in_the_dead_letter_queue_after_5_receives(local_aws: LocalAws) -> None:
    # Given a queue that redrives to a DLQ after 5 receives, fed to the real worker as the ESM would
    sqs = aws.client("sqs")
    dlq = sqs.create_queue(QueueName=new_id("events-dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
    queue = sqs.create_queue(QueueName=new_id("events"), Attributes={"RedrivePolicy": policy})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    source = EventSource("EventsWorkerFunction", queue, arn, report_batch_item_failures=True)
    poller = QueuePoller(
        source,
        lambda event: local_aws.invoke("EventsWorkerFunction", event),
        sqs,
        wait_seconds=0,
        retry_delay=0,
    )
    sqs.send_message(QueueUrl=queue, MessageBody='{"poison": true}')
    # When it is polled until the queue is empty
    receives = 0
    for _ in range(10):
        if poller.poll_once() == 0:
            break
        receives += 1
    # Then it was tried 5 times and now waits in the DLQ
    assert receives == 5
    moved = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages") or []
    assert [message["Body"] for message in moved] == ['{"poison": true}']
