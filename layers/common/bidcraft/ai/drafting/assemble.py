"""A written draft becomes a `Draft`: texts from the engine, bid, breakdown and warnings from the plan.

No output check here: every string of a draft is checked where it leaves the service (`bidcraft.ai.service`,
`@_screened` → `inspection.screened` → `safety.scrub`), once, for every route that returns one.
"""

from __future__ import annotations

from bidcraft.ai.drafting.models import Draft, PricingBreakdown, PricingLine, SuggestedBid
from bidcraft.ai.drafting.planning import Plan
from bidcraft.ai.drafting.written import Written


def assemble(plan: Plan, written: Written, *, engine: str) -> Draft:
    pricing = plan.pricing
    return Draft(
        language=written.language,
        proposal_text=written.proposal_text,
        cover_letter=written.cover_letter,
        screening_answers=list(written.screening_answers),
        suggested_bid=SuggestedBid(
            amount=pricing.bid_amount,
            currency=pricing.currency,
            type="hourly" if pricing.bid_type == "hourly" else "fixed",
            rationale=pricing.rationale,
        ),
        pricing_breakdown=PricingBreakdown(
            items=[PricingLine(item=line.item, amount=line.amount) for line in pricing.breakdown.items],
            total=pricing.breakdown.total,
            currency=pricing.breakdown.currency,
        ),
        content_warnings=list(dict.fromkeys([*pricing.warnings, *written.warnings])),
        portfolio_items=list(written.portfolio_items),
        engine=engine,
        usage=written.usage,
    )
