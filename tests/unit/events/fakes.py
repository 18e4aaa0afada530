"""An in-memory EventStore with DynamoDB's transaction semantics (all-or-nothing, conditions checked first),
and small builders of event envelopes."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bidcraft.analytics import models as m
from bidcraft.analytics.store import CommitRejected, WriteBatch
from bidcraft.events.models import EVENT_ADAPTER, Envelope

_ids = itertools.count(1)
FREELANCER = "fl-1"
USER = "u-1"


def at(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class FakeStore:
    def __init__(self) -> None:
        self.entities: dict[tuple[str, str], m.Entity] = {}
        self.markers: set[tuple[str, str]] = set()
        self.aggregates: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.summary: dict[str, dict[str, Any]] = {}
        self.commits = 0
        self.loads = 0
        self.before_commit: Callable[[WriteBatch], None] | None = None

    def load_entities(self, user_id: str, sks: Any) -> dict[str, m.Entity]:
        self.loads += 1
        return {sk: self.entities[(user_id, sk)] for sk in sks if (user_id, sk) in self.entities}

    def commit(self, batch: WriteBatch) -> None:
        if self.before_commit is not None:
            hook, self.before_commit = self.before_commit, None
            hook(batch)
        assert batch.item_count() <= 100, "a transaction holds at most 100 items"
        duplicates = {mk.event_id for mk in batch.markers if (batch.user_id, mk.event_id) in self.markers}
        stale = set()
        for write in batch.entities:
            sk = write.entity.to_item()["sk"]
            current = self.entities.get((batch.user_id, sk))
            expected_ok = (
                current is None
                if write.expected_version is None
                else (current is not None and current.version == write.expected_version)
            )
            if not expected_ok:
                stale.add(sk)
        if duplicates or stale:
            raise CommitRejected(duplicates, stale, conflict=False)
        for write in batch.entities:
            self.entities[(batch.user_id, write.entity.to_item()["sk"])] = write.entity
        for marker in batch.markers:
            self.markers.add((batch.user_id, marker.event_id))
        for (granularity, key), counters in batch.aggregates.items():
            target = self.aggregates.setdefault((batch.user_id, granularity, key), {})
            for name, amount in counters.items():
                target[name] = target.get(name, 0) + amount
        summary = self.summary.setdefault(batch.user_id, {})
        for name, amount in batch.summary.items():
            summary[name] = summary.get(name, 0) + amount
        self.commits += 1

    # -- views -----------------------------------------------------------------------------------------
    def aggregate(self, granularity: str, key: str, user_id: str = USER) -> m.PeriodAggregate:
        item = self.aggregates.get((user_id, granularity, key))
        if not item:
            return m.PeriodAggregate.empty(user_id, granularity, key)  # type: ignore[arg-type]
        return m.PeriodAggregate.from_item(
            {"user_id": user_id, "granularity": granularity, "key": key, **item}
        )

    def proposal(self, proposal_id: str, user_id: str = USER) -> m.ProposalItem:
        found = self.entities[(user_id, m.proposal_sk(proposal_id))]
        assert isinstance(found, m.ProposalItem)
        return found

    def nonzero_aggregates(self) -> dict[tuple[str, str, str], dict[str, Any]]:
        return {
            key: {name: amount for name, amount in counters.items() if amount != 0}
            for key, counters in self.aggregates.items()
            if any(amount != 0 for amount in counters.values())
        }


def envelope(kind: str, data: dict[str, Any], event_id: str | None = None) -> Envelope:
    body = {"type": kind, "timestamp": "2025-03-01T00:00:00Z", "data": {"freelancer_id": FREELANCER, **data}}
    return Envelope(
        event_id=event_id or f"evt-{next(_ids)}",
        received_at=at("2025-03-01T00:00:00Z"),
        event=EVENT_ADAPTER.validate_python(body),
    )


def created(
    proposal_id: str, submitted: str = "2025-03-05T10:00:00Z", category: str = "Web", **extra: Any
) -> Envelope:
    data = {
        "proposal_id": proposal_id,
        "job_title": f"Job {proposal_id}",
        "category": category,
        "submitted_at": submitted,
    }
    return envelope("proposal.created", {**data, **extra})


def updated(proposal_id: str, status: str, occurred: str) -> Envelope:
    return envelope(
        "proposal.updated", {"proposal_id": proposal_id, "status": status, "occurred_at": occurred}
    )


def paid(
    payment_id: str, amount: str, occurred: str = "2025-03-10T12:00:00Z", currency: str = "USD", **extra: Any
) -> Envelope:
    data = {
        "payment_id": payment_id,
        "amount": Decimal(amount),
        "currency": currency,
        "occurred_at": occurred,
    }
    return envelope("payment.received", {**data, **extra})


def started(contract_id: str, when: str = "2025-03-06T00:00:00Z", **extra: Any) -> Envelope:
    return envelope("contract.started", {"contract_id": contract_id, "started_at": when, **extra})


def ended(contract_id: str, when: str = "2025-04-06T00:00:00Z") -> Envelope:
    return envelope("contract.ended", {"contract_id": contract_id, "ended_at": when})
