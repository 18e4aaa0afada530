"""The Upwork sync's items of AnalyticsTable: sync jobs, the active-job marker and the scheduled-sync set
(adapters: `bidcraft.sync.jobs`, `bidcraft.sync.state`; keys in `bidcraft.sync.models`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute
from pynamodb.constants import MAP, NUMBER

from bidcraft import tables
from bidcraft.tables.analytics.domain import AnalyticsRecord


class CountsAttribute(Attribute[dict[str, int]]):
    """A map of names to integer counts (`{"M": {"proposals": {"N": "3"}}}`)."""

    attr_type = MAP

    def serialize(self, value: dict[str, int]) -> dict[str, Any]:
        return {str(name): {NUMBER: str(int(count))} for name, count in value.items()}

    def deserialize(self, value: dict[str, Any]) -> dict[str, int]:
        return {name: int(Decimal(count[NUMBER])) for name, count in value.items() if NUMBER in count}


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
