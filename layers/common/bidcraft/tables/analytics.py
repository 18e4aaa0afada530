"""PynamoDB models of AnalyticsTable (`ANALYTICS_TABLE`): single-table design, every item keyed by `pk`/`sk`,
with one index `gsi1` (`gsi1pk`/`gsi1sk`, all attributes projected) and the TTL attribute `expires_at`.

`AnalyticsItem` is what every item of the table shares; each kind of item is a subclass below, with the
attribute names and types the stores have always written (the wire format is unchanged by the models).
Attributes are nullable unless they are keys: items written before an attribute existed still load.

The analytics domain's items (`AnalyticsRecord` and its subclasses; adapters: `analytics.store`,
`events.pending`, `sync.jobs`, `sync.state`, `analytics.reports.storage`; keys in `analytics.models`):
`ProposalRecord`, `ContractRecord`, `PaymentRecord` (the entities), `AggregateRecord` (`AGG#<P>#<key>`, with
flat counters), `SummaryRecord`, `EventMarker`, `PendingEventRecord`, `SyncJobRecord`, `SyncMarker`
(`SYNCJOB_ACTIVE`), `SyncStateRecord`, `ReportRecord`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Self

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.constants import MAP, NUMBER
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from bidcraft import config, tables
from bidcraft.tables.base import TableItem, table_meta


class AnalyticsTableSettings(config.BaseSettings):
    analytics_table: str


def analytics_table() -> str:
    return config.load(AnalyticsTableSettings).analytics_table


class ByGsi1(GlobalSecondaryIndex["AnalyticsItem"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class AnalyticsItem(TableItem):
    """The keys, the index and the TTL every item of the table has (not registered itself: abstract)."""

    Meta = table_meta(analytics_table)  # the table name is read at first use
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = ByGsi1()
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)


# --- the analytics domain's items (proposals, contracts, payments, aggregates, summary, events, sync) -------
#
# Every analytics item but the sync marker carries `type` (`kind` here). Money is a `DecimalAttribute`
# (exact, as `Decimal`); counts are plain `NumberAttribute`s. `AnalyticsRecord.plain()` gives the item as
# `{attribute name: value}` for the domain's pydantic models (`bidcraft.analytics.models`);
# `AnalyticsRecord.of(item)` builds a record from such a dict (an unknown attribute is a coding error).


class DecimalAttribute(NumberAttribute):
    """A DynamoDB number read and written as `Decimal` (money: never through a float)."""

    def serialize(self, value: Any) -> str:
        return str(value) if isinstance(value, Decimal) else json.dumps(value)

    def deserialize(self, value: str) -> Any:
        return Decimal(value)


class CountsAttribute(Attribute[dict[str, int]]):
    """A map of names to integer counts (`{"M": {"proposals": {"N": "3"}}}`)."""

    attr_type = MAP

    def serialize(self, value: dict[str, int]) -> dict[str, Any]:
        return {str(name): {NUMBER: str(int(count))} for name, count in value.items()}

    def deserialize(self, value: dict[str, Any]) -> dict[str, int]:
        return {name: int(Decimal(count[NUMBER])) for name, count in value.items() if NUMBER in count}


@tables.register
class AnalyticsRecord(AnalyticsItem):
    """What the analytics domain's items share."""

    kind = UnicodeAttribute(attr_name="type", null=True)
    user_id = UnicodeAttribute(null=True)

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> Self:
        """A record from `{attribute name: value}` (`None`s left out); unknown names raise `KeyError`."""
        names = _python_names(cls)
        return cls(**{names[name]: value for name, value in item.items() if value is not None})

    def plain(self) -> dict[str, Any]:
        """The item as `{attribute name: value}`, without the attributes it does not have."""
        return {
            attribute.attr_name: value
            for name, attribute in self.get_attributes().items()
            if (value := getattr(self, name)) is not None
        }


def _python_names(model: type[Model]) -> dict[str, str]:
    return {attribute.attr_name: name for name, attribute in model.get_attributes().items()}


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


@tables.register
class PendingEventRecord(AnalyticsRecord):
    """`PENDING#<freelancer_id> / <occurred_at>#<event_id>`: an event for a freelancer not signed up yet."""

    freelancer_id = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    occurred_at = UnicodeAttribute(null=True)
    event = UnicodeAttribute(null=True)  # the envelope JSON, as queued
    parked_at = UnicodeAttribute(null=True)


@tables.register
class SyncJobRecord(AnalyticsRecord):
    """`USER#u / SYNCJOB#<job_id>`: one Upwork sync and how it went."""

    job_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # queued | running | succeeded | failed
    reason = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)  # epoch seconds
    counts = CountsAttribute(null=True)
    error = UnicodeAttribute(null=True)


