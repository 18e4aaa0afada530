"""The webhook receiver in-process against the emulator: exactly one queued message per event (W3, W9),
refusals that queue nothing (W4/W5/W10), SendMessage failures that lose nothing (W11), receipts (D11)."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber
from standardwebhooks.webhooks import Webhook

from bidcraft import aws, config
from bidcraft.events.models import parse_envelope
from bidcraft.tables.idempotency import WebhookReceipt
from bidcraft.webhooks import receipts
from devserver.testing import LocalAws
from tests.integration.events.helpers import new_id, proposal_created
from tests.integration.replies import Reply


@pytest.fixture
def events_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A queue of this test's own, so counting messages is exact."""
    url = aws.client("sqs").create_queue(QueueName=new_id("webhook-events"))["QueueUrl"]
    monkeypatch.setenv("EVENTS_QUEUE_URL", url)
    config.reset()
    yield url
    config.reset()


def queued(url: str) -> list[dict[str, Any]]:
    sqs = aws.client("sqs")
    found: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages"
        )
        if not messages:
            return found
        found.extend(json.loads(message["Body"]) for message in messages)
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def signed_headers(secret: str, msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    moment = datetime.fromtimestamp(timestamp if timestamp is not None else int(time.time()), tz=UTC)
    signature = Webhook(secret).sign(msg_id, moment, body.decode())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "x-request-id": new_id("req"),
    }


def post(
    local_aws: LocalAws, body: bytes | str, headers: dict[str, str], *, base64_body: bool = False
) -> Reply:
    event = local_aws.apigw_event(
        "POST", "/webhooks/upwork", body=body if isinstance(body, str) else body.decode(), headers=headers
    )
    if base64_body:
        event["body"] = base64.b64encode(body if isinstance(body, bytes) else body.encode()).decode()
        event["isBase64Encoded"] = True
    return Reply.from_raw(local_aws.invoke("WebhooksFunction", event))


def event_bytes(proposal_id: str = "p1") -> bytes:
    return json.dumps(proposal_created("fl-webhooks", proposal_id)).encode()


