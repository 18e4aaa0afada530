"""Drafts grounded in the job and the freelancer: the one place where proposals are drafted.

    draft_for_job(job, freelancer, *, tone=None, bid=None, engine=None) -> Draft
    load_freelancer_context(user_id) -> FreelancerContext

Used by `POST /api/ai/generate/proposal` (through `bidcraft.ai.generation`) and by the jobs feature
(`POST /api/jobs/{job_id}/draft`). Steps: `planning.plan` (language, the job's questions and requirements,
matching past work, pricing and its warnings) → the engine writes the texts (offline: `compose`; OpenAI:
structured output from the same plan) → `assemble` (the plan's numbers and warnings with the texts).

What leaves the service goes through `bidcraft.ai.service.draft_for_user` (or the generate route): the input
scan, the monthly token budget, usage recording, and the output checks on every string of the draft
(`@_screened`, the safety module's one gate), whose findings join `content_warnings`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bidcraft.ai.drafting.models import (
    Draft,
    FreelancerContext,
    JobContext,
    PastWork,
    PricingBreakdown,
    PricingLine,
    ScreeningAnswer,
    SuggestedBid,
)
from bidcraft.ai.drafting.store import load_freelancer_context

if TYPE_CHECKING:
    from bidcraft.ai.engine import Engine

__all__ = [
    "Draft",
    "FreelancerContext",
    "JobContext",
    "PastWork",
    "PricingBreakdown",
    "PricingLine",
    "ScreeningAnswer",
    "SuggestedBid",
    "draft_for_job",
    "load_freelancer_context",
]

_LOOKUP = object()


def draft_for_job(
    job: JobContext,
    freelancer: FreelancerContext | None,
    *,
    tone: str | None = None,
    bid: float | None = None,
    engine: Engine | None = None,
    market_median: float | object | None = _LOOKUP,
) -> Draft:
    """A draft for `job`, before the output checks (the service applies them where the draft leaves it:
    `service.draft_for_user`). `engine` defaults to the selected one (offline without an OpenAI key);
    `market_median` (USD/h) defaults to the stored 24-hour market snapshot of the job's category."""
    from bidcraft.ai import engine as engines
    from bidcraft.ai.drafting import assemble, planning, pricing, store

    if market_median is _LOOKUP:
        median = store.market_median(job.category or pricing.infer_category(job))
    else:
        median = market_median if isinstance(market_median, int | float) else None
    chosen = engine or engines.select()
    the_plan = planning.plan(job, freelancer, bid=bid, market_median=median)
    written = chosen.write_draft(the_plan, tone=tone)
    return assemble.assemble(the_plan, written, engine=chosen.name)
