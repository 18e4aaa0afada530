"""Requests and responses of the AI routes, exactly as API.md ("AI") has them: one module per route family.

- `base`: the constrained field types and the `Request` / `Reply` base classes every model shares;
- `budget_range`: the `min-max` budget range of the analysis and competition requests;
- `generation`: `POST /api/ai/generate/proposal` (what the drafting machinery and the AI-jobs worker use too);
- `jobs`: the asynchronous generation's `202` and `GET /api/ai/jobs/{job_id}`;
- `analysis`, `competition`, `prediction`: the other three routes.

Each route family is its own module so that a container loads the model classes of the code it runs: the AI
function imports every route's models at start-up (its route table needs them); the AI-jobs worker, and the
jobs function when it drafts, load only `base` and `generation` (issue 10, cold starts).
`from bidcraft.ai.models import X` works for every name: this package imports the module that defines `X` on
first access (PEP 562); `__all__` lists them all (a test checks it against `_MODULES`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bidcraft.ai.models.analysis import ProposalAnalysis, ProposalAnalysisRequest
    from bidcraft.ai.models.base import (
        Fraction,
        LongText,
        ProjectDescription,
        ProposalText,
        Reply,
        Request,
        ShortText,
        Skills,
    )
    from bidcraft.ai.models.budget_range import BudgetRange, WithBudgetRange, budget_bounds
    from bidcraft.ai.models.competition import (
        CompetitionAnalysis,
        CompetitionRequest,
        MarketPosition,
        RateBucket,
        TopCompetitor,
    )
    from bidcraft.ai.models.generation import (
        PortfolioItem,
        PricingBreakdown,
        PricingItem,
        ProposalDraft,
        ProposalGenerationRequest,
        TokenUsage,
        Tone,
    )
    from bidcraft.ai.models.jobs import AiJob, AiJobAccepted, AiJobError, JobStatus
    from bidcraft.ai.models.prediction import (
        Complexity,
        PredictionModel,
        RiskFactor,
        SuccessPrediction,
        SuccessPredictionRequest,
    )

_MODULES: dict[str, tuple[str, ...]] = {
    "base": (
        "Fraction",
        "LongText",
        "ProjectDescription",
        "ProposalText",
        "Reply",
        "Request",
        "ShortText",
        "Skills",
    ),
    "budget_range": ("BudgetRange", "WithBudgetRange", "budget_bounds"),
    "generation": (
        "PortfolioItem",
        "PricingBreakdown",
        "PricingItem",
        "ProposalDraft",
        "ProposalGenerationRequest",
        "TokenUsage",
        "Tone",
    ),
    "jobs": ("AiJob", "AiJobAccepted", "AiJobError", "JobStatus"),
    "analysis": ("ProposalAnalysis", "ProposalAnalysisRequest"),
    "competition": (
        "CompetitionAnalysis",
        "CompetitionRequest",
        "MarketPosition",
        "RateBucket",
        "TopCompetitor",
    ),
    "prediction": (
        "Complexity",
        "PredictionModel",
        "RiskFactor",
        "SuccessPrediction",
        "SuccessPredictionRequest",
    ),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "AiJob",
    "AiJobAccepted",
    "AiJobError",
    "BudgetRange",
    "CompetitionAnalysis",
    "CompetitionRequest",
    "Complexity",
    "Fraction",
    "JobStatus",
    "LongText",
    "MarketPosition",
    "PortfolioItem",
    "PredictionModel",
    "PricingBreakdown",
    "PricingItem",
    "ProjectDescription",
    "ProposalAnalysis",
    "ProposalAnalysisRequest",
    "ProposalDraft",
    "ProposalGenerationRequest",
    "ProposalText",
    "RateBucket",
    "Reply",
    "Request",
    "RiskFactor",
    "ShortText",
    "Skills",
    "SuccessPrediction",
    "SuccessPredictionRequest",
    "TokenUsage",
    "Tone",
    "TopCompetitor",
    "WithBudgetRange",
    "budget_bounds",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next access is a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})
