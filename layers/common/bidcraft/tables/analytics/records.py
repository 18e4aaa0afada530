"""The analytics records of AnalyticsTable: proposals, contracts, payments (the entities), period aggregates,
the lifetime summary and the processed-event markers. Adapter: `bidcraft.analytics.store` (keys in
`bidcraft.analytics.models`).

Money is a `DecimalAttribute` (exact, as `Decimal`); counts are plain `NumberAttribute`s.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Self

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.constants import NUMBER

from bidcraft import tables
from bidcraft.tables.analytics.domain import AnalyticsRecord


class DecimalAttribute(NumberAttribute):
    """A DynamoDB number read and written as `Decimal` (money: never through a float)."""

    def serialize(self, value: Any) -> str:
        return str(value) if isinstance(value, Decimal) else json.dumps(value)

    def deserialize(self, value: str) -> Any:
        return Decimal(value)


@tables.register
class ProposalRecord(AnalyticsRecord):
    """`USER#u / PROPOSAL#<id>` (gsi1 `USER#u#PROPOSALS` / `<submitted_at>#<id>` unless a placeholder)."""

    proposal_id = UnicodeAttribute(null=True)
    job_title = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    budget = DecimalAttribute(null=True)
    hourly_rate = DecimalAttribute(null=True)
    submitted_at = UnicodeAttribute(null=True)  # ISO 8601 UTC
    status = UnicodeAttribute(null=True)
    status_at = UnicodeAttribute(null=True)
    reached = UnicodeSetAttribute(null=True)
    updated_event_at = UnicodeAttribute(null=True)
    placeholder = BooleanAttribute(null=True)
    version = NumberAttribute(null=True)  # optimistic concurrency (not PynamoDB's implicit VersionAttribute)


@tables.register
class ContractRecord(AnalyticsRecord):
    """`USER#u / CONTRACT#<id>` (gsi1 `USER#u#CONTRACTS` / `<started_at>#<id>` once started)."""

    contract_id = UnicodeAttribute(null=True)
    proposal_id = UnicodeAttribute(null=True)
    hourly_rate = DecimalAttribute(null=True)
    fixed_amount = DecimalAttribute(null=True)
    started_at = UnicodeAttribute(null=True)
    ended_at = UnicodeAttribute(null=True)
    placeholder = BooleanAttribute(null=True)
    version = NumberAttribute(null=True)


@tables.register
class PaymentRecord(AnalyticsRecord):
    """`USER#u / PAYMENT#<id>` (gsi1 `USER#u#PAYMENTS` / `<occurred_at>#<id>`)."""

    payment_id = UnicodeAttribute(null=True)
    contract_id = UnicodeAttribute(null=True)
    amount = DecimalAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    amount_usd = DecimalAttribute(null=True)
    occurred_at = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)


# The flat counters of an aggregate (`status#hired`, `cat_sent#Web Development`, ...: `analytics.models`).
FLAT_COUNTER_PREFIXES = ("status#", "cat_sent#", "cat_won#", "cross_sent#", "cross_won#", "earn#")


@tables.register
class AggregateRecord(AnalyticsRecord):
    """`USER#u / AGG#<granularity>#<key>`: one period's counters, created and incremented by `ADD`.

    Besides the declared counters it has *flat* ones whose names carry data (a status, a category, a
    currency): PynamoDB has no attribute for a family of names, so `from_raw_data` keeps them in `flat`, and
    writers name them with `pynamodb.expressions.operand.Path`."""

    granularity = UnicodeAttribute(null=True)
    period = UnicodeAttribute(attr_name="key", null=True)
    proposals_sent = NumberAttribute(null=True)
    proposals_viewed = NumberAttribute(null=True)
    interviews = NumberAttribute(null=True)
    proposals_won = NumberAttribute(null=True)
    earnings = DecimalAttribute(null=True)
    payments_count = NumberAttribute(null=True)
    contracts_started = NumberAttribute(null=True)
    contracts_ended = NumberAttribute(null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flat: dict[str, Decimal] = {}

    @classmethod
    def from_raw_data(cls, data: dict[str, Any]) -> Self:
        record = super().from_raw_data(data)
        record.flat = {
            name: Decimal(value[NUMBER])
            for name, value in data.items()
            if name.startswith(FLAT_COUNTER_PREFIXES) and NUMBER in value
        }
        return record

    def plain(self) -> dict[str, Any]:
        return {**super().plain(), **self.flat}


@tables.register
class SummaryRecord(AnalyticsRecord):
    """`USER#u / SUMMARY`: lifetime totals, `ADD`ed to in the same transactions as the aggregates."""

    proposals_sent = NumberAttribute(null=True)
    proposals_won = NumberAttribute(null=True)
    earnings = DecimalAttribute(null=True)
    payments_count = NumberAttribute(null=True)
    contracts_total = NumberAttribute(null=True)
    active_contracts = NumberAttribute(null=True)


@tables.register
class EventMarker(AnalyticsRecord):
    """`USER#u / EVENT#<event_id>`: the event was applied (written with its effect, if not there yet)."""

    event_id = UnicodeAttribute(null=True)
    event_type = UnicodeAttribute(null=True)
    applied_at = UnicodeAttribute(null=True)
