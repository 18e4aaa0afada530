"""`POST /api/ai/analyze/competition`: the request and the figures it answers with (API.md "AI")."""

from typing import Annotated, Literal

from pydantic import Field

from bidcraft.ai.models.base import Reply, ShortText, Skills
from bidcraft.ai.models.budget_range import BudgetRange, WithBudgetRange
from bidcraft.api_fields import Omittable


class CompetitionRequest(WithBudgetRange):
    category: ShortText
    budget_range: BudgetRange | None = Field(
        default=None, description="Used as your hourly rate range (midpoint) when your profile has no rate"
    )
    skills: Skills


class RateBucket(Reply):
    min: float
    max: float
    count: int


class TopCompetitor(Reply):
    name: str
    hourly_rate: Omittable[float] = None
    job_success_score: Omittable[float] = None
    skills: list[str]


class MarketPosition(Reply):
    """`label` (and `percentile`, `your_rate` when nothing gives one) is null — sent, not omitted — when
    there is no sample to place you in; `reason` then says why."""

    your_rate: float | None
    percentile: Annotated[float, Field(ge=0, le=100)] | None
    label: Literal["below_market", "competitive", "premium"] | None
    reason: Omittable[str] = None


class CompetitionAnalysis(Reply):
    competitor_count: int = Field(
        description="Freelancers competing in this category (and skills, when the filter applied): Upwork's "
        "total, scaled by the sample's share of matching profiles"
    )
    market_size: Omittable[int] = Field(default=None, description="Upwork's own total for the category")
    average_rate: float
    median_rate: float
    currency: str = Field(description="Currency of every rate in this answer (ISO 4217)")
    rate_distribution: list[RateBucket]
    top_competitors: list[TopCompetitor]
    market_position: MarketPosition
    skill_filter_applied: bool = Field(
        description="False when no skill was given or too few profiles matched: the figures are the "
        "whole category's"
    )
    sample_size: int
    data_as_of: str = Field(description="When the market data was fetched from Upwork (ISO 8601 UTC)")
