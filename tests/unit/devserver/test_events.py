"""Lambda events built like AWS builds them."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest

from devserver.events import (
    LambdaContext,
    http_event,
    query_parameters,
    schedule_event,
    sqs_event,
    sqs_event_from_messages,
)


def test_http_event_is_payload_format_2_0() -> None:
    event = http_event(
        "post",
        "/auth/upwork/init",
        raw_query="a=1&a=2&b=x%20y",
        headers=[
            ("Content-Type", "application/json"),
            ("X-Custom", "one"),
            ("x-custom", "two"),
            ("User-Agent", "ua/1"),
            ("Cookie", "c1=v1; c2=v2"),
            ("Host", "127.0.0.1:3000"),
        ],
        body=b'{"k": "v"}',
        source_ip="203.0.113.9",
        route_key="ANY /auth/{proxy+}",
        path_parameters={"proxy": "upwork/init"},
        port=3000,
    )

    assert event["version"] == "2.0"
    assert event["routeKey"] == "ANY /auth/{proxy+}"
    assert event["rawPath"] == "/auth/upwork/init"
    assert event["rawQueryString"] == "a=1&a=2&b=x%20y"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x y"}
    assert event["pathParameters"] == {"proxy": "upwork/init"}
    assert event["headers"]["x-custom"] == "one,two"
    assert event["headers"]["content-type"] == "application/json"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["headers"]["x-forwarded-for"] == "203.0.113.9"
    assert event["headers"]["x-forwarded-port"] == "3000"
    assert event["body"] == '{"k": "v"}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/auth/upwork/init",
        "protocol": "HTTP/1.1",
        "sourceIp": "203.0.113.9",
        "userAgent": "ua/1",
    }
    assert context["routeKey"] == "ANY /auth/{proxy+}"
    assert context["stage"] == "$default"
    assert context["domainName"] == "127.0.0.1:3000"
    assert abs(context["timeEpoch"] - time.time() * 1000) < 5000
    assert context["requestId"]


def test_client_sent_forwarded_for_is_kept_but_source_ip_is_the_peer() -> None:
    event = http_event("GET", "/", headers={"X-Forwarded-For": "6.6.6.6"}, source_ip="127.0.0.1")

    assert event["headers"]["x-forwarded-for"] == "6.6.6.6, 127.0.0.1"
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"


def test_optional_fields_are_absent_when_empty() -> None:
    event = http_event("GET", "/health")

    for key in ("body", "queryStringParameters", "pathParameters", "cookies"):
        assert key not in event


def test_binary_bodies_are_base64_encoded() -> None:
    raw = bytes(range(256))

    event = http_event("POST", "/upload", body=raw)

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == raw


def test_query_parameters_keep_blank_values() -> None:
    assert query_parameters("a=&b=2&b=3") == {"a": "", "b": "2,3"}


def test_sqs_records_carry_what_lambda_delivers() -> None:
    event = sqs_event({"type": "x"}, "plain", queue_arn="arn:aws:sqs:us-east-1:123456789012:q")

    first, second = event["Records"]
    assert json.loads(first["body"]) == {"type": "x"}
    assert second["body"] == "plain"
    assert first["eventSource"] == "aws:sqs"
    assert first["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:q"
    assert first["md5OfBody"] == hashlib.md5(first["body"].encode(), usedforsecurity=False).hexdigest()
    assert first["attributes"]["ApproximateReceiveCount"] == "1"
    assert first["messageId"] != second["messageId"]


def test_sqs_event_from_received_messages_converts_attributes() -> None:
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "rh-1",
        "Body": "hello",
        "Attributes": {"ApproximateReceiveCount": "3", "SentTimestamp": "1"},
        "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "proposal"}},
    }

    (record,) = sqs_event_from_messages([message], queue_arn="arn:q")["Records"]

    assert (record["messageId"], record["receiptHandle"], record["body"]) == ("m-1", "rh-1", "hello")
    assert record["attributes"]["ApproximateReceiveCount"] == "3"
    assert record["attributes"]["SentTimestamp"] == "1"
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "proposal",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }


def test_schedule_event_is_an_eventbridge_scheduled_event() -> None:
    event = schedule_event("SyncWorkerFunction-Schedule")

    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/SyncWorkerFunction-Schedule"]
    assert event["time"].endswith("Z")


def test_lambda_context_counts_down_from_the_timeout() -> None:
    context = LambdaContext("fn", memory_limit_in_mb=256, timeout_seconds=3)

    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:fn"
    assert 2500 < context.get_remaining_time_in_millis() <= 3000
    assert context.memory_limit_in_mb == 256
    assert context.aws_request_id != LambdaContext("fn").aws_request_id


@pytest.mark.parametrize("body", [None, b"", ""])
def test_empty_body_is_omitted(body: bytes | str | None) -> None:
    assert "body" not in http_event("POST", "/x", body=body)
