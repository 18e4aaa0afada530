"""Success prediction: a logistic model fitted to data, adjusted by the user's own decided proposals.

    logit = β·x(features)                                  global model (`success_model/params.json`)
          + δ(user, category)                              the user's track record, Beta-Binomial
    success_probability = σ(logit)

**Global model.** `x` is the design vector of `success_model.features` (bid against the category's median
rate or the budget, payment verification, client spend, hire rate, rating — absent = no reviews —,
competition, proposal score, complexity, budget; every one may be missing). β was fitted offline by logistic
regression on sandbox-generated proposals whose outcomes follow the documented generative model
`devserver/sandbox/outcomes.py`; calibration on held-out proposals is in `docs/ai.md`.

**Track record.** From the user's decided proposals (`success_model.history`: won `W`, decided `D`, in all and
in the job's category; one read), two Beta-Binomial steps, each shrunk to its prior when the history is
short:
- the user: `m_u = (κ_u·m₀ + W) / (κ_u + D)` with `m₀` the global base rate; their edge in log-odds
  `r_u = logit(m_u) − logit(m₀)`;
- the category: prior mean `π = σ(logit(m_c) + r_u)` (`m_c`: the category's base rate), posterior
  `m_uc = (κ_c·π + W_c) / (κ_c + D_c)`; `δ = logit(m_uc) − logit(m_c)`.
κ_u and κ_c (pseudo-proposals) were fitted by the method of moments on simulated freelancers' histories.
`trained_on` = D (rounded); with no history δ = 0 and the estimate is the global model's.

**Confidence** follows the effective sample size behind the user's adjustment, `n = κ_u + D_c + ½(D − D_c)`
(the prior's pseudo-proposals, the category's decided proposals, other categories' at half weight):
`confidence = n / (n + κ_u)` — 0.5 for the prior alone, rising towards 1 as the user's own decided proposals
accumulate (≈ 0.7 after 100). It does not count the optional fields given.

**Explanations.** Each factor's contribution is β·(x − x̄) over its columns (x̄: the training sample's mean, an
"average job"), plus δ as `track_record`. Contributions below `RISK_THRESHOLD` are risk factors (impact high
≥ 0.5, medium ≥ 0.25, else low), worst first, each with its recommendation.

The jobs feed calls `model_for_user(user_id)` once per user and polling round, then `estimate(features)` per
job; the route does the same.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bidcraft.ai.market import upwork_category
from bidcraft.ai.models.prediction import (
    PredictionModel,
    RiskFactor,
    SuccessPrediction,
    SuccessPredictionRequest,
)
from bidcraft.ai.success_model import history, params
from bidcraft.ai.success_model.features import (
    FACTORS,
    FEATURES,
    SuccessFeatures,
    bid_reading,
    design,
    median_for,
)
from bidcraft.ai.success_model.fit import sigmoid
from bidcraft.tables.base import STORAGE_ERRORS

__all__ = [
    "RiskFactor",
    "SuccessEstimate",
    "SuccessFeatures",
    "SuccessModel",
    "features_of",
    "model_for_user",
    "predict",
]

logger = logging.getLogger(__name__)

RISK_THRESHOLD = -0.1
OTHER_CATEGORY_WEIGHT = 0.5
_INDEX = {name: i for i, name in enumerate(FEATURES)}


class SuccessEstimate(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built by the first prediction

    probability: float
    confidence: float
    trained_on: int
    risk_factors: list[RiskFactor]
    recommendations: list[str]


@dataclass(frozen=True)
class _Contribution:
    factor: str
    value: float
    detail: str


def _logit(p: float) -> float:
    p = min(1 - 1e-9, max(1e-9, p))
    return math.log(p / (1 - p))


def _impact(value: float) -> Literal["low", "medium", "high"]:
    magnitude = abs(value)
    return "high" if magnitude >= 0.5 else "medium" if magnitude >= 0.25 else "low"


def _money(value: float) -> str:
    return f"{value:,.0f} USD"


def _details(f: SuccessFeatures, median: float) -> dict[str, str]:
    reading = bid_reading(f, median)
    if reading is None:
        bid = (
            "No bid was given, so it could not be compared with the market."
            if f.bid is None
            else "A fixed-price bid without the job's budget could not be compared."
        )
    else:
        kind, log_ratio = reading
        reference = (
            f"the budget of {_money(f.budget or 0)}"
            if kind == "fixed" and f.budget
            else f"the category's median rate of {median:,.0f} USD/h"
        )
        bid = f"Your bid of {f.bid:,.2f} USD is {math.exp(log_ratio):.2f}× {reference}."
    verified = {
        True: "The client's payment method is verified.",
        False: "The client's payment method is not verified.",
        None: "Upwork does not say whether the client's payment method is verified.",
    }[f.client_payment_verified]
    spend = (
        "The client's total spend is not known."
        if f.client_total_spent is None
        else f"The client has spent {_money(f.client_total_spent)} on Upwork."
    )
    hire = (
        "The client's hire rate is not known."
        if f.client_hire_rate is None
        else f"The client hires on {f.client_hire_rate:.0%} of their jobs."
    )
    rating = (
        f"The client is rated {f.client_rating:.1f} of 5."
        if f.has_reviews and f.client_rating is not None
        else "The client has no reviews yet."
    )
    competition = (
        "The number of competing proposals is not known."
        if f.proposals_count is None
        else f"{f.proposals_count} proposals already compete for this job."
    )
    quality = (
        "The proposal was not scored (run it through /api/ai/analyze/proposal)."
        if f.proposal_score is None
        else f"Your proposal scores {f.proposal_score:.2f} of 1."
    )
    complexity = (
        "The project's complexity is not known."
        if f.project_complexity is None
        else f"The project is of {f.project_complexity} complexity."
    )
    budget = "The budget is not known." if not f.budget else f"The budget is {_money(f.budget)}."
    return {
        "bid": bid,
        "payment_verification": verified,
        "client_spend": spend,
        "client_hire_rate": hire,
        "client_rating": rating,
        "competition": competition,
        "proposal_quality": quality,
        "project_complexity": complexity,
        "budget": budget,
    }


RECOMMENDATIONS: dict[str, str] = {
    "bid": "Bring your bid closer to the market: above the category's median rate (or the client's budget) "
    "you need to show why you are worth more.",
    "payment_verification": "Ask the client to verify a payment method before you start, and work only "
    "against funded milestones.",
    "client_spend": "The client has little history on Upwork: ask a qualifying question about scope and "
    "budget in your first message.",
    "client_hire_rate": "The client rarely hires: prefer clients with a history of hiring, or ask what "
    "stopped earlier postings.",
    "client_rating": "Read the client's reviews from other freelancers before bidding, and agree on "
    "milestones up front.",
    "competition": "Many proposals are already in: make your first two lines specific to this job, and bid "
    "early on the next ones.",
    "proposal_quality": "Improve the proposal first: run it through /api/ai/analyze/proposal and follow the "
    "suggestions.",
    "project_complexity": "Break the project into milestones and propose a small paid first milestone.",
    "budget": "Show results of a similar size (numbers, case studies) to justify this budget.",
    "track_record": "Your win rate in this category is below the market's: lead with your most relevant "
    "finished work, or bid where your record is stronger.",
}
FAVOURABLE = "Conditions are favourable: send a tailored proposal early."


class SuccessModel:
    """The global model plus one user's track record; `estimate` is a dot product and a few logs."""

    def __init__(self, record: history.TrackRecord, fitted: params.Params | None = None) -> None:
        self.record = record
        self.params = fitted or params.load()

    @property
    def trained_on(self) -> int:
        return round(self.record.total.decided)

    @property
    def model(self) -> PredictionModel:
        return PredictionModel(name=self.params.name, version=self.params.version, trained_on=self.trained_on)

    def _category_base(self, category: str | None) -> float:
        found = upwork_category(category) if category else None
        return self.params.category_base_rates.get(found or "", self.params.base_rate)

    def adjustment(self, category: str | None) -> tuple[float, float]:
        """(δ in log-odds, effective sample size) of the user's record for this category."""
        p = self.params
        total = self.record.total
        here = self.record.category(category)
        user_rate = (p.user_prior_strength * p.base_rate + total.won) / (
            p.user_prior_strength + total.decided
        )
        user_edge = _logit(user_rate) - _logit(p.base_rate)
        base = self._category_base(category)
        prior = sigmoid(_logit(base) + user_edge)
        kappa = p.category_prior_strength
        posterior = (kappa * prior + here.won) / (kappa + here.decided)
        effective = (
            p.user_prior_strength
            + here.decided
            + OTHER_CATEGORY_WEIGHT * max(0.0, total.decided - here.decided)
        )
        return _logit(posterior) - _logit(base), effective

    def contributions(self, features: SuccessFeatures) -> tuple[float, list[_Contribution]]:
        """(the global logit, each factor's contribution against the average training job)."""
        p = self.params
        median = median_for(features.category, p.median_rates, p.default_median_rate)
        x = design(features, median)
        logit = sum(b * v for b, v in zip(p.coefficients, x, strict=True))
        details = _details(features, median)
        parts = [
            _Contribution(
                factor,
                sum(p.coefficients[_INDEX[c]] * (x[_INDEX[c]] - p.means[_INDEX[c]]) for c in columns),
                details[factor],
            )
            for factor, columns in FACTORS.items()
        ]
        return logit, parts

    def estimate(self, features: SuccessFeatures) -> SuccessEstimate:
        logit, parts = self.contributions(features)
        delta, effective = self.adjustment(features.category)
        here = self.record.category(features.category)
        if here.decided or self.record.total.decided:
            rate = f"{here.won:.0f} of {here.decided:.0f}" if here.decided else "none"
            parts.append(
                _Contribution(
                    "track_record",
                    delta,
                    f"Your decided proposals won in this category: {rate} "
                    f"({self.record.total.won:.0f} of {self.record.total.decided:.0f} in all).",
                )
            )
        risks = sorted((c for c in parts if c.value < RISK_THRESHOLD), key=lambda c: (c.value, c.factor))
        return SuccessEstimate(
            probability=round(sigmoid(logit + delta), 4),
            confidence=round(effective / (effective + self.params.user_prior_strength), 3),
            trained_on=self.trained_on,
            risk_factors=[
                RiskFactor(factor=c.factor, impact=_impact(c.value), detail=c.detail) for c in risks
            ],
            recommendations=[RECOMMENDATIONS[c.factor] for c in risks] or [FAVOURABLE],
        )


