"""Upwork records → internal events: deterministic ids, current status plus implied milestones, no debits."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bidcraft.events.models import PaymentReceived, ProposalCreated, ProposalUpdated
from bidcraft.sync import convert
from bidcraft.upwork.models import UpworkContract, UpworkPayment, UpworkProposal

NOW = datetime(2025, 6, 1, tzinfo=UTC)
SUBMITTED = datetime(2025, 3, 5, 10, tzinfo=UTC)
MODIFIED = datetime(2025, 3, 9, 10, tzinfo=UTC)


def proposal(status: str, *, proposal_id: str = "1001", **extra: object) -> UpworkProposal:
    return UpworkProposal(
        proposal_id=proposal_id,
        job_title="Build an API",
        category="Web Development",
        status=status,  # type: ignore[arg-type]
        upwork_status="x",
        hourly_rate=45.5,
        submitted_at=SUBMITTED,
        updated_at=MODIFIED,
        **extra,  # type: ignore[arg-type]
    )


def test_a_pending_proposal_is_one_creation() -> None:
    events = convert.proposal_events(proposal("submitted"), "fl-1", NOW)
    assert [e.event_id for e in events] == ["sync:proposal:1001:created"]
    event = events[0].event
    assert isinstance(event, ProposalCreated)
    assert event.data.hourly_rate == Decimal("45.5")
    assert event.data.submitted_at == SUBMITTED


def test_a_declined_proposal_is_its_creation_and_status_and_no_invented_view() -> None:
    events = convert.proposal_events(proposal("declined"), "fl-1", NOW)
    assert [e.event_id for e in events] == ["sync:proposal:1001:created", "sync:proposal:1001:declined"]
    declined = events[1].event
    assert isinstance(declined, ProposalUpdated)
    assert declined.data.occurred_at == MODIFIED


def test_ids_are_stable_across_syncs_and_safe_in_keys() -> None:
    first = convert.proposal_events(proposal("hired", proposal_id="a#b c"), "fl-1", NOW)
    second = convert.proposal_events(proposal("hired", proposal_id="a#b c"), "fl-1", datetime.now(UTC))
    assert [e.event_id for e in first] == [e.event_id for e in second]
    assert all("#" not in e.event_id and " " not in e.event_id for e in first)


def test_a_record_that_does_not_fit_is_skipped() -> None:
    assert convert.proposal_events(proposal("hired", proposal_id="x" * 200), "fl-1", NOW) == []


def test_contracts_and_payments() -> None:
    contract = UpworkContract(
        contract_id="2001",
        proposal_id="1001",
        status="closed",
        hourly_rate=45.0,
        started_at=SUBMITTED,
        ended_at=MODIFIED,
    )
    assert [e.event.type for e in convert.contract_events(contract, "fl-1", NOW)] == [
        "contract.started",
        "contract.ended",
    ]
    credit = UpworkPayment(
        payment_id="5001", contract_id="2001", amount=120.1, currency="USD", occurred_at=MODIFIED
    )
    debit = UpworkPayment(payment_id="5002", amount=-12.0, occurred_at=MODIFIED)
    [payment] = convert.payment_events(credit, "fl-1", NOW)
    assert payment.event_id == "sync:payment:5001"
    assert isinstance(payment.event, PaymentReceived)
    assert payment.event.data.amount == Decimal("120.1")
    assert convert.payment_events(debit, "fl-1", NOW) == []


def test_events_from_streams_and_counts_records() -> None:
    counts: dict[str, int] = {}
    events = list(convert.events_from([proposal("viewed")], [], [], "fl-1", NOW, counts))
    assert len(events) == 2
    assert counts == {"proposals": 1}
