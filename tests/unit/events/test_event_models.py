"""Event shapes (API.md table): what is accepted, what is refused, what is normalised."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from bidcraft.events.models import (
    Envelope,
    PaymentReceived,
    ProposalCreated,
    event_errors,
    parse_envelope,
    parse_event,
)


def body(kind: str, **data: Any) -> bytes:
    return json.dumps(
        {"type": kind, "timestamp": "2025-03-01T10:00:00Z", "data": {"freelancer_id": "fl-1", **data}}
    ).encode()


CREATED = {
    "proposal_id": "p1",
    "job_title": "Build an API",
    "category": "Web",
    "submitted_at": "2025-03-01T09:00:00Z",
}


def test_a_proposal_created_event_parses() -> None:
    event = parse_event(body("proposal.created", **CREATED, budget=1500, hourly_rate="45.50"))
    assert isinstance(event, ProposalCreated)
    assert event.data.budget == Decimal("1500")
    assert event.data.hourly_rate == Decimal("45.50")


def test_money_is_exact_and_currency_normalised() -> None:
    event = parse_event(
        body(
            "payment.received",
            payment_id="x",
            amount=0.1,
            currency="usd",
            occurred_at="2025-03-01T00:00:00+02:00",
        )
    )
    assert isinstance(event, PaymentReceived)
    assert event.data.amount == Decimal("0.1")
    assert event.data.currency == "USD"
    assert event.data.occurred_at.utcoffset() is not None


def test_extra_fields_are_ignored_not_echoed() -> None:
    event = parse_event(body("proposal.created", **CREATED, is_admin=True))
    assert "is_admin" not in event.model_dump_json()


@pytest.mark.parametrize(
    ("raw", "location"),
    [
        (
            json.dumps(
                {"type": "proposal.deleted", "timestamp": "2025-03-01T10:00:00Z", "data": {}}
            ).encode(),
            "type",
        ),
        (
            body("proposal.updated", proposal_id="p1", status="won", occurred_at="2025-03-01T00:00:00Z"),
            "status",
        ),
        (
            body("proposal.updated", proposal_id="p1", status="viewed", occurred_at="2025-03-01T00:00:00"),
            "occurred_at",
        ),
        (body("proposal.created", **{**CREATED, "proposal_id": "p#1"}), "proposal_id"),
        (
            body(
                "payment.received",
                payment_id="x",
                amount=-5,
                currency="USD",
                occurred_at="2025-03-01T00:00:00Z",
            ),
            "amount",
        ),
        (
            body(
                "payment.received",
                payment_id="x",
                amount="NaN",
                currency="USD",
                occurred_at="2025-03-01T00:00:00Z",
            ),
            "amount",
        ),
        (body("contract.ended", contract_id="c1"), "ended_at"),
    ],
)
def test_unknown_or_invalid_shapes_are_refused_with_a_location(raw: bytes, location: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_event(raw)
    errors = event_errors(caught.value)
    assert any(error["loc"][0] == "body" and error["loc"][-1] == location for error in errors), errors


@pytest.mark.parametrize("raw", [b"{not json", b"", "\udcff".encode("utf-8", "surrogatepass"), b"[1, 2"])
def test_non_json_is_reported_as_json_invalid(raw: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_event(raw)
    assert caught.value.errors()[0]["type"] == "json_invalid"


def test_envelope_round_trip() -> None:
    event = parse_event(body("proposal.created", **CREATED))
    envelope = Envelope.wrap("msg_1", event)
    again = parse_envelope(envelope.to_json())
    assert again == envelope
    assert again.freelancer_id == "fl-1"
