"""Requests and responses of the AI routes, exactly as API.md ("AI") has them.

Requests forbid unknown fields (mass assignment, ASVS 15.3.3) and reject text that cannot be stored or logged
safely (NUL and other control characters, lone surrogates) with a 422 instead of failing later with a 500.
Optional response fields that are unset are left out of the JSON (`AiJob.result` / `AiJob.error`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    model_serializer,
    model_validator,
)

from bidcraft.api_fields import Clean, Number, SafeText, Skill

# The safe-text and JSON-number rules are shared with the jobs API's models (`bidcraft.api_fields`).
_Clean = Clean
_SafeText = SafeText

ProposalText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=20, max_length=10_000), _Clean, _SafeText
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000), _Clean, _SafeText
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), _Clean, _SafeText
]
ProjectDescription = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=10, max_length=10_000), _Clean, _SafeText
]
Skills = Annotated[list[Skill], Field(max_length=30)]
BudgetRange = Annotated[
    str,
    Field(
        pattern=r"^\d{1,9}(?:\.\d{1,2})?-\d{1,9}(?:\.\d{1,2})?$",
        description="A USD range `min-max`, e.g. `1000-5000`",
        examples=["1000-5000"],
    ),
]
Fraction = Annotated[float, Field(ge=0.0, le=1.0), Number]
Tone = Literal["professional", "friendly", "confident", "concise"]


def budget_bounds(budget_range: str) -> tuple[float, float]:
    low, _, high = budget_range.partition("-")
    return float(low), float(high)


class Request(BaseModel):
    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Reply(BaseModel):
    """Response models: unset optional fields are omitted, not sent as null."""

    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", defer_build=True)

    @model_serializer(mode="wrap")
    def _drop_none(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            return {name: value for name, value in data.items() if value is not None}
        return data


class _WithBudgetRange(Request):
    @model_validator(mode="after")
    def _ordered_range(self) -> Any:
        budget_range = getattr(self, "budget_range", None)
        if budget_range:
            low, high = budget_bounds(budget_range)
            if low > high:
                raise ValueError("budget_range must be `min-max` with min <= max")
        return self


# --- POST /api/ai/analyze/proposal
class ProposalAnalysisRequest(_WithBudgetRange):
    proposal_text: ProposalText = Field(description="The proposal to score, 20-10000 characters")
    category: ShortText | None = None
    budget_range: BudgetRange | None = None
    job_description: LongText | None = None
    skills: Skills | None = None


class ProposalAnalysis(Reply):
    analysis_id: str
    score: Fraction
    suggestions: list[str]
    keywords: list[str]
    confidence: Fraction
    breakdown: dict[str, Fraction] = Field(description="Score per criterion, 0..1")
    engine: str = Field(description='"offline" or "openai:<model>"')


# --- POST /api/ai/generate/proposal
class ProposalGenerationRequest(Request):
    project_description: ProjectDescription
    budget: Annotated[float, Field(gt=0, le=10_000_000, description="USD"), Number] | None = None
    timeline: ShortText | None = Field(default=None, examples=["2 months"])
    skills: Skills | None = None
    tone: Tone | None = None


class PortfolioItem(Reply):
    title: str
    description: str
    skills: list[str]


class PricingItem(Reply):
    item: str
    amount: float


class PricingBreakdown(Reply):
    items: list[PricingItem]
    total: float
    currency: Literal["USD"] = "USD"


class TokenUsage(Reply):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class ProposalDraft(Reply):
    proposal_text: str
    cover_letter: str
    portfolio_items: list[PortfolioItem]
    pricing_breakdown: PricingBreakdown
    engine: str
    usage: TokenUsage
    content_warnings: list[str]


class AiJobAccepted(Reply):
    job_id: str
    status: Literal["queued"] = "queued"
    status_url: str


# --- GET /api/ai/jobs/{job_id}
JobStatus = Literal["queued", "running", "succeeded", "failed"]


class AiJobError(Reply):
    """Problem-like (RFC 9457 members) description of why a job failed."""

    type: str
    title: str
    status: int
    detail: str


class AiJob(Reply):
    job_id: str
    status: JobStatus
    result: ProposalDraft | None = None
    error: AiJobError | None = None


# --- POST /api/ai/analyze/competition
class CompetitionRequest(_WithBudgetRange):
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
    hourly_rate: float | None = None
    job_success_score: float | None = None
    skills: list[str]


class MarketPosition(Reply):
    """`label` (and `percentile`, `your_rate` when nothing gives one) is null — sent, not omitted — when
    there is no sample to place you in; `reason` then says why."""

    your_rate: float | None
    percentile: Annotated[float, Field(ge=0, le=100)] | None
    label: Literal["below_market", "competitive", "premium"] | None
    reason: str | None = None

    @model_serializer(mode="wrap")
    def _drop_none(self, handler: Any) -> Any:  # overrides Reply._drop_none: nulls kept, but `reason`
        data = handler(self)
        if isinstance(data, dict) and data.get("reason") is None:
            data.pop("reason", None)
        return data


class CompetitionAnalysis(Reply):
    competitor_count: int = Field(
        description="Freelancers competing in this category (and skills, when the filter applied): Upwork's "
        "total, scaled by the sample's share of matching profiles"
    )
    market_size: int | None = Field(default=None, description="Upwork's own total for the category")
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


# --- POST /api/ai/predict/success
Complexity = Literal["low", "medium", "high"]


class SuccessPredictionRequest(Request):
    project_category: ShortText
    budget: Annotated[float, Field(gt=0, le=10_000_000, description="USD"), Number]
    client_rating: Annotated[float, Field(ge=0, le=5), Number] | None = Field(
        default=None, description="0..5; leave it out when the client has no reviews yet (not 0 stars)"
    )
    project_complexity: Complexity
    proposal_score: Fraction | None = None
    client_hire_rate: Fraction | None = Field(default=None, description="Fraction of the client's jobs hired")
    proposals_count: Annotated[int, Field(ge=0, le=10_000), Number] | None = None
    bid: Annotated[float, Field(gt=0, le=10_000_000), Number] | None = Field(
        default=None, description="Your bid in USD: an hourly rate or a fixed price"
    )
    client_payment_verified: Annotated[bool, Strict()] | None = Field(
        default=None, description='A JSON boolean ("yes" or 1 is a 422)'
    )
    client_total_spent: Annotated[float, Field(ge=0, le=1_000_000_000, description="USD"), Number] | None = (
        None
    )


class RiskFactor(Reply):
    factor: str
    impact: Literal["low", "medium", "high"]
    detail: str


class PredictionModel(Reply):
    name: str
    version: str
    trained_on: int = Field(
        ge=0, description="The caller's own decided proposals the estimate learned from (0: the prior alone)"
    )


class SuccessPrediction(Reply):
    success_probability: Fraction
    risk_factors: list[RiskFactor]
    recommendations: list[str]
    confidence: Fraction
    model: PredictionModel
