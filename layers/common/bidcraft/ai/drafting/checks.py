"""A written draft becomes a `Draft`: bid and breakdown from the plan, the pricing and language warnings.

The output check (redaction, every string of the reply) is not done here but once, where every AI reply
leaves the service: `bidcraft.ai.service`'s `@_screened` (issue 10 item 9).
"""

from __future__ import annotations

from bidcraft.ai.drafting.models import Draft, PricingBreakdown, PricingLine, SuggestedBid
from bidcraft.ai.drafting.planning import Plan
from bidcraft.ai.drafting.written import Written


def checked(plan: Plan, written: Written, *, engine: str) -> Draft:
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
