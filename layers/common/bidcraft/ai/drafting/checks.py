"""A written draft becomes a `Draft`: bid and breakdown from the plan, every string through the output checks.

The output check is `bidcraft.ai.safety.check_all` (the safety module's entry point, not a second one): each
text of the draft — letter, cover letter, screening questions and answers, pricing labels, portfolio items —
is checked, redacted where needed, and its findings are listed in `content_warnings` after the pricing and
language warnings.
"""

from __future__ import annotations

from bidcraft.ai import safety
from bidcraft.ai.drafting.models import Draft, PricingBreakdown, PricingLine, ScreeningAnswer, SuggestedBid
from bidcraft.ai.drafting.planning import Plan
from bidcraft.ai.drafting.written import Written
from bidcraft.ai.models import PortfolioItem


def checked(plan: Plan, written: Written, *, engine: str) -> Draft:
    pricing = plan.pricing
    texts: dict[str, str] = {
        "proposal_text": written.proposal_text,
        "cover_letter": written.cover_letter,
        "rationale": pricing.rationale,
    }
    for i, answer in enumerate(written.screening_answers):
        texts[f"screening.{i}.question"] = answer.question
        texts[f"screening.{i}.answer"] = answer.answer
    for i, line in enumerate(pricing.breakdown.items):
        texts[f"pricing.{i}"] = line.item
    for i, item in enumerate(written.portfolio_items):
        texts[f"portfolio.{i}.title"] = item.title
        texts[f"portfolio.{i}.description"] = item.description
        for j, skill in enumerate(item.skills):
            texts[f"portfolio.{i}.skill.{j}"] = skill
    out, found = safety.check_all(texts)
    warnings = list(dict.fromkeys([*pricing.warnings, *written.warnings, *found]))
    return Draft(
        language=written.language,
        proposal_text=out["proposal_text"],
        cover_letter=out["cover_letter"],
        screening_answers=[
            ScreeningAnswer(question=out[f"screening.{i}.question"], answer=out[f"screening.{i}.answer"])
            for i in range(len(written.screening_answers))
        ],
        suggested_bid=SuggestedBid(
            amount=pricing.bid_amount,
            currency=pricing.currency,
            type="hourly" if pricing.bid_type == "hourly" else "fixed",
            rationale=out["rationale"],
        ),
        pricing_breakdown=PricingBreakdown(
            items=[
                PricingLine(item=out[f"pricing.{i}"], amount=line.amount)
                for i, line in enumerate(pricing.breakdown.items)
            ],
            total=pricing.breakdown.total,
            currency=pricing.breakdown.currency,
        ),
        content_warnings=warnings,
        portfolio_items=[
            PortfolioItem(
                title=out[f"portfolio.{i}.title"],
                description=out[f"portfolio.{i}.description"],
                skills=[out[f"portfolio.{i}.skill.{j}"] for j in range(len(item.skills))],
            )
            for i, item in enumerate(written.portfolio_items)
        ],
        engine=engine,
        usage=written.usage,
    )
