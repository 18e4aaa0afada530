"""Lambda events as AWS builds them: HTTP API payload 2.0, Function URL, SQS, EventBridge schedule."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
LOCAL_API_ID = "local"


def _request_time(now: datetime) -> str:
    return now.strftime("%d/%b/%Y:%H:%M:%S +0000")


def _join_headers(headers: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """Lower-case names, repeats joined with commas; `cookie` headers become the `cookies` list."""
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined, cookies


def query_parameters(raw_query: str) -> dict[str, str]:
    """`a=1&a=2&b=x` → `{"a": "1,2", "b": "x"}` as API Gateway joins repeated query parameters."""
    joined: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined


def encode_body(body: bytes | str | None) -> tuple[str | None, bool]:
    """Text bodies stay text; bodies that are not UTF-8 are base64-encoded."""
    if body is None or body in (b"", ""):
        return None, False
    if isinstance(body, str):
        return body, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def http_event(
    method: str,
    raw_path: str,
    *,
    raw_query: str = "",
    headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    body: bytes | str | None = None,
    source_ip: str = "127.0.0.1",
    route_key: str = "$default",
    path_parameters: Mapping[str, str] | None = None,
    api_id: str = LOCAL_API_ID,
    account_id: str = DEFAULT_ACCOUNT,
    port: int | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) event; a Function URL event has route key `$default`."""
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    joined, cookies = _join_headers(pairs)
    forwarded = joined.get("x-forwarded-for")
    joined["x-forwarded-for"] = f"{forwarded}, {source_ip}" if forwarded else source_ip
    joined.setdefault("x-forwarded-proto", "http")
    if port is not None:
        joined.setdefault("x-forwarded-port", str(port))
    domain = joined.get("host", f"{api_id}.execute-api.{DEFAULT_REGION}.amazonaws.com")
    now = datetime.now(UTC)
    text, is_base64 = encode_body(body)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": joined,
        "requestContext": {
            "accountId": account_id,
            "apiId": api_id,
            "domainName": domain,
            "domainPrefix": domain.split(".", 1)[0],
            "http": {
                "method": method.upper(),
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": _request_time(now),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": is_base64,
    }
    if cookies:
        event["cookies"] = cookies
    if raw_query:
        event["queryStringParameters"] = query_parameters(raw_query)
    if path_parameters:
        event["pathParameters"] = {name: unquote(value) for name, value in path_parameters.items()}
    if text is not None:
        event["body"] = text
    return event


def sqs_record(
    body: str,
    *,
    queue_arn: str,
    message_id: str | None = None,
    receipt_handle: str | None = None,
    receive_count: int = 1,
    attributes: Mapping[str, str] | None = None,
    message_attributes: Mapping[str, Any] | None = None,
    region: str = DEFAULT_REGION,
) -> dict[str, Any]:
    """One record of an SQS event, as a Lambda event-source mapping delivers it."""
    now_ms = str(int(time.time() * 1000))
    record_attributes = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": now_ms,
        "SenderId": "AIDAIENQZJOLO23YVJ4VO",
        "ApproximateFirstReceiveTimestamp": now_ms,
    }
    record_attributes.update(attributes or {})
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": receipt_handle or base64.b64encode(uuid.uuid4().bytes).decode(),
        "body": body,
        "attributes": record_attributes,
        "messageAttributes": dict(message_attributes or {}),
        "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def sqs_message_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """SQS API `MessageAttributes` (`StringValue`, `DataType`) → Lambda record form (`stringValue`, ...)."""
    converted: dict[str, Any] = {}
    for name, value in attributes.items():
        record: dict[str, Any] = {
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType", "String"),
        }
        if "StringValue" in value:
            record["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            raw = value["BinaryValue"]
            record["binaryValue"] = base64.b64encode(raw).decode() if isinstance(raw, bytes) else raw
        converted[name] = record
    return converted


def sqs_event_from_messages(
    messages: Iterable[Mapping[str, Any]], *, queue_arn: str, region: str = DEFAULT_REGION
) -> dict[str, Any]:
    """Build the Lambda SQS event from `ReceiveMessage` results (AttributeNames/MessageAttributeNames All)."""
    records = []
    for message in messages:
        attributes = dict(message.get("Attributes") or {})
        records.append(
            sqs_record(
                message["Body"],
                queue_arn=queue_arn,
                message_id=message["MessageId"],
                receipt_handle=message["ReceiptHandle"],
                receive_count=int(attributes.pop("ApproximateReceiveCount", "1")),
                attributes=attributes,
                message_attributes=sqs_message_attributes(message.get("MessageAttributes") or {}),
                region=region,
            )
        )
    return {"Records": records}


def sqs_event(
    *bodies: str | Mapping[str, Any], queue_arn: str, region: str = DEFAULT_REGION
) -> dict[str, Any]:
    """A test-friendly SQS event: each body a string or a JSON-serialisable mapping."""
    records = [
        sqs_record(body if isinstance(body, str) else json.dumps(body), queue_arn=queue_arn, region=region)
        for body in bodies
    ]
    return {"Records": records}


def schedule_event(
    rule_name: str, *, region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT
) -> dict[str, Any]:
    """An EventBridge `Scheduled Event`."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account_id}:rule/{rule_name}"],
        "detail": {},
    }


@dataclass
class LambdaContext:
    """The subset of the Lambda Python runtime's context object that code reads."""

    function_name: str
    memory_limit_in_mb: int = 128
    timeout_seconds: float = 3.0
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    identity: Any = None
    client_context: Any = None
    _started: float = field(default_factory=time.monotonic, repr=False)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]local"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))
