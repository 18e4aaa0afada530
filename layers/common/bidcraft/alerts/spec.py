"""A saved search's alerts settings (API.md SearchIn `alerts`): which channels, from what score, and the
quiet hours during which deliveries wait. Read by the poller (`enqueue`) and the delivery worker."""

from __future__ import annotations

import re
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class QuietHours(BaseModel):
    """A daily window (local time of `timezone`) when deliveries wait; `start > end` wraps midnight."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    start: str
    end: str
    timezone: str

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be HH:MM (24-hour)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name") from None
        return value

    def bounds(self) -> tuple[time, time]:
        return time.fromisoformat(self.start), time.fromisoformat(self.end)


class AlertsSpec(BaseModel):
    """A saved search's `alerts` object (API.md SearchIn)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    channel_ids: list[str] = Field(default_factory=list)
    min_score: float = Field(default=0.7, ge=0, le=1)
    quiet_hours: QuietHours | None = None
