"""The AI domain's items of AnalyticsTable: AI jobs, usage counters, market samples (adapters in
`bidcraft.ai`: `jobs`, `usage`, `market`; the drafts read `records.ProposalRecord`)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from bidcraft import tables
from bidcraft.tables.analytics import AnalyticsItem


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
