"""The drafting contract: what we know of a job and of the freelancer, and the draft that comes back.

These are the types the jobs feature (`POST /api/jobs/{job_id}/draft`) and the AI route
(`POST /api/ai/generate/proposal`) both hand to `bidcraft.ai.drafting.draft_for_job`. Everything about the
freelancer is optional: a draft without a profile simply makes no claims about past work.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bidcraft.ai.models.generation import PortfolioItem, TokenUsage

ContractType = Literal["hourly", "fixed"]


class _Model(BaseModel):
    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", defer_build=True)


class JobContext(_Model):
    """What we know of the job (an Upwork posting, or a description a user pasted)."""

    title: str | None = None
    description: str
    skills: list[str] = Field(default_factory=list)
    category: str | None = None
    contract_type: ContractType | None = None
    budget: float | None = Field(default=None, description="Fixed-price budget")
    hourly_min: float | None = None
    hourly_max: float | None = None
    currency: str = "USD"
    timeline: str | None = Field(default=None, examples=["2-3 weeks", "ASAP", "2 місяці", "1 mes"])
    screening_questions: list[str] = Field(default_factory=list)


class PastWork(_Model):
    """One piece of the freelancer's own record (a won proposal or contract synced from Upwork)."""

    title: str
    category: str | None = None
    skills: list[str] = Field(default_factory=list)
    contract_type: ContractType | None = None
    amount: float | None = Field(default=None, description="Fixed price, or the hourly rate when hourly")
    currency: str = "USD"
    outcome: str | None = Field(default=None, description="e.g. `hired`, `completed`")


class FreelancerContext(_Model):
    """The freelancer as our synced data knows them; every field optional."""

    name: str | None = None
    title: str | None = None
    overview: str | None = None
    hourly_rate: float | None = None
    job_success_score: float | None = None
    skills: list[str] = Field(default_factory=list)
    past_work: list[PastWork] = Field(default_factory=list)


class ScreeningAnswer(_Model):
    question: str
    answer: str


class SuggestedBid(_Model):
    amount: float
    currency: str = "USD"
    type: ContractType
    rationale: str


class PricingLine(_Model):
    item: str
    amount: float


class PricingBreakdown(_Model):
    """The bid split over the job's own deliverables; the items add up to `total` to the cent."""

    items: list[PricingLine]
    total: float
    currency: str = "USD"


class Draft(_Model):
    """A draft for one job, already through the output checks (`content_warnings` lists what they did)."""

    language: str = Field(description="ISO 639-1 code of the language the draft is written in")
    proposal_text: str
    cover_letter: str
    screening_answers: list[ScreeningAnswer]
    suggested_bid: SuggestedBid
    pricing_breakdown: PricingBreakdown
    content_warnings: list[str]
    portfolio_items: list[PortfolioItem] = Field(default_factory=list)
    engine: str = "offline"
    usage: TokenUsage = Field(default_factory=TokenUsage)
