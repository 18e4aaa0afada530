"""Receiving one signed delivery: verify, validate, deduplicate, queue — in that order.

1. Verify the Standard Webhooks signature over the raw bytes *before* parsing anything (401 otherwise, with
   a security log line and an audit record; the reason stays in the logs, the client sees one generic 401).
2. Validate the body: strict JSON as the API parses it (`bidcraft.strict_json`: a repeated member name, NaN or
   an integer past 4,300 digits is 400 `malformed-json`), then the event models (400 `invalid-event` with
   field errors).
3. Reserve the `webhook-id` (conditional put). A new id is queued, then the receipt marked `queued`, and only
   then `202 accepted`. If SQS fails the reservation is released and the answer is 503: the sender retries
   and nothing is lost. A known, queued id answers `200 duplicate`. A known id whose first delivery never
   reached the queue (a `reserved` receipt: SQS failed and the release failed too, or a crash) is queued
   now and answered `202 accepted`, so no crash point can lose an event. At worst the same event is queued
   twice; the worker applies it once (markers). The same id with a different body is refused (409): ids are
   unique per message by the specification.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import TypeAdapter, ValidationError

from bidcraft import aws, clock, config, secrets, strict_json
from bidcraft.errors import BadRequest, ConfigurationError, Conflict, InvalidSignature, ServiceUnavailable
from bidcraft.events import queue
from bidcraft.events.models import Envelope, EventId, event_errors, parse_event
from bidcraft.observability import count
from bidcraft.webhooks import receipts, signature

logger = logging.getLogger(__name__)

SIGNATURE_FAILURE_ACTION = "webhook_signature_fail"
_EVENT_ID: TypeAdapter[str] = TypeAdapter(EventId)


class WebhookSettings(config.BaseSettings):
    webhook_secret_arn: str
    events_queue_url: str
    idempotency_table: str


@dataclass(frozen=True)
class Caller:
    """Where a delivery came from, for the security log (as the Function URL / API Gateway saw it)."""

    ip: str = "unknown"
    user_agent: str = ""
    request_id: str = ""


@dataclass(frozen=True)
class Ack:
    status: Literal["accepted", "duplicate"]
    event_id: str

    @property
    def http_status(self) -> int:
        return 202 if self.status == "accepted" else 200


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _keys() -> list[bytes]:
    value = secrets.get(config.load(WebhookSettings).webhook_secret_arn)
    try:
        return signature.decode_secrets(value)
    except ValueError as exc:
        raise ConfigurationError("The webhook secret is malformed") from exc


def _refuse_signature(reason: str, caller: Caller) -> InvalidSignature:
    logger.warning(
        "webhook signature rejected",
        extra={"security_event": SIGNATURE_FAILURE_ACTION, "reason": reason, "source_ip": caller.ip},
    )
    try:
        from bidcraft.security import audit

        audit.record_quietly(
            audit.RequestMeta(ip=caller.ip, user_agent=caller.user_agent, request_id=caller.request_id),
            SIGNATURE_FAILURE_ACTION,
            user_id=None,
            outcome="failure",
            severity="medium",
            details={"reason": reason},
        )
    except Exception:  # deliberately broad: the refusal stands whatever happens to its record
        logger.exception("webhook audit record lost")
    return InvalidSignature("The webhook signature is missing, invalid or expired")


def _event_id(value: str) -> str:
    try:
        return _EVENT_ID.validate_python(value)
    except ValidationError as exc:
        raise BadRequest(
            "webhook-id must be 1-256 characters of letters, digits and ._:~@+=/-", slug="invalid-event"
        ) from exc


def _validated(body: bytes, event_id: str, now: datetime) -> Envelope:
    try:
        strict_json.loads(body)  # the API's JSON rules: no repeated member names, no NaN, no huge integers
    except json.JSONDecodeError as exc:
        raise BadRequest("The request body is not valid JSON", slug="malformed-json") from exc
    try:
        event = parse_event(body)
    except ValidationError as exc:
        errors = exc.errors()
        if any(err.get("type") == "json_invalid" for err in errors):
            raise BadRequest("The request body is not valid JSON", slug="malformed-json") from exc
        raise BadRequest(
            "The event does not match a known event type and shape",
            slug="invalid-event",
            errors=event_errors(exc),
        ) from exc
    return Envelope(event_id=event_id, received_at=now, event=event)


def _queue(envelope: Envelope) -> None:
    try:
        message_id = queue.send(envelope)
    except aws.AWS_ERRORS as exc:
        logger.exception("webhook event not queued", extra={"event_id": envelope.event_id})
        try:
            receipts.release(envelope.event_id)
        except receipts.StorageFailed:
            # The receipt stays `reserved`: the sender's retry finds it and queues the event then.
            logger.exception("webhook receipt not released", extra={"event_id": envelope.event_id})
        raise ServiceUnavailable("The event could not be queued; retry the delivery", retry_after=5) from exc
    try:
        receipts.mark_queued(envelope.event_id, message_id)
    except receipts.StorageFailed:
        # Queued all the same. A retry of this delivery would queue it again; the worker dedupes.
        logger.exception("webhook receipt not marked queued", extra={"event_id": envelope.event_id})


def receive(
    headers: Mapping[str, str], body: bytes, *, caller: Caller | None = None, now: datetime | None = None
) -> Ack:
    """Handle one delivery; raises a DomainError (401/400/409/503) when it is refused."""
    caller = caller or Caller()
    now = now or clock.now()
    msg_id = _header(headers, "webhook-id")
    try:
        signature.verify(
            _keys(),
            msg_id=msg_id,
            timestamp=_header(headers, "webhook-timestamp"),
            signature_header=_header(headers, "webhook-signature"),
            body=body,
            now=clock.epoch(now),
        )
    except signature.VerificationError as exc:
        raise _refuse_signature(exc.reason, caller) from exc
    event_id = _event_id(msg_id or "")
    envelope = _validated(body, event_id, now)
    body_sha256 = hashlib.sha256(body).hexdigest()

    try:
        existing = receipts.reserve(event_id, body_sha256, now)
    except receipts.StorageFailed as exc:
        logger.exception("webhook receipt not written", extra={"event_id": event_id})
        raise ServiceUnavailable("The event could not be recorded; retry the delivery") from exc
    if existing is None:
        _queue(envelope)
        logger.info("webhook accepted", extra={"event_id": event_id, "event_type": envelope.event.type})
        count("WebhookReceived", outcome="accepted")
        return Ack("accepted", event_id)
    if existing.body_sha256 and existing.body_sha256 != body_sha256:
        logger.warning("webhook id reused with another body", extra={"event_id": event_id})
        raise Conflict("This webhook-id was already used for a different event", slug="webhook-id-reused")
    if existing.status != "queued":
        # The first delivery never reached the queue (its answer was a 503, or it crashed): queue it now.
        _queue(envelope)
        logger.info("webhook accepted on redelivery", extra={"event_id": event_id})
        count("WebhookReceived", outcome="accepted")
        return Ack("accepted", event_id)
    logger.info("webhook duplicate", extra={"event_id": event_id})
    count("WebhookReceived", outcome="duplicate")
    return Ack("duplicate", event_id)
