"""Test-only builders of a user's analytics history, written in the write side's item shapes.

Entities are the events helper's models (`to_item()`); the counters come from its own pure rules
(`bidcraft.events.rules.contribution`), so the aggregates written here are exactly what the write side keeps.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from bidcraft import aws
from bidcraft.analytics import models as m
from bidcraft.events import rules
from bidcraft.security import audit

_serializer = TypeSerializer()


def at(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def proposal(
    user_id: str,
    proposal_id: str,
    submitted: str,
    status: str = "submitted",
    category: str = "Web Development",
    reached: Iterable[str] = (),
) -> m.ProposalItem:
    moment = at(submitted)
    return m.ProposalItem(
        user_id=user_id,
        proposal_id=proposal_id,
        job_title=f"Job {proposal_id}",
        category=category,
        submitted_at=moment,
        status=status,  # type: ignore[arg-type]
        status_at=moment + timedelta(hours=1),
        reached=rules.implied_milestones(status).union(*(rules.implied_milestones(r) for r in reached)),
        updated_event_at=moment + timedelta(hours=1),
    )


def contract(
    user_id: str, contract_id: str, started: str, ended: str | None = None, rate: str | None = None
) -> m.ContractItem:
    return m.ContractItem(
        user_id=user_id,
        contract_id=contract_id,
        hourly_rate=Decimal(rate) if rate else None,
        started_at=at(started),
        ended_at=at(ended) if ended else None,
    )


def payment(user_id: str, payment_id: str, occurred: str, amount: str) -> m.PaymentItem:
    return m.PaymentItem(
        user_id=user_id,
        payment_id=payment_id,
        amount=Decimal(amount),
        currency="USD",
        amount_usd=Decimal(amount),
        occurred_at=at(occurred),
    )


@dataclass
class History:
    user_id: str
    entities: list[m.Entity] = field(default_factory=list)

    def add(self, *entities: m.Entity) -> History:
        self.entities.extend(entities)
        return self

    def items(self) -> list[dict[str, Any]]:
        deltas = rules.Deltas()
        for entity in self.entities:
            deltas.merge(rules.contribution(entity))
        items = [entity.to_item() for entity in self.entities]
        for (granularity, key), counters in deltas.pruned().aggregates.items():
            items.append(
                {
                    "pk": m.user_pk(self.user_id),
                    "sk": m.aggregate_sk(granularity, key),
                    "type": "aggregate",
                    "user_id": self.user_id,
                    "granularity": granularity,
                    "key": key,
                    **counters,
                }
            )
        if deltas.summary:
            items.append(
                {"pk": m.user_pk(self.user_id), "sk": m.SUMMARY_SK, "user_id": self.user_id, **deltas.summary}
            )
        return items

    def write(self) -> History:
        write_items(os.environ["ANALYTICS_TABLE"], self.items())
        return self


def write_items(table: str, items: Sequence[dict[str, Any]]) -> None:
    client = aws.client("dynamodb")
    for start in range(0, len(items), 25):
        requests = [
            {"PutRequest": {"Item": {name: _serializer.serialize(value) for name, value in item.items()}}}
            for item in items[start : start + 25]
        ]
        pending: dict[str, Any] = {table: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def audit_records(
    user_id: str | None, actions: Iterable[tuple[str, datetime]], *, ip: str = "203.0.113.7"
) -> list[dict[str, Any]]:
    """Audit records as the auth helper's `audit.build_record` makes them, written to the audit table."""
    records = [
        audit.build_record(
            action,
            user_id=user_id,
            outcome="success",
            severity="low",
            ip=ip,
            user_agent="tests",
            request_id="req-1",
            details={"n": index},
            at=moment,
        )
        for index, (action, moment) in enumerate(actions)
    ]
    write_items(os.environ["AUDIT_TABLE"], records)
    return records