def model_for_user(user_id: str) -> SuccessModel:
    """The model with `user_id`'s track record: one read (see `success_model.history`); reuse it for every
    job of a polling round. When the record cannot be read the estimate falls back to the prior alone
    (`trained_on` 0) and a warning is logged."""
    try:
        record = history.track_record(user_id)
    except STORAGE_ERRORS as exc:
        logger.warning(
            "track record unavailable, prior alone",
            extra={"user_id": user_id, "error_type": type(exc).__name__},
        )
        record = history.TrackRecord()
    return SuccessModel(record)


def features_of(request: SuccessPredictionRequest) -> SuccessFeatures:
    return SuccessFeatures(
        category=request.project_category,
        budget=request.budget,
        bid=request.bid,
        client_rating=request.client_rating,
        client_hire_rate=request.client_hire_rate,
        client_payment_verified=request.client_payment_verified,
        client_total_spent=request.client_total_spent,
        proposals_count=request.proposals_count,
        project_complexity=request.project_complexity,
        proposal_score=request.proposal_score,
    )


def predict(user_id: str, request: SuccessPredictionRequest) -> SuccessPrediction:
    """`POST /api/ai/predict/success`: the same `model_for_user(...).estimate(...)` as the jobs feed."""
    model = model_for_user(user_id)
    result = model.estimate(features_of(request))
    return SuccessPrediction(
        success_probability=result.probability,
        risk_factors=result.risk_factors,
        recommendations=result.recommendations,
        confidence=result.confidence,
        model=model.model,
    )
