"""What is known about a job and a bid, and the design vector the logistic model reads.

Every feature may be missing (Upwork did not give it, or the caller did not send it): a missing value is
encoded as 0 in its own column plus a 1 in an `*_unknown` column, so the model learns what "not given"
means instead of pretending it is 0 — in particular a client with no reviews is `no_reviews`, never 0 stars.

| column | value |
|---|---|
| `intercept` | 1 |
| `bid_log_ratio` | ln(bid / reference), clipped to ±2 (reference: see below) |
| `bid_overbid` | max(0, bid_log_ratio): bidding above the reference costs more than bidding below gains |
| `bid_unknown` | no bid given |
| `payment_unverified`, `payment_unknown` | the client's payment method is not verified / not said |
| `client_spend`, `client_spend_unknown` | log10(1 + total spent in USD) |
| `client_hire_rate`, `client_hire_rate_unknown` | hire rate − 0.5 |
| `client_rating`, `no_reviews` | rating − 4.5 when the client has reviews; else `no_reviews` = 1 |
| `competition`, `competition_unknown` | ln(1 + proposals already sent) |
| `proposal_score`, `proposal_score_unknown` | the analysis score − 0.6 |
| `complexity_low`, `complexity_high`, `complexity_unknown` | medium is the baseline |
| `budget`, `budget_unknown` | log10(budget in USD, clipped to 3 USD .. 1M USD) − 3 |

The bid's reference is the category's median hourly rate for an hourly bid, the budget for a fixed price.
Whether a bid is an hourly rate or a fixed price: `job_type` when given (the jobs feed knows it); otherwise
the reading whose reference is closer in log terms (a 280 bid on a 300 budget is a fixed price, a 45 bid on a
5,000 budget in a 40/h category is an hourly rate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bidcraft.ai.market import upwork_category

Complexity = Literal["low", "medium", "high"]
JobType = Literal["hourly", "fixed"]

FEATURES: tuple[str, ...] = (
    "intercept",
    "bid_log_ratio",
    "bid_overbid",
    "bid_unknown",
    "payment_unverified",
    "payment_unknown",
    "client_spend",
    "client_spend_unknown",
    "client_hire_rate",
    "client_hire_rate_unknown",
    "client_rating",
    "no_reviews",
    "competition",
    "competition_unknown",
    "proposal_score",
    "proposal_score_unknown",
    "complexity_low",
    "complexity_high",
    "complexity_unknown",
    "budget",
    "budget_unknown",
)

# Columns grouped into the factors a freelancer can act on (risk factors and recommendations).
FACTORS: dict[str, tuple[str, ...]] = {
    "bid": ("bid_log_ratio", "bid_overbid", "bid_unknown"),
    "payment_verification": ("payment_unverified", "payment_unknown"),
    "client_spend": ("client_spend", "client_spend_unknown"),
    "client_hire_rate": ("client_hire_rate", "client_hire_rate_unknown"),
    "client_rating": ("client_rating", "no_reviews"),
    "competition": ("competition", "competition_unknown"),
    "proposal_quality": ("proposal_score", "proposal_score_unknown"),
    "project_complexity": ("complexity_low", "complexity_high", "complexity_unknown"),
    "budget": ("budget", "budget_unknown"),
}

MAX_LOG_RATIO = 2.0
MIN_LOG_BUDGET, MAX_LOG_BUDGET = 0.5, 6.0  # 3 USD .. 1M USD: a 1e-300 budget must not decide the estimate


class SuccessFeatures(BaseModel):
    """One job and one bid as the model sees them; None = not known.

    `budget`: the fixed price, or for an hourly job the top of its hourly range (as the model was fitted);
    `bid`: the freelancer's hourly rate or fixed price; `job_type` says which when known; `category`: any
    name, slug, label or id `market.upwork_category` resolves; `client_rating` None (or `client_reviews` 0)
    means the client has no reviews yet."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built by the first prediction

    category: str | None = None
    budget: float | None = Field(default=None, gt=0)
    bid: float | None = Field(default=None, gt=0)
    client_rating: float | None = Field(default=None, ge=0, le=5)  # None: no reviews yet
    client_reviews: int | None = Field(default=None, ge=0)
    client_hire_rate: float | None = Field(default=None, ge=0, le=1)
    client_payment_verified: bool | None = None
    client_total_spent: float | None = Field(default=None, ge=0)
    proposals_count: int | None = Field(default=None, ge=0)
    project_complexity: Complexity | None = None
    proposal_score: float | None = Field(default=None, ge=0, le=1)
    job_type: JobType | None = None  # how to read `bid`; inferred when absent

    @property
    def has_reviews(self) -> bool:
        """A rating only counts when the client has reviews (`client_reviews = 0` wins over a stray 0.0)."""
        return self.client_rating is not None and self.client_reviews != 0


def bid_reading(features: SuccessFeatures, median_rate: float) -> tuple[JobType, float] | None:
    """(how the bid is read, ln(bid / its reference)), or None without a bid."""
    bid = features.bid
    if bid is None:
        return None
    kind = features.job_type
    if kind is None:
        hourly_gap = abs(math.log(bid / median_rate))
        fixed_gap = abs(math.log(bid / features.budget)) if features.budget else math.inf
        kind = "fixed" if fixed_gap < hourly_gap else "hourly"
    if kind == "fixed" and not features.budget:
        return None  # a fixed price with no budget to compare it with
    reference = features.budget if kind == "fixed" and features.budget else median_rate
    ratio = math.log(bid / reference)
    return kind, max(-MAX_LOG_RATIO, min(MAX_LOG_RATIO, ratio))


def design(features: SuccessFeatures, median_rate: float) -> list[float]:
    """The model's input vector, in `FEATURES` order."""
    f = features
    reading = bid_reading(f, median_rate)
    log_ratio = reading[1] if reading else 0.0
    values: dict[str, float] = {
        "intercept": 1.0,
        "bid_log_ratio": log_ratio,
        "bid_overbid": max(0.0, log_ratio),
        "bid_unknown": float(reading is None),
        "payment_unverified": float(f.client_payment_verified is False),
        "payment_unknown": float(f.client_payment_verified is None),
        "client_spend": math.log10(1 + f.client_total_spent) if f.client_total_spent is not None else 0.0,
        "client_spend_unknown": float(f.client_total_spent is None),
        "client_hire_rate": f.client_hire_rate - 0.5 if f.client_hire_rate is not None else 0.0,
        "client_hire_rate_unknown": float(f.client_hire_rate is None),
        "client_rating": (f.client_rating or 0.0) - 4.5 if f.has_reviews else 0.0,
        "no_reviews": float(not f.has_reviews),
        "competition": math.log1p(f.proposals_count) if f.proposals_count is not None else 0.0,
        "competition_unknown": float(f.proposals_count is None),
        "proposal_score": f.proposal_score - 0.6 if f.proposal_score is not None else 0.0,
        "proposal_score_unknown": float(f.proposal_score is None),
        "complexity_low": float(f.project_complexity == "low"),
        "complexity_high": float(f.project_complexity == "high"),
        "complexity_unknown": float(f.project_complexity is None),
        "budget": min(MAX_LOG_BUDGET, max(MIN_LOG_BUDGET, math.log10(f.budget))) - 3 if f.budget else 0.0,
        "budget_unknown": float(not f.budget),
    }
    return [values[name] for name in FEATURES]


def median_for(category: str | None, medians: Mapping[str, float], default: float) -> float:
    """The category's median hourly rate (keyed by Upwork category id), else `default`."""
    if category:
        found = upwork_category(category)
        if found is not None and found in medians:
            return medians[found]
    return default
