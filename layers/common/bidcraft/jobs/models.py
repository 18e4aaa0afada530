"""Saved searches, feed pages and drafts, exactly as API.md ("Jobs") has them (the `Job` of a feed and its
parts are `bidcraft.jobs.job_models`, which the poller uses without the routes' models).

Requests forbid unknown fields (mass assignment) and refuse JSON strings or booleans where numbers belong.
Every model builds its schema on first use (`defer_build`): a cold request builds its own route's models only.
No `from __future__ import annotations` (as in `job_models`): pydantic would compile and evaluate each field's
annotation string when the classes are created.
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from bidcraft.api_fields import SAFE_TEXT_PATTERN, Clean, Number, Skill
from bidcraft.jobs.job_models import Job, JobType, Omittable, Reply
from bidcraft.security.cursor import Pagination

MAX_SEARCHES = 10
SearchJobType = Literal["hourly", "fixed", "any"]
Fraction = Annotated[float, Field(ge=0, le=1), Number]
Money = Annotated[float, Field(ge=0, le=10_000_000), Number]
_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"  # compiled by `re` on the first quiet hours checked


def _text(max_length: int, min_length: int = 1) -> Any:
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        Clean,
        Field(pattern=SAFE_TEXT_PATTERN),
    ]


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("must be an IANA time zone name, e.g. Europe/Kyiv") from exc
    return value


def _utc_seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


# API.md's timestamps (UTC, whole seconds): pydantic writes these as `clock.iso` does (`2026-12-01T20:59:00Z`)
Timestamp = Annotated[datetime, AfterValidator(_utc_seconds)]


def _hhmm(value: str) -> str:
    if not re.match(_HHMM, value):
        raise ValueError("must be HH:MM (24-hour)")
    return value


class _Request(BaseModel):
    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", defer_build=True)


class QuietHours(_Request):
    start: Annotated[str, AfterValidator(_hhmm), Field(examples=["22:00"])]
    end: Annotated[str, AfterValidator(_hhmm), Field(examples=["07:00"])]
    timezone: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_timezone)]


class Alerts(_Request):
    channel_ids: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=10)]
    min_score: Fraction = 0.7
    quiet_hours: QuietHours | None = None


class SearchIn(_Request):
    name: _text(80)  # type: ignore[valid-type]
    query: _text(200) | None = None  # type: ignore[valid-type]
    skills: Annotated[list[Skill], Field(max_length=20)] | None = None
    category: _text(100) | None = None  # type: ignore[valid-type]
    job_type: SearchJobType = "any"
    min_budget: Money | None = None
    min_hourly_rate: Money | None = None
    verified_payment_only: StrictBool = False
    alerts: Alerts | None = None

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        from bidcraft.upwork.categories import CATEGORY_IDS, category_id

        if value is not None and category_id(value) is None:
            raise ValueError("must be one of Upwork's categories: " + "; ".join(CATEGORY_IDS))
        return value

    @model_validator(mode="after")
    def _something_to_search(self) -> "SearchIn":
        if not (self.query or self.skills or self.category):
            raise ValueError("give at least one of query, skills or category")
        return self


class Search(Reply):
    """A saved search as returned (`SearchIn` + server fields)."""

    search_id: str
    name: str
    query: Omittable[str] = None
    skills: Omittable[list[str]] = None
    category: Omittable[str] = None
    job_type: SearchJobType = "any"
    min_budget: Omittable[float] = None
    min_hourly_rate: Omittable[float] = None
    verified_payment_only: bool = False
    alerts: Omittable[Alerts] = None
    created_at: Timestamp = Field(description="ISO 8601 UTC")
    last_polled_at: Omittable[Timestamp] = Field(
        default=None, description="The last polling round that ran it"
    )
    new_jobs_24h: int = Field(ge=0, description="Jobs this search added to your feed in the last 24 hours")


class SearchList(Reply):
    searches: list[Search]


# ------------------------------------------------------------------------------------------------------ jobs


class FeedPage(Reply):
    jobs: list[Job]
    pagination: Pagination
    data_as_of: str = Field(description="When the newest polling round of your searches ran (ISO 8601 UTC)")


# ---------------------------------------------------------------------------------------------------- drafts


class DraftRequest(_Request):
    tone: _text(40) | None = None  # type: ignore[valid-type]
    bid: Annotated[float, Field(gt=0, le=1_000_000), Number] | None = None


class ScreeningAnswer(Reply):
    question: str
    answer: str


class SuggestedBid(Reply):
    amount: float
    currency: str
    type: JobType
    rationale: str


class JobDraft(Reply):
    draft_id: str
    job_id: str
    proposal_text: str
    cover_letter: str
    screening_answers: list[ScreeningAnswer]
    suggested_bid: SuggestedBid
    apply_url: str
    engine: str
    content_warnings: list[str]
