"""Per-user inputs of the scores: the freelancer's profile and their win-probability model.

Both come from the AI domain, so the feed scores a job with the same model as `POST /api/ai/predict/success`
and the same freelancer context as the drafts. A polling round builds each user's context once (`Contexts`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bidcraft.jobs.scoring import Profile
from bidcraft.upwork.models import UpworkJob

logger = logging.getLogger(__name__)

WinEstimate = tuple[float, str]  # probability, the reason's text
WinModel = Callable[[UpworkJob], WinEstimate]


def features(job: UpworkJob) -> dict[str, Any]:
    """The job's features in the prediction model's terms (`SuccessFeatures`); what Upwork did not give stays
    absent — the model reads a missing rating as "no reviews yet", never as a number."""
    applicants = job.activity.applicants if job.activity.applicants is not None else job.total_applicants
    values: dict[str, Any] = {
        "category": job.category,
        "budget": job.budget if job.budget else None,
        "job_type": job.contract_type,
        "client_rating": job.client.rating if job.client.reviews else None,
        "client_reviews": job.client.reviews,
        "client_hire_rate": job.client.hire_rate,
        "client_payment_verified": job.client.payment_verified,
        "client_total_spent": job.client.total_spent,
        "proposals_count": applicants,
    }
    return {name: value for name, value in values.items() if value is not None}


def load_profile(user_id: str) -> Profile:
    """The freelancer context the drafts use: profile title, overview, skills and won work."""
    from bidcraft.ai.drafting import load_freelancer_context

    context = load_freelancer_context(user_id)
    if context is None:
        return Profile()
    return Profile(
        title=context.title,
        overview=context.overview,
        skills=tuple(context.skills),
        won_work=tuple(work.title for work in context.past_work),
    )


def load_win_model(user_id: str) -> WinModel:
    """`model_for_user` (one read of the user's track record), then one estimate per job."""
    from bidcraft.ai.prediction import SuccessFeatures, model_for_user

    model = model_for_user(user_id)

    def estimate(job: UpworkJob) -> WinEstimate:
        result = model.estimate(SuccessFeatures(**features(job)))
        detail = f"Win probability {result.probability:.0%} " + (
            f"(learned from {result.trained_on} of your decided proposals)"
            if result.trained_on
            else "(the model's prior: no decided proposals of yours yet)"
        )
        return float(result.probability), detail

    return estimate


@dataclass
class Contexts:
    """Profiles and win models per user, loaded once per polling round (or request)."""

    profile_loader: Callable[[str], Profile] | None = None  # default: `load_profile`
    model_loader: Callable[[str], WinModel] | None = None  # default: `load_win_model`
    _profiles: dict[str, Profile] = field(default_factory=dict)
    _models: dict[str, WinModel] = field(default_factory=dict)

    def profile(self, user_id: str) -> Profile:
        if user_id not in self._profiles:
            self._profiles[user_id] = (self.profile_loader or load_profile)(user_id)
        return self._profiles[user_id]

    def win_model(self, user_id: str) -> WinModel:
        if user_id not in self._models:
            self._models[user_id] = (self.model_loader or load_win_model)(user_id)
        return self._models[user_id]
