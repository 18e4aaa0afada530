"""What an engine writes for a plan: the texts only (the numbers come from the plan's pricing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bidcraft.ai.drafting.models import ScreeningAnswer
from bidcraft.ai.models.generation import PortfolioItem, TokenUsage


@dataclass
class Written:
    language: str
    proposal_text: str
    cover_letter: str
    screening_answers: list[ScreeningAnswer]
    portfolio_items: list[PortfolioItem]
    warnings: list[str] = field(default_factory=list)
    usage: TokenUsage = field(default_factory=TokenUsage)
