"""The `sync.user` message of SyncQueue (`SYNC_QUEUE_URL`), as the sync worker reads it.

Its own module: the sync worker parses every message with it, while the functions that only request syncs
(`bidcraft.sync.jobs.request_sync`: the upwork and auth functions) write the message and never build this
model's schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SyncMessage(BaseModel):
    """A `SYNC_QUEUE_URL` message."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: Literal["sync.user"]
    user_id: str = Field(min_length=1, max_length=128, pattern=r"^[^#\s]+$")
    reason: str = Field(default="manual", max_length=64)
    job_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
