"""PynamoDB models of AnalyticsTable (`ANALYTICS_TABLE`): single-table design, every item keyed by `pk`/`sk`,
with one index `gsi1` (`gsi1pk`/`gsi1sk`, all attributes projected) and the TTL attribute `expires_at`.

`AnalyticsItem` is what every item of the table shares; each kind of item is a subclass below, with the
attribute names and types the stores have always written (the wire format is unchanged by the models).
Attributes are nullable unless they are keys: items written before an attribute existed still load.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

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


@tables.register
class ProposalForDrafting(_AiItem):
    """A read-only view of the analytics domain's proposal items (`USER#<id>` / `PROPOSAL#<id>`, in `gsi1`
    under `USER#<id>#PROPOSALS`, written by `bidcraft.analytics.store`): only what a draft cites of the
    freelancer's won work (`bidcraft.ai.drafting.store`). Never written through this model."""

    job_title = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    budget = NumberAttribute(null=True)
    hourly_rate = NumberAttribute(null=True)
    status = UnicodeAttribute(null=True)


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