@tables.register
class SyncMarker(AnalyticsRecord):
    """`USER#u / SYNCJOB_ACTIVE`: the id of the user's latest sync (one queued or running per user)."""

    job_id = UnicodeAttribute(null=True)


@tables.register
class SyncStateRecord(AnalyticsRecord):
    """`USER#u / SYNCSTATE`: the user's place in the scheduled-sync set (gsi1 `SYNCSET#<shard>` /
    `<next_due_at>#<user_id>`)."""

    freelancer_id = UnicodeAttribute(null=True)
    shard = NumberAttribute(null=True)
    last_synced_at = UnicodeAttribute(null=True)
    next_due_at = UnicodeAttribute(null=True)


@tables.register
class ReportRecord(AnalyticsRecord):
    """`USER#u / REPORT#<report_id>`: a generated report's object key (expires with the object)."""

    report_id = UnicodeAttribute(null=True)
    report_type = UnicodeAttribute(null=True)
    period = UnicodeAttribute(null=True)
    format = UnicodeAttribute(null=True)
    s3_key = UnicodeAttribute(null=True)
    size_bytes = NumberAttribute(null=True)
    created_at = UnicodeAttribute(null=True)


# --- the AI domain's items (AI jobs, usage counters, market samples, drafts) -------------------------------


class _AiItem(AnalyticsItem):
    """The AI items (their connection is the table's: `tables.base.TableItem`)."""


@tables.register
class AiJobItem(_AiItem):
    """`USER#<id>` / `AIJOB#<job_id>`: one asynchronous generation (`bidcraft.ai.jobs`); `expires_at` is 7
    days after creation. `request`, `result` and `error` are plain JSON objects (raw maps, no null values)."""

    entity = UnicodeAttribute(null=True)  # "ai_job"
    job_id = UnicodeAttribute(null=True)
    user_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # queued | running | succeeded | failed
    request = MapAttribute(null=True)  # type: ignore[var-annotated]
    result = MapAttribute(null=True)  # type: ignore[var-annotated]
    error = MapAttribute(null=True)  # type: ignore[var-annotated]
    attempts = NumberAttribute(null=True)
    created_at = UnicodeAttribute(null=True)  # ISO 8601 UTC
    updated_at = UnicodeAttribute(null=True)
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, user_id: str, job_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"AIJOB#{job_id}"


@tables.register
class AiUsageItem(_AiItem):
    """`USER#<id>` / `USAGE#<YYYY-MM>`: the month's token counters (`bidcraft.ai.usage`), added per AI
    call (one UpdateItem, no read)."""

    prompt_tokens = NumberAttribute(null=True)
    completion_tokens = NumberAttribute(null=True)
    total_tokens = NumberAttribute(null=True)
    requests = NumberAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, user_id: str, month: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"USAGE#{month}"


class MarketCompetitorMap(MapAttribute[str, Any]):
    """One freelancer of a market sample; unset values are left out of the map."""

    name = UnicodeAttribute(null=True)
    hourly_rate = NumberAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    job_success_score = NumberAttribute(null=True)
    feedback_score = NumberAttribute(null=True)
    total_jobs = NumberAttribute(null=True)
    skills: Any = ListAttribute(of=UnicodeAttribute, null=True)


@tables.register
class MarketSnapshotItem(_AiItem):
    """`MARKET#<category key>` / `SNAPSHOT`: a category's market sample from Upwork (`bidcraft.ai.market`),
    kept 24 hours (`expires_at` = `fetched_at` + 24 h)."""

    entity = UnicodeAttribute(null=True)  # "market_snapshot"
    category = UnicodeAttribute(null=True)
    upwork_category = UnicodeAttribute(null=True)
    competitors: Any = ListAttribute(of=MarketCompetitorMap, null=True)
    market_size = NumberAttribute(null=True)
    fetched_at = UnicodeAttribute(null=True)  # ISO 8601 UTC

    @classmethod
    def key(cls, category_key: str) -> tuple[str, str]:
        return f"MARKET#{category_key}", "SNAPSHOT"


def without_nulls(value: Any) -> Any:
    """A JSON value with the `None`s of its objects left out (raw maps would store them as NULL)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [without_nulls(v) for v in value]
    return value


def plain_map(value: Any) -> dict[str, Any] | None:
    """A raw map attribute's value as a plain dict (PynamoDB loads a raw map as a `MapAttribute`)."""
    if isinstance(value, MapAttribute):
        return dict(value.as_dict())
    return dict(value) if value is not None else None
