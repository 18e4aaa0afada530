"""A job in a feed — the API's `Job` (API.md, "Jobs") and its parts — as the poller stores it and the feed and
job routes return it. Its own module, so the poller builds these schemas without the routes' request models.

A field Upwork did not give is left out, never invented: an `Omittable` field without a value (`None`) is not
serialized (pydantic's `exclude_if`; a wrap `model_serializer` would do the same but its module,
`pydantic.functional_serializers`, costs every cold start ~9 M instructions).

`defer_build`: each schema is built on first use — by the first feed page or job details the jobs function
serves (its saved-search routes never build them), and by the poller's first round that finds a new posting.
`Reply` and `Omittable` also serve the routes' reply models (`bidcraft.jobs.models`).

No `from __future__ import annotations` here or in `models`: pydantic would compile and evaluate every field's
annotation string when the class is created (~30 % of these modules' import, paid by every cold start).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bidcraft.api_fields import Omittable

JobType = Literal["hourly", "fixed"]


class Reply(BaseModel):
    """A reply model: its schema is built by the first request that returns it, not at import."""

    model_config = ConfigDict(defer_build=True)


class Budget(Reply):
    amount: Omittable[float] = None
    hourly_min: Omittable[float] = None
    hourly_max: Omittable[float] = None
    currency: str = "USD"


class JobClient(Reply):
    payment_verified: Omittable[bool] = None
    total_spent: Omittable[float] = None
    hires: Omittable[int] = None
    jobs_posted: Omittable[int] = None
    hire_rate: Omittable[float] = None
    rating: Omittable[float] = None
    reviews: Omittable[int] = None
    member_since: Omittable[str] = None
    country: Omittable[str] = None


class Competition(Reply):
    applicants: Omittable[int] = None
    interviewing: Omittable[int] = None
    invites_sent: Omittable[int] = None
    last_client_activity: Omittable[str] = None


class Scores(Reply):
    fit: float = Field(ge=0, le=1)
    client_quality: float = Field(ge=0, le=1)
    competition: float = Field(ge=0, le=1)
    overall: float = Field(ge=0, le=1)


class Reason(Reply):
    score: Literal["fit", "client_quality", "competition", "overall", "win_probability"]
    effect: Literal["+", "-"]
    detail: str


class Job(Reply):
    job_id: str
    title: str
    url: str
    posted_at: str
    type: JobType
    budget: Budget
    skills: list[str]
    category: Omittable[str] = None
    client: JobClient
    competition: Competition
    scores: Scores
    win_probability: float = Field(ge=0, le=1)
    reasons: list[Reason]
    matched_searches: list[str]
    seen_at: str
    description: Omittable[str] = None
    screening_questions: Omittable[list[str]] = None
