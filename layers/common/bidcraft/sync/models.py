"""The sync's items of the Analytics table as pydantic models, with their keys (wire format:
`bidcraft.tables.analytics.sync`): `SyncJob` (`USER#u / SYNCJOB#<job_id>`) and `SyncState` (`USER#u /
SYNCSTATE`, the user's place in the scheduled-sync set)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import AwareDatetime, Field, field_validator

from bidcraft import clock
from bidcraft.analytics.items import Item, plain, user_pk

SyncJobStatus = Literal["queued", "running", "succeeded", "failed"]
SYNC_STATE_SK = "SYNCSTATE"
SYNC_SHARDS = 8


def sync_job_sk(job_id: str) -> str:
    return f"SYNCJOB#{job_id}"


def sync_set_pk(shard: int) -> str:
    """gsi1 partition of the scheduled-sync set (one of `SYNC_SHARDS`), sorted by next due time."""
    return f"SYNCSET#{shard:02d}"


class SyncJob(Item):
    """`USER#u / SYNCJOB#<job_id>`: one Upwork sync and how it went."""

    user_id: str
    job_id: str
    status: SyncJobStatus
    reason: str = "manual"
    created_at: AwareDatetime
    started_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    lease_until: int | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    error: str | None = None
    expires_at: int

    @field_validator("counts", mode="before")
    @classmethod
    def _int_counts(cls, value: Any) -> Any:
        return {str(k): int(v) for k, v in value.items()} if isinstance(value, Mapping) else value

    def to_item(self) -> dict[str, Any]:
        return plain(
            {
                "pk": user_pk(self.user_id),
                "sk": sync_job_sk(self.job_id),
                "type": "sync_job",
                **self.model_dump(),
            }
        )


class SyncState(Item):
    """`USER#u / SYNCSTATE`: the user's place in the scheduled-sync set (gsi1 `SYNCSET#<shard>`, sorted by
    `next_due_at`); written when a sync first runs for the user."""

    user_id: str
    freelancer_id: str | None = None
    shard: int
    last_synced_at: AwareDatetime | None = None
    next_due_at: AwareDatetime

    def to_item(self) -> dict[str, Any]:
        return plain(
            {
                "pk": user_pk(self.user_id),
                "sk": SYNC_STATE_SK,
                "type": "sync_state",
                "gsi1pk": sync_set_pk(self.shard),
                "gsi1sk": f"{clock.iso(self.next_due_at)}#{self.user_id}",
                **self.model_dump(),
            }
        )
