"""A job in a feed — the API's `Job` (API.md, "Jobs") and its parts — as the poller stores it and the feed and
job routes return it. Its own module, so the poller builds these schemas without the routes' request models.

A field Upwork did not give is left out (`None` values are not serialized), never invented.

`defer_build`: each schema is built on first use — by the first feed page or job details the jobs function
serves (its saved-search routes never build them), and by the poller's first round that finds a new posting.
`Reply` and `Sparse` are also the bases of the routes' reply models (`bidcraft.jobs.models`).

No `from __future__ import annotations` here or in `models`: pydantic would compile and evaluate every field's
annotation string when the class is created (~30 % of these modules' import, paid by every cold start).
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer

JobType = Literal["hourly", "fixed"]


class Reply(BaseModel):
    """A reply model: its schema is built by the first request that returns it, not at import."""

    model_config = ConfigDict(defer_build=True)


class Sparse(Reply):
    """Fields without a value (`None`) stay out of the JSON."""

    @model_serializer(mode="wrap")
    def _drop_nones(self, handler: Any) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class Budget(Sparse):
    amount: float | None = None
    hourly_min: float | None = None
    hourly_max: float | None = None
    currency: str = "USD"


class JobClient(Sparse):
    payment_verified: bool | None = None
    total_spent: float | None = None
    hires: int | None = None
    jobs_posted: int | None = None
    hire_rate: float | None = None
    rating: float | None = None
    reviews: int | None = None
    member_since: str | None = None
    country: str | None = None


class Competition(Sparse):
    applicants: int | None = None
    interviewing: int | None = None
    invites_sent: int | None = None
    last_client_activity: str | None = None


class Scores(Reply):
    fit: float = Field(ge=0, le=1)
    client_quality: float = Field(ge=0, le=1)
    competition: float = Field(ge=0, le=1)
    overall: float = Field(ge=0, le=1)


class Reason(Reply):
    score: Literal["fit", "client_quality", "competition", "overall", "win_probability"]
    effect: Literal["+", "-"]
    detail: str


class Job(Sparse):
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
