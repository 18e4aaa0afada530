"""Webhooks: the Standard Webhooks receiver (Lambda Function URL; `POST /webhooks/upwork` on the local stack).

The body is never parsed by the resolver (no body parameter, `json_only=False`): the signature is checked over
the raw bytes first. The headers are declared only to document them; the receiver reads them itself, so a
missing header is a 401 (as Standard Webhooks says), not a 422.
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

import base64
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from bidcraft.events.models import event_json_schema
from bidcraft.http import create_app, docs, lambda_handler_for, request
from bidcraft.webhooks import receiver

app = create_app("webhooks")


class WebhookAck(BaseModel):
    status: Literal["accepted", "duplicate"]
    event_id: str


_RESPONSES: dict[int, OpenAPIResponse] = {
    202: {
        "description": "Verified and durably queued; a worker applies it",
        "content": {"application/json": {"model": WebhookAck}},
    },
    200: {
        "description": "This webhook-id was received before (nothing is queued twice)",
        "content": {"application/json": {"model": WebhookAck}},
    },
    400: docs.problem("Body is not JSON (`malformed-json`) or not a known event shape (`invalid-event`)"),
    401: docs.problem("Missing or invalid signature headers, or a timestamp more than 5 minutes off"),
    409: docs.problem("The webhook-id was already used for a different body"),
    413: docs.problem("Body over 64 KiB"),
    503: docs.problem("The event could not be queued; retry the delivery (Retry-After)"),
}
_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "description": "An event `{type, timestamp, data}`, signed over these exact bytes",
        "content": {"application/json": {"schema": event_json_schema()}},
    }
}

WebhookId = Annotated[str | None, Header(description="Unique message id; deliveries are deduplicated on it")]
WebhookTimestamp = Annotated[
    str | None, Header(description="Unix seconds when signed; refused when more than 300 s off")
]
WebhookSignature = Annotated[
    str | None,
    Header(description="Space-separated `v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>` signatures"),
]


def raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return str(body).encode("utf-8")


def _receive() -> Response[WebhookAck]:
    event = app.current_event.raw_event
    caller = receiver.Caller(
        ip=request.source_ip(event),
        user_agent=request.user_agent(event),
        request_id=request.request_id(event),
    )
    ack = receiver.receive(dict(event.get("headers") or {}), raw_body(event), caller=caller)
    body = WebhookAck(status=ack.status, event_id=ack.event_id)
    return Response(status_code=ack.http_status, content_type="application/json", body=body)


@app.post(
    "/webhooks/upwork",
    summary="Receive a signed Upwork event (Standard Webhooks)",
    tags=["webhooks"],
    responses=_RESPONSES,
    openapi_extensions=_REQUEST_BODY,
)
def receive_upwork_event(
    webhook_id: WebhookId = None,
    webhook_timestamp: WebhookTimestamp = None,
    webhook_signature: WebhookSignature = None,
) -> Response[WebhookAck]:
    return _receive()


@app.post("/", include_in_schema=False)
def receive_at_function_url_root() -> Response[WebhookAck]:
    """The Function URL's own root: the same receiver."""
    return _receive()


lambda_handler = lambda_handler_for(app, json_only=False, public=True)
startup.finished()
