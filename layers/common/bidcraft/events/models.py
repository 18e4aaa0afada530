"""The internal events (API.md "Upwork data and events") and the envelope they travel in.

One model per event type, a discriminated union on `type`, and the queue envelope
`{"event_id", "received_at", "event"}`. Webhook bodies and Upwork sync results become the same models.

Shapes are strict where it matters (types, required fields, timezone-aware times, identifiers that are safe
inside DynamoDB sort keys) and lenient where senders evolve: unknown extra fields are ignored, not echoed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from bidcraft import clock
from bidcraft.analytics.models import ProposalStatus

# Identifiers end up in keys (`PROPOSAL#<id>`, `EVENT#<id>`): no `#`, no whitespace or control characters.
Identifier = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[^#\s\x00-\x1f\x7f]+$")]
Text = Annotated[str, Field(min_length=1, max_length=500)]
Category = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^#\x00-\x1f\x7f]+$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4, allow_inf_nan=False)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
UtcTime = AwareDatetime

EVENT_TYPES = (
    "proposal.created",
    "proposal.updated",
    "contract.started",
    "contract.ended",
    "payment.received",
)
EventType = Literal[
    "proposal.created", "proposal.updated", "contract.started", "contract.ended", "payment.received"
]


class _Data(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    freelancer_id: Identifier


class ProposalCreatedData(_Data):
    proposal_id: Identifier
    job_title: Text
    category: Category
    budget: Money | None = None
    hourly_rate: Money | None = None
    submitted_at: UtcTime

    @property
    def occurred_at(self) -> datetime:
        return self.submitted_at


class ProposalUpdatedData(_Data):
    proposal_id: Identifier
    status: ProposalStatus
    occurred_at: UtcTime


class ContractStartedData(_Data):
    contract_id: Identifier
    proposal_id: Identifier | None = None
    hourly_rate: Money | None = None
    fixed_amount: Money | None = None
    started_at: UtcTime

    @property
    def occurred_at(self) -> datetime:
        return self.started_at


class ContractEndedData(_Data):
    contract_id: Identifier
    ended_at: UtcTime

    @property
    def occurred_at(self) -> datetime:
        return self.ended_at


class PaymentReceivedData(_Data):
    payment_id: Identifier
    contract_id: Identifier | None = None
    amount: Money
    currency: Currency
    # Extension: the USD value of a non-USD payment, when the sender knows the rate. Without it a non-USD
    # payment is kept in its own currency and counted apart from the USD `earnings`.
    amount_usd: Money | None = None
    occurred_at: UtcTime

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    timestamp: UtcTime


class ProposalCreated(_Event):
    type: Literal["proposal.created"]
    data: ProposalCreatedData


class ProposalUpdated(_Event):
    type: Literal["proposal.updated"]
    data: ProposalUpdatedData


class ContractStarted(_Event):
    type: Literal["contract.started"]
    data: ContractStartedData


class ContractEnded(_Event):
    type: Literal["contract.ended"]
    data: ContractEndedData


class PaymentReceived(_Event):
    type: Literal["payment.received"]
    data: PaymentReceivedData


Event = Annotated[
    ProposalCreated | ProposalUpdated | ContractStarted | ContractEnded | PaymentReceived,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

EventId = Annotated[str, Field(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9._:~@+=/-]+$")]


class Envelope(BaseModel):
    """What the events queue carries: `{"event_id", "received_at", "event"}`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: EventId
    received_at: UtcTime
    event: Event

    @property
    def freelancer_id(self) -> str:
        return self.event.data.freelancer_id

    @property
    def occurred_at(self) -> datetime:
        return self.event.data.occurred_at

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def wrap(cls, event_id: str, event: Event, received_at: datetime | None = None) -> Envelope:
        return cls(event_id=event_id, received_at=received_at or clock.now(), event=event)


def parse_event(raw: bytes | str) -> Event:
    """A webhook body → an event; pydantic ValidationError (with `json_invalid` for non-JSON) otherwise."""
    return EVENT_ADAPTER.validate_json(raw)


def event_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Field errors of a refused webhook body, `[{"loc": ["body", ...], "msg"}]`, without echoing input."""
    found = []
    for error in exc.errors():
        if str(error.get("type", "")).startswith("union_tag"):
            loc: list[str] = ["body", "type"]
            msg = "type must be one of " + ", ".join(EVENT_TYPES)
        else:
            loc = ["body", *(str(part) for part in error.get("loc", ()))]
            msg = str(error.get("msg", "invalid"))
        found.append({"loc": loc, "msg": msg})
    return found


def parse_envelope(raw: str | bytes) -> Envelope:
    return Envelope.model_validate_json(raw)


def event_json_schema() -> dict[str, Any]:
    """The JSON schema of a webhook body, self-contained (no `$ref`), for the OpenAPI document."""
    schema = EVENT_ADAPTER.json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items() if key != "discriminator"}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return dict(inline(schema))
