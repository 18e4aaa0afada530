"""`POST /api/ai/analyze/proposal`: the request and the score it answers with (API.md "AI")."""

from pydantic import Field

from bidcraft.ai.models.base import Fraction, LongText, ProposalText, Reply, ShortText, Skills
from bidcraft.ai.models.budget_range import BudgetRange, WithBudgetRange


class ProposalAnalysisRequest(WithBudgetRange):
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
