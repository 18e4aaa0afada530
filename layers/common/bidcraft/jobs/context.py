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


def _complexity(job: UpworkJob) -> str:
    """The posting's own size signal: its budget (a number Upwork gave), never a guess."""
    amount = job.budget if job.budget is not None else job.hourly_max
    if amount is None:
        return "medium"
    if job.contract_type == "hourly":
        return "high" if amount >= 80 else "low" if amount < 25 else "medium"
    return "high" if amount >= 5_000 else "low" if amount < 500 else "medium"


def features(job: UpworkJob) -> dict[str, Any]:
    """The job's features in the prediction model's terms (absent stays absent)."""
    budget = job.budget if job.budget is not None else job.hourly_max or job.hourly_min
    applicants = job.activity.applicants if job.activity.applicants is not None else job.total_applicants
    values: dict[str, Any] = {
        "project_category": job.category or "Other",
        "budget": budget,
        "client_rating": job.client.rating if job.client.reviews else None,
        "project_complexity": _complexity(job),
        "client_hire_rate": job.client.hire_rate,
        "proposals_count": applicants,
        "client_payment_verified": job.client.payment_verified,
        "client_total_spent": job.client.total_spent,
    }
    return {name: value for name, value in values.items() if value is not None}


def load_profile(user_id: str) -> Profile:
    """The freelancer context the drafts use (profile title, overview, skills, won work)."""
    from bidcraft.ai.drafting import load_freelancer_context

    context = load_freelancer_context(user_id)
    if context is None:
        return Profile()
    won = getattr(context, "won_work", None) or getattr(context, "won_jobs", None) or ()
    return Profile(
        title=getattr(context, "title", None),
        overview=getattr(context, "overview", None),
        skills=tuple(getattr(context, "skills", None) or ()),
        won_work=tuple(str(getattr(w, "title", w)) for w in won),
    )


def load_win_model(user_id: str) -> WinModel:
    from bidcraft.ai.prediction import SuccessFeatures, model_for_user

    model = model_for_user(user_id)

    def estimate(job: UpworkJob) -> WinEstimate:
        given = features(job)
        if "budget" not in given:
            return 0.5, "No budget given: win probability left at the neutral 0.5"
        result = model.estimate(SuccessFeatures(**given))
        learned = getattr(result, "trained_on", 0)
        detail = f"Win probability {result.probability:.0%} " + (
            f"(learned from {learned} of your decided proposals)" if learned else "(prior model)"
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