def test_w3_a_valid_delivery_is_queued_exactly_once(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    # Given a correctly signed event
    msg_id = new_id("msg")
    body = event_bytes()
    # When it is posted
    reply = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    # Then it is accepted and exactly one envelope carrying it was queued
    assert reply.status == 202
    assert reply.json == {"status": "accepted", "event_id": msg_id}
    assert reply.headers["content-type"].startswith("application/json")
    messages = queued(events_queue)
    assert len(messages) == 1
    envelope = parse_envelope(json.dumps(messages[0]))
    assert envelope.event_id == msg_id
    assert envelope.event.type == "proposal.created"


def test_w9_a_redelivery_with_a_new_timestamp_is_a_duplicate(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    msg_id, body = new_id("msg"), event_bytes()
    first = post(local_aws, body, signed_headers(webhook_secret, msg_id, body, int(time.time()) - 60))
    second = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    assert (first.status, second.status) == (202, 200)
    assert second.json == {"status": "duplicate", "event_id": msg_id}
    assert len(queued(events_queue)) == 1


def test_a_base64_encoded_body_is_verified_over_its_raw_bytes(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    msg_id, body = new_id("msg"), event_bytes()
    reply = post(local_aws, body, signed_headers(webhook_secret, msg_id, body), base64_body=True)
    assert reply.status == 202
    assert len(queued(events_queue)) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        "reserialised_body",
        "missing_signature",
        "missing_timestamp",
        "non_numeric_timestamp",
        "stale_timestamp",
        "future_timestamp",
        "wrong_secret",
    ],
)
def test_w4_w5_w6_bad_signatures_are_401_and_queue_nothing(
    local_aws: LocalAws, webhook_secret: str, events_queue: str, tamper: str
) -> None:
    msg_id, body = new_id("msg"), event_bytes()
    now = int(time.time())
    headers = signed_headers(webhook_secret, msg_id, body)
    sent = body
    if tamper == "reserialised_body":
        sent = json.dumps(json.loads(body), indent=2).encode()
    elif tamper == "missing_signature":
        del headers["webhook-signature"]
    elif tamper == "missing_timestamp":
        del headers["webhook-timestamp"]
    elif tamper == "non_numeric_timestamp":
        headers["webhook-timestamp"] = "yesterday"
    elif tamper == "stale_timestamp":
        headers = signed_headers(webhook_secret, msg_id, body, now - 301)
    elif tamper == "future_timestamp":
        headers = signed_headers(webhook_secret, msg_id, body, now + 301)
    else:
        headers = signed_headers(
            "whsec_" + base64.b64encode(b"another secret, 24 bytes!").decode(), msg_id, body
        )
    reply = post(local_aws, sent, headers)
    assert reply.status == 401
    assert reply.json["type"] == "https://bidcraft.dev/problems/invalid-signature"
    assert "www-authenticate" not in reply.headers
    assert queued(events_queue) == []
    assert receipts.get(msg_id) is None


def test_a_signature_failure_is_audited_without_secrets(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    msg_id, body = new_id("msg"), event_bytes()
    headers = signed_headers(webhook_secret, msg_id, body)
    headers["webhook-signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    post(local_aws, body, headers)
    records = aws.client("dynamodb").query(
        TableName=os.environ["AUDIT_TABLE"],
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :a",
        ExpressionAttributeValues={":a": {"S": "ACTION#webhook_signature_fail"}},
    )["Items"]
    mine = [r for r in records if r["request_id"]["S"] == headers["x-request-id"]]
    assert len(mine) == 1
    assert mine[0]["details"]["M"]["reason"]["S"] == "signature_mismatch"
    assert webhook_secret.removeprefix("whsec_") not in json.dumps(mine[0])


@pytest.mark.parametrize(
    ("body", "slug"),
    [
        (b"{not json", "malformed-json"),
        # the API's strict JSON rules hold here too: a repeated member name is not "last one wins"
        (
            b'{"type": "proposal.updated", "type": "proposal.created", "timestamp": "2025-03-01T00:00:00Z",'
            b' "data": {"proposal_id": "p1", "freelancer_id": "fl", "job_title": "t", "category": "c",'
            b' "submitted_at": "2025-03-01T00:00:00Z"}}',
            "malformed-json",
        ),
        (
            b'{"type": "proposal.created", "timestamp": "2025-03-01T00:00:00Z", "data": {"proposal_id": "p1",'
            b' "freelancer_id": "fl", "freelancer_id": "fl-victim", "job_title": "t", "category": "c",'
            b' "submitted_at": "2025-03-01T00:00:00Z"}}',
            "malformed-json",
        ),
        (b'{"type": "proposal.created", "n": ' + b"9" * 5_000 + b"}", "malformed-json"),
        (b'{"type": "proposal.created", "n": NaN}', "malformed-json"),
        (
            json.dumps(
                {"type": "proposal.deleted", "timestamp": "2025-03-01T00:00:00Z", "data": {}}
            ).encode(),
            "invalid-event",
        ),
        (
            json.dumps(
                {"type": "proposal.updated", "timestamp": "2025-03-01T00:00:00Z", "data": {}}
            ).encode(),
            "invalid-event",
        ),
    ],
)
def test_signed_but_malformed_bodies_are_400_with_field_errors(
    local_aws: LocalAws, webhook_secret: str, events_queue: str, body: bytes, slug: str
) -> None:
    msg_id = new_id("msg")
    reply = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    assert reply.status == 400
    assert reply.json["type"].endswith(slug)
    if slug == "invalid-event":
        assert all(error["loc"][0] == "body" for error in reply.json["errors"])
    assert queued(events_queue) == []


def test_w10_an_oversized_body_is_413(local_aws: LocalAws, webhook_secret: str, events_queue: str) -> None:
    body = json.dumps({**proposal_created("fl", "p1"), "padding": "x" * 70_000}).encode()
    reply = post(local_aws, body, signed_headers(webhook_secret, new_id("msg"), body))
    assert reply.status == 413
    assert queued(events_queue) == []


def test_the_same_id_with_another_body_is_409(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    msg_id = new_id("msg")
    first, second = event_bytes("p1"), event_bytes("p2")
    assert post(local_aws, first, signed_headers(webhook_secret, msg_id, first)).status == 202
    assert post(local_aws, second, signed_headers(webhook_secret, msg_id, second)).status == 409
    assert len(queued(events_queue)) == 1


def test_w11_a_send_failure_is_503_and_the_retry_queues_it(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    # Given SQS failing the first SendMessage (botocore Stubber: a failure the emulator cannot produce)
    msg_id, body = new_id("msg"), event_bytes()
    with Stubber(aws.client("sqs")) as stubber:
        stubber.add_client_error(
            "send_message", service_error_code="ServiceUnavailable", http_status_code=503
        )
        reply = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    # Then the sender is told to retry, nothing was acknowledged and the reservation was released
    assert reply.status == 503
    assert "retry-after" in reply.headers
    assert queued(events_queue) == []
    assert receipts.get(msg_id) is None
    # When the sender retries
    retry = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    # Then it is queued once
    assert retry.status == 202
    assert len(queued(events_queue)) == 1


def test_a_reservation_that_never_reached_the_queue_is_queued_on_redelivery(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    # Given a delivery that crashed after reserving its id but before queueing (receipt left `reserved`)
    msg_id, body = new_id("msg"), event_bytes()
    import hashlib

    assert receipts.reserve(msg_id, hashlib.sha256(body).hexdigest(), datetime.now(UTC)) is None
    # When the sender redelivers it
    reply = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    # Then it is queued now (not answered "duplicate" with nothing queued)
    assert reply.status == 202
    assert len(queued(events_queue)) == 1
    assert receipts.get(msg_id).status == "queued"  # type: ignore[union-attr]


def test_d11_a_receipt_is_created_once() -> None:
    event_id = f"msg-{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    assert receipts.reserve(event_id, "hash", now) is None
    again = receipts.reserve(event_id, "hash", now)
    assert again is not None
    assert again.status == "reserved"


def test_the_function_url_root_serves_the_same_receiver(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    msg_id, body = new_id("msg"), event_bytes()
    event = local_aws.apigw_event(
        "POST", "/", body=body.decode(), headers=signed_headers(webhook_secret, msg_id, body)
    )
    raw = local_aws.invoke("WebhooksFunction", event)
    assert raw["statusCode"] == 202
    assert len(queued(events_queue)) == 1


def _receipts_client() -> Any:
    """The botocore client the receipts' PynamoDB model calls through (to stub its answers)."""
    return WebhookReceipt._get_connection().connection.client


def test_a_receipt_store_failure_is_503_and_queues_nothing(
    local_aws: LocalAws, webhook_secret: str, events_queue: str
) -> None:
    msg_id, body = new_id("msg"), event_bytes()
    with Stubber(_receipts_client()) as stubber:
        stubber.add_client_error(
            "put_item", service_error_code="ProvisionedThroughputExceededException", http_status_code=400
        )
        reply = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    assert reply.status == 503
    assert reply.json["type"].endswith("service-unavailable")
    assert queued(events_queue) == []


def _raise(error: Exception) -> Any:
    def _call(*_: Any, **__: Any) -> Any:
        raise error

    return _call


def test_a_coding_error_writing_the_receipt_is_a_500_not_a_503(
    local_aws: LocalAws, webhook_secret: str, events_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a bug inside the receipt write (not an AWS error: issue 10, "catch what you mean")
    msg_id, body = new_id("msg"), event_bytes()
    monkeypatch.setattr(WebhookReceipt, "save", _raise(TypeError("bad Item")))
    reply = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    # Then it is not disguised as "storage unavailable": the handler's last resort answers 500
    assert reply.status == 500
    assert reply.json["type"].endswith("/internal")
    assert queued(events_queue) == []


def test_a_coding_error_sending_is_a_500_and_the_retry_still_queues_it(
    local_aws: LocalAws, webhook_secret: str, events_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a bug inside SendMessage's call
    msg_id, body = new_id("msg"), event_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(aws.client("sqs"), "send_message", _raise(TypeError("bad MessageAttributes")))
        reply = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    # Then the delivery fails loudly (500, not the 503 of an SQS outage) and nothing is acknowledged
    assert reply.status == 500
    assert reply.json["type"].endswith("/internal")
    assert queued(events_queue) == []
    assert receipts.get(msg_id).status == "reserved"  # type: ignore[union-attr]
    # When the sender retries (the bug fixed), the reserved receipt is queued once: nothing is lost
    retry = post(local_aws, body, signed_headers(webhook_secret, msg_id, body))
    assert retry.status == 202
    assert len(queued(events_queue)) == 1
