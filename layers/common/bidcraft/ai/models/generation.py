"""`POST /api/ai/generate/proposal`: the request and the draft it answers with (API.md "AI").

The AI-jobs worker and the drafting machinery (`bidcraft.ai.drafting.models`) use these too, so they live
apart from the other routes' models: a container that only drafts loads no analysis, competition or
prediction model.
"""

from typing import Annotated, Literal

from pydantic import Field

from bidcraft.ai.models.base import ProjectDescription, Reply, Request, ShortText, Skills
from bidcraft.api_fields import Number

Tone = Literal["professional", "friendly", "confident", "concise"]


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

    def __add__(self, other: "TokenUsage") -> "TokenUsage":
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
