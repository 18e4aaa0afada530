"""`POST /api/ai/generate/proposal` on top of the drafting machinery (`bidcraft.ai.drafting`).

The request becomes a `JobContext` (the pasted description; a budget means a fixed price, as API.md has it in
USD), the draft comes back in the route's shape (API.md "AI"): `proposal_text`, `cover_letter`,
`portfolio_items`, `pricing_breakdown {items, total, currency}`, `engine`, `usage`, `content_warnings`.
The draft's bid rationale and screening answers have no field in this route; the jobs route returns them.
"""

from __future__ import annotations

from bidcraft.ai.drafting.models import Draft, JobContext
from bidcraft.ai.models.generation import (
    PricingBreakdown,
    PricingItem,
    ProposalDraft,
    ProposalGenerationRequest,
)


def job_context(request: ProposalGenerationRequest) -> JobContext:
    return JobContext(
        description=request.project_description,
        skills=list(request.skills or []),
        contract_type="fixed" if request.budget else None,
        budget=request.budget,
        timeline=request.timeline,
    )


def response(draft: Draft) -> ProposalDraft:
    return ProposalDraft(
        proposal_text=draft.proposal_text,
        cover_letter=draft.cover_letter,
        portfolio_items=draft.portfolio_items,
        pricing_breakdown=PricingBreakdown(
            items=[PricingItem(item=i.item, amount=i.amount) for i in draft.pricing_breakdown.items],
            total=draft.pricing_breakdown.total,
            currency="USD",
        ),
        engine=draft.engine,
        usage=draft.usage,
        content_warnings=draft.content_warnings,
    )
