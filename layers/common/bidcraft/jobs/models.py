"""Saved searches, feed jobs and drafts, exactly as API.md ("Jobs") has them.

Requests forbid unknown fields (mass assignment) and refuse JSON strings or booleans where numbers belong. A
`Job` field Upwork did not give is left out (`None` values are not serialized), never invented.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)

from bidcraft import clock
from bidcraft.ai.models import SAFE_TEXT_PATTERN, Number, Skill, _Clean
from bidcraft.security.cursor import Pagination

MAX_SEARCHES = 10
JobType = Literal["hourly", "fixed"]
SearchJobType = Literal["hourly", "fixed", "any"]
Fraction = Annotated[float, Field(ge=0, le=1), Number]
Money = Annotated[float, Field(ge=0, le=10_000_000), Number]
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _text(max_length: int, min_length: int = 1) -> Any:
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        _Clean,
        Field(pattern=SAFE_TEXT_PATTERN),
    ]


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("must be an IANA time zone name, e.g. Europe/Kyiv") from exc
    return value


def _hhmm(value: str) -> str:
    if not _HHMM.match(value):
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
    def _something_to_search(self) -> SearchIn:
        if not (self.query or self.skills or self.category):
            raise ValueError("give at least one of query, skills or category")
        return self


class Search(BaseModel):
    """A saved search as returned (`SearchIn` + server fields)."""

    search_id: str
    name: str
    query: str | None = None
    skills: list[str] | None = None
    category: str | None = None
    job_type: SearchJobType = "any"
    min_budget: float | None = None
    min_hourly_rate: float | None = None
    verified_payment_only: bool = False
    alerts: Alerts | None = None
    created_at: datetime = Field(description="ISO 8601 UTC")
    last_polled_at: datetime | None = Field(default=None, description="The last polling round that ran it")
    new_jobs_24h: int = Field(ge=0, description="Jobs this search added to your feed in the last 24 hours")

    @field_serializer("created_at", "last_polled_at")
    def _iso(self, value: datetime | None) -> str | None:
        return clock.iso(value) if value is not None else None

    @model_serializer(mode="wrap")
    def _drop_nones(self, handler: Any) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class SearchList(BaseModel):
    searches: list[Search]


# ------------------------------------------------------------------------------------------------------ jobs


class _Sparse(BaseModel):
    """Fields Upwork did not give stay out of the JSON."""

    @model_serializer(mode="wrap")
    def _drop_nones(self, handler: Any) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class Budget(_Sparse):
    amount: float | None = None
    hourly_min: float | None = None
    hourly_max: float | None = None
    currency: str = "USD"


class JobClient(_Sparse):
    payment_verified: bool | None = None
    total_spent: float | None = None
    hires: int | None = None
    jobs_posted: int | None = None
    hire_rate: float | None = None
    rating: float | None = None
    reviews: int | None = None
    member_since: str | None = None
    country: str | None = None


class Competition(_Sparse):
    applicants: int | None = None
    interviewing: int | None = None
    invites_sent: int | None = None
    last_client_activity: str | None = None


class Scores(BaseModel):
    fit: float = Field(ge=0, le=1)
    client_quality: float = Field(ge=0, le=1)
    competition: float = Field(ge=0, le=1)
    overall: float = Field(ge=0, le=1)


class Reason(BaseModel):
    score: Literal["fit", "client_quality", "competition", "overall", "win_probability"]
    effect: Literal["+", "-"]
    detail: str


class Job(_Sparse):
    job_id: str
    title: str
    url: str
    posted_at: str
    type: JobType
    budget: Budget
    skills: list[str]
    category: str | None = None
    client: JobClient
    competition: Competition
    scores: Scores
    win_probability: float = Field(ge=0, le=1)
    reasons: list[Reason]
    matched_searches: list[str]
    seen_at: str
    description: str | None = None
    screening_questions: list[str] | None = None


class FeedPage(BaseModel):
    jobs: list[Job]
    pagination: Pagination
    data_as_of: str = Field(description="When the newest polling round of your searches ran (ISO 8601 UTC)")


# ---------------------------------------------------------------------------------------------------- drafts


class DraftRequest(_Request):
    tone: _text(40) | None = None  # type: ignore[valid-type]
    bid: Annotated[float, Field(gt=0, le=1_000_000), Number] | None = None


class ScreeningAnswer(BaseModel):
    question: str
    answer: str


class SuggestedBid(BaseModel):
    amount: float
    currency: str
    type: JobType
    rationale: str


class JobDraft(BaseModel):
    draft_id: str
    job_id: str
    proposal_text: str
    cover_letter: str
    screening_answers: list[ScreeningAnswer]
    suggested_bid: SuggestedBid
    apply_url: str
    engine: str
    content_warnings: list[str]
