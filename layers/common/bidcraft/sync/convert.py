"""Upwork records → the same internal events as the webhooks (pure; no I/O).

Event ids are derived from what they say, so a re-sync produces the same ids and changes nothing:
`sync:proposal:<id>:created`, `sync:proposal:<id>:<status>`, `sync:contract:<id>:started|ended`,
`sync:payment:<id>`. Upwork reports a proposal's *current* status, not its history, and nothing about whether
the client viewed it: a proposal becomes `proposal.created` at `submitted_at` and one `proposal.updated` with
its current status at its last modification. `viewed` only ever comes from relayed events.
A record that does not fit the event models is skipped with a warning, never fatal to the sync.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from bidcraft.events.models import EVENT_ADAPTER, Envelope
from bidcraft.upwork.models import UpworkContract, UpworkPayment, UpworkProposal

logger = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"^[A-Za-z0-9._~@+=-]{1,100}$")


def _id_part(value: str) -> str:
    """An entity id as it may appear inside an event id (hashed when it has unusual characters)."""
    return value if _SAFE_ID.match(value) else "h-" + hashlib.sha256(value.encode()).hexdigest()[:32]


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 4)))


def _envelope(event_id: str, body: dict[str, Any], received_at: datetime) -> Envelope | None:
    try:
        event = EVENT_ADAPTER.validate_python(body)
    except ValidationError as exc:
        logger.warning(
            "upwork record skipped: it does not fit the event model",
            extra={"event_id": event_id, "errors": [".".join(map(str, e["loc"])) for e in exc.errors()][:5]},
        )
        return None
    return Envelope(event_id=event_id, received_at=received_at, event=event)


def _event(kind: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "timestamp": at, "data": data}


def proposal_events(proposal: UpworkProposal, freelancer_id: str, received_at: datetime) -> list[Envelope]:
    ident = _id_part(proposal.proposal_id)
    created = _event(
        "proposal.created",
        proposal.submitted_at,
        {
            "proposal_id": proposal.proposal_id,
            "freelancer_id": freelancer_id,
            "job_title": (proposal.job_title or "Untitled job")[:500],
            "category": (proposal.category or "Uncategorized")[:100],
            "budget": _money(proposal.budget),
            "hourly_rate": _money(proposal.hourly_rate),
            "submitted_at": proposal.submitted_at,
        },
    )
    found = [_envelope(f"sync:proposal:{ident}:created", created, received_at)]

    def update(status: str, at: datetime) -> None:
        data = {
            "proposal_id": proposal.proposal_id,
            "freelancer_id": freelancer_id,
            "status": status,
            "occurred_at": at,
        }
        found.append(
            _envelope(f"sync:proposal:{ident}:{status}", _event("proposal.updated", at, data), received_at)
        )

    if proposal.status != "submitted":
        update(proposal.status, max(proposal.updated_at, proposal.submitted_at))
    return [envelope for envelope in found if envelope is not None]


def contract_events(contract: UpworkContract, freelancer_id: str, received_at: datetime) -> list[Envelope]:
    ident = _id_part(contract.contract_id)
    found: list[Envelope | None] = []
    if contract.started_at is not None:
        data = {
            "contract_id": contract.contract_id,
            "freelancer_id": freelancer_id,
            "proposal_id": contract.proposal_id,
            "hourly_rate": _money(contract.hourly_rate),
            "fixed_amount": _money(contract.fixed_amount),
            "started_at": contract.started_at,
        }
        found.append(
            _envelope(
                f"sync:contract:{ident}:started",
                _event("contract.started", contract.started_at, data),
                received_at,
            )
        )
    if contract.ended_at is not None:
        data = {
            "contract_id": contract.contract_id,
            "freelancer_id": freelancer_id,
            "ended_at": contract.ended_at,
        }
        found.append(
            _envelope(
                f"sync:contract:{ident}:ended", _event("contract.ended", contract.ended_at, data), received_at
            )
        )
    return [envelope for envelope in found if envelope is not None]


def payment_events(payment: UpworkPayment, freelancer_id: str, received_at: datetime) -> list[Envelope]:
    if payment.amount <= 0:
        return []  # debits (fees, withdrawals) are not earnings
    data = {
        "payment_id": payment.payment_id,
        "freelancer_id": freelancer_id,
        "contract_id": payment.contract_id,
        "amount": _money(payment.amount),
        "currency": payment.currency,
        "occurred_at": payment.occurred_at,
    }
    envelope = _envelope(
        f"sync:payment:{_id_part(payment.payment_id)}",
        _event("payment.received", payment.occurred_at, data),
        received_at,
    )
    return [envelope] if envelope is not None else []


def events_from(
    proposals: Iterable[UpworkProposal],
    contracts: Iterable[UpworkContract],
    payments: Iterable[UpworkPayment],
    freelancer_id: str,
    received_at: datetime,
    counts: dict[str, int] | None = None,
) -> Iterator[Envelope]:
    """Every event of a sync, streamed (proposals, contracts, then payments); `counts` tallies records."""
    tally = counts if counts is not None else {}
    for proposal in proposals:
        tally["proposals"] = tally.get("proposals", 0) + 1
        yield from proposal_events(proposal, freelancer_id, received_at)
    for contract in contracts:
        tally["contracts"] = tally.get("contracts", 0) + 1
        yield from contract_events(contract, freelancer_id, received_at)
    for payment in payments:
        tally["payments"] = tally.get("payments", 0) + 1
        yield from payment_events(payment, freelancer_id, received_at)
