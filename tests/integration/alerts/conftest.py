"""Alerts integration helpers: signed-in users (the shared sandbox sign-up), calls to AlertsFunction, the
alerts queue drained into AlertsWorkerFunction, loopback webhook receivers, and a sample `Job`."""

from __future__ import annotations

import json
import os
import random
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

import pytest

from bidcraft import aws, clock, config
from devserver.events import sqs_event_from_messages
from devserver.testing import LocalAws
from tests.integration.ai.conftest import User, sign_up  # noqa: F401 - the one sandbox sign-up fixture
from tests.integration.replies import Reply
from tests.unit.outbound.receiver import Answer, LoopbackReceiver, Received, loopback_receiver

Call = Callable[..., Reply]


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    config.reset()
    yield
    config.reset()


@pytest.fixture
def user(sign_up: Callable[[], User]) -> User:  # noqa: F811
    return sign_up()


@pytest.fixture
def other_user(sign_up: Callable[[], User]) -> User:  # noqa: F811
    return sign_up()


@pytest.fixture
def alerts(local_aws: LocalAws) -> Call:
    """`alerts(method, path, body=None, *, token=None, query=None)` → Reply from AlertsFunction."""

    def _call(
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Reply:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        source_ip = f"198.18.{random.randint(0, 255)}.{random.randint(1, 254)}"
        event = local_aws.apigw_event(
            method, path, body=body, headers=headers, query=query, source_ip=source_ip
        )
        return Reply.from_raw(local_aws.invoke("AlertsFunction", event))

    return _call


@pytest.fixture
def receiver() -> Callable[..., AbstractContextManager[LoopbackReceiver]]:
    """`with receiver(answer=None) as r:` — a loopback webhook receiver (answers 200 unless told)."""
    return loopback_receiver


class AlertsQueue:
    """The alerts queue as the tests drive it: drain what is visible and feed it to the worker."""

    def __init__(self, local_aws: LocalAws) -> None:
        self.local_aws = local_aws
        self.url = local_aws.resources.ref("AlertsQueue")
        self.arn = local_aws.resources.attribute("AlertsQueue", "Arn")

    def receive(self, user_id: str) -> list[dict[str, Any]]:
        """Visible messages of `user_id` (deleted from the queue); other tests' leftovers are dropped."""
        sqs = aws.client("sqs")
        mine: list[dict[str, Any]] = []
        while True:
            got = sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0, AttributeNames=["All"]
            ).get("Messages", [])
            if not got:
                return mine
            for message in got:
                sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
                if json.loads(message["Body"]).get("user_id") == user_id:
                    mine.append(message)

    def run(self, messages: list[dict[str, Any]]) -> Any:
        event = sqs_event_from_messages(messages, queue_arn=self.arn, region=self.local_aws.resources.region)
        return self.local_aws.invoke("AlertsWorkerFunction", event)

    def deliver(self, user_id: str, *, rounds: int = 5) -> list[str]:
        """Run the worker on the user's visible messages until none is left; the bodies processed."""
        processed: list[str] = []
        for _ in range(rounds):
            messages = self.receive(user_id)
            if not messages:
                break
            response = self.run(messages)
            assert response == {"batchItemFailures": []}, response
            processed += [m["Body"] for m in messages]
        return processed

    def delayed(self) -> int:
        attributes = aws.client("sqs").get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessagesDelayed"])


@pytest.fixture
def alerts_queue(local_aws: LocalAws) -> AlertsQueue:
    return AlertsQueue(local_aws)


def alerts_item(pk: str, sk: str) -> dict[str, Any] | None:
    item = (
        aws.client("dynamodb")
        .get_item(
            TableName=os.environ["ALERTS_TABLE"], Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
        )
        .get("Item")
    )
    return dict(item) if item else None


def audit_actions(user_id: str) -> list[str]:
    items = aws.client("dynamodb").query(
        TableName=os.environ["AUDIT_TABLE"],
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
    )["Items"]
    return [item["action"]["S"] for item in items]


def job(**overrides: Any) -> dict[str, Any]:
    """An API `Job` (API.md) with a fresh id."""
    job_id = f"~01{uuid.uuid4().hex[:16]}"
    return {
        "job_id": job_id,
        "title": "Django REST API for an inventory system",
        "url": f"https://www.upwork.com/jobs/{job_id}",
        "posted_at": "2026-12-01T20:00:00Z",
        "type": "fixed",
        "budget": {"amount": 1500, "currency": "USD"},
        "skills": ["Python", "Django"],
        "category": "Web, Mobile & Software Dev",
        "client": {"payment_verified": True, "total_spent": 5400, "hires": 3, "rating": 4.9, "reviews": 3},
        "competition": {"applicants": 7},
        "scores": {"fit": 0.9, "client_quality": 0.8, "competition": 0.7, "overall": 0.82},
        "win_probability": 0.31,
        "reasons": [{"score": "fit", "effect": "+", "detail": "Python and Django match your profile"}],
        "matched_searches": ["s-1"],
        "seen_at": clock.iso(clock.now()),
        **overrides,
    }


__all__ = ["Answer", "Call", "Received", "User", "alerts_item", "audit_actions", "job"]
