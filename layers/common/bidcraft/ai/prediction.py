"""Success prediction: a small logistic model with named, documented coefficients.

    logit = INTERCEPT
          + RATING       x (client_rating - 4.5)
          + SCORE        x (proposal_score - 0.6)          proposal_score defaults to 0.6 (neutral)
          + HIRE_RATE    x (client_hire_rate - 0.5)        defaults to 0.5 (neutral)
          + COMPETITION  x (ln(1 + proposals_count) - ln 16) defaults to 15 proposals (neutral)
          + BUDGET       x (log10(budget) - 3)             1,000 USD is neutral
          + COMPLEXITY[project_complexity]
    success_probability = 1 / (1 + e^(-logit))

Each term is a feature's contribution (in log-odds); a contribution below `RISK_THRESHOLD` becomes a risk
factor (impact high ≥ 0.5, medium ≥ 0.25, else low, by magnitude) with a matching recommendation. The model is
monotone: a better client rating, proposal score or hire rate never lowers the probability; more competing
proposals never raise it. Coefficients are priors set from public Upwork guidance (win rates of 10-30 %,
client history and proposal quality dominate), not fitted to our users' data yet: confidence says so
(0.45 with only the required inputs, up to 0.8 with all three optional ones).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from bidcraft.ai.models import (
    PredictionModel,
    RiskFactor,
    SuccessPrediction,
    SuccessPredictionRequest,
)

MODEL = PredictionModel(name="bidcraft-logistic-success", version="1.0.0")

INTERCEPT = -1.0
RATING = 0.6
SCORE = 2.5
HIRE_RATE = 1.5
COMPETITION = -0.7
BUDGET = -0.15
COMPLEXITY = {"low": 0.2, "medium": 0.0, "high": -0.35}

NEUTRAL_SCORE = 0.6
NEUTRAL_HIRE_RATE = 0.5
NEUTRAL_PROPOSALS = 15
RISK_THRESHOLD = -0.1


@dataclass(frozen=True)
class Contribution:
    factor: str
    value: float
    detail: str
    recommendation: str


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def contributions(request: SuccessPredictionRequest) -> list[Contribution]:
    score = NEUTRAL_SCORE if request.proposal_score is None else request.proposal_score
    hire = NEUTRAL_HIRE_RATE if request.client_hire_rate is None else request.client_hire_rate
    proposals = NEUTRAL_PROPOSALS if request.proposals_count is None else request.proposals_count
    return [
        Contribution(
            "client_rating",
            RATING * (request.client_rating - 4.5),
            f"The client is rated {request.client_rating:.1f} of 5.",
            "Read the client's reviews from other freelancers before bidding, and agree on milestones up "
            "front.",
        ),
        Contribution(
            "proposal_quality",
            SCORE * (score - NEUTRAL_SCORE),
            f"Your proposal scores {score:.2f} of 1.",
            "Improve the proposal first: run it through /api/ai/analyze/proposal and follow the suggestions.",
        ),
        Contribution(
            "client_hire_rate",
            HIRE_RATE * (hire - NEUTRAL_HIRE_RATE),
            f"The client hires on {hire:.0%} of their jobs.",
            "Prefer clients with a history of hiring, or ask a qualifying question in your first message.",
        ),
        Contribution(
            "competition",
            COMPETITION * (math.log1p(proposals) - math.log1p(NEUTRAL_PROPOSALS)),
            f"{proposals} proposals compete for this job.",
            "Bid early and make your first two lines specific to this job to stand out in a crowded list.",
        ),
        Contribution(
            "budget",
            BUDGET * (math.log10(request.budget) - 3),
            f"The budget is {request.budget:,.0f} USD; larger budgets attract stronger competition.",
            "Show relevant results of similar size (numbers, case studies) to justify a large budget.",
        ),
        Contribution(
            "project_complexity",
            COMPLEXITY[request.project_complexity],
            f"The project is of {request.project_complexity} complexity.",
            "Break the complex project into milestones and propose a small paid first milestone.",
        ),
    ]


def _impact(value: float) -> Literal["low", "medium", "high"]:
    magnitude = abs(value)
    return "high" if magnitude >= 0.5 else "medium" if magnitude >= 0.25 else "low"


def predict(request: SuccessPredictionRequest) -> SuccessPrediction:
    parts = contributions(request)
    logit = INTERCEPT + sum(p.value for p in parts)
    risks = sorted((p for p in parts if p.value < RISK_THRESHOLD), key=lambda p: (p.value, p.factor))
    recommendations = [p.recommendation for p in risks]
    if not recommendations:
        recommendations = ["Conditions are favourable: send a tailored proposal early."]
    given = sum(
        value is not None
        for value in (request.proposal_score, request.client_hire_rate, request.proposals_count)
    )
    return SuccessPrediction(
        success_probability=round(_sigmoid(logit), 4),
        risk_factors=[RiskFactor(factor=p.factor, impact=_impact(p.value), detail=p.detail) for p in risks],
        recommendations=recommendations,
        confidence=round(0.45 + 0.35 * given / 3, 2),
        model=MODEL,
    )
