"""The sandbox's ground truth for proposal outcomes: a documented generative model of who gets hired.

A proposal meets a job. What the freelancer can see of it is a *situation* — the features of
`bidcraft.ai.prediction.SuccessFeatures`, some of them missing as Upwork sometimes leaves them out. Behind it
are things nobody sees: the client's true habits and the freelancer's own skill. The true probability that
the proposal is hired is the product of two parts — the client hires anyone at all, and picks this one:

    p = h × c

    h = σ( H0 + H_VERIFIED·(+1 verified, −1 not) + H_SPENT·(log10(1 + spent) − 3)
           + H_HIRE·(hire_propensity − 0.5)
           + (H_RATING·(rating − 4.5) if the client has reviews else H_NO_REVIEWS)
           + H_COMPLEXITY[complexity] + H_BUDGET·(log10(budget) − 3) )
    c = 1 / (1 + k·e^(−s)),   k = SHORTLIST·proposals_count + LATE_ARRIVALS
    s = S_QUALITY·(quality − 0.6) − S_OVERBID·max(0, ln r) + S_UNDERBID·max(0, −ln r) + skill

`r` is the bid over its reference: the category's median hourly rate for an hourly bid (`CATEGORIES[].
median_rate`), the client's budget for a fixed price. `k` counts the rivals that matter: a share of those
already in (`SHORTLIST` — many are off-target) plus those still to come (`LATE_ARRIVALS`), so being first
(`proposals_count = 0`) helps but is never a sure win. `skill` is the freelancer's own edge in log-odds:
`N(0, SKILL_SD)` per account plus `N(0, CATEGORY_SKILL_SD)` per account and category (`freelancer_skill`).
The parameters are the constants below; `draw_situation` says how every feature is drawn and when it is
missing. The model is deliberately *not* the logistic regression the service fits (a product of two
probabilities, with kinks), so the calibration that `tests/eval/prediction.py` measures is an honest one.

The sandbox's accounts use it too: each past proposal's outcome (`status_chain`) is drawn from the hire
probability of a situation drawn for it, with the account's skill — so a synced history carries a signal.
`random` is fine here: this is test data (ruff S311 is silenced on purpose).
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import asdict, dataclass
from itertools import accumulate
from typing import Any, Literal

from devserver.sandbox.catalog import CATEGORIES, Category

# --- the client hires at all (h)
H0 = 0.3
H_VERIFIED = 0.6
H_SPENT = 0.25
H_HIRE = 2.0
H_RATING = 0.8
H_NO_REVIEWS = -0.3
H_COMPLEXITY: dict[str, float] = {"low": 0.2, "medium": 0.0, "high": -0.4}
H_BUDGET = -0.1
# --- this proposal is the one chosen (c)
SHORTLIST = 0.3
LATE_ARRIVALS = 1.5
S_QUALITY = 3.0
S_OVERBID = 1.5
S_UNDERBID = 0.5
SKILL_SD = 0.45
CATEGORY_SKILL_SD = 0.25

# --- how often Upwork (or the caller) leaves a feature out
P_MISSING = {
    "budget": 0.05,
    "bid": 0.15,
    "client_payment_verified": 0.05,
    "client_total_spent": 0.05,
    "client_hire_rate": 0.10,
    "proposals_count": 0.05,
    "project_complexity": 0.10,
    "proposal_score": 0.40,
}

# What happens to a proposal after "submitted" when it is hired, and (weighted) when it is not.
HIRED_CHAIN: tuple[str, ...] = ("viewed", "interviewing", "hired")
_NOT_HIRED: tuple[tuple[int, tuple[str, ...]], ...] = (
    (8, ("viewed", "interviewing", "declined")),
    (4, ("viewed", "interviewing")),
    (20, ("viewed", "declined")),
    (8, ("viewed",)),
    (4, ("withdrawn",)),
    (3, ("viewed", "withdrawn")),
    (18, ("archived",)),
    (25, ()),
)
_NOT_HIRED_CUM = tuple(accumulate(weight for weight, _ in _NOT_HIRED))

Complexity = Literal["low", "medium", "high"]


@dataclass(frozen=True, slots=True)
class Situation:
    """One proposal meeting one job: what is observed (None = not given) and what is not."""

    # observed — the fields of bidcraft.ai.prediction.SuccessFeatures
    category: str
    budget: float | None
    bid: float | None
    client_rating: float | None  # None: the client has no reviews yet
    client_reviews: int | None
    client_hire_rate: float | None
    client_payment_verified: bool | None
    client_total_spent: float | None
    proposals_count: int | None
    project_complexity: Complexity | None
    proposal_score: float | None
    job_type: Literal["hourly", "fixed"]
    # hidden
    true_budget: float
    median_rate: float
    bid_ratio: float
    verified: bool
    total_spent: float
    hire_propensity: float
    reviews: int
    rating: float
    competitors: int
    complexity: Complexity
    quality: float
    skill: float

    def features(self) -> dict[str, Any]:
        """The observed part, as keyword arguments of `SuccessFeatures`."""
        names = (
            "category",
            "budget",
            "bid",
            "client_rating",
            "client_reviews",
            "client_hire_rate",
            "client_payment_verified",
            "client_total_spent",
            "proposals_count",
            "project_complexity",
            "proposal_score",
            "job_type",
        )
        values = asdict(self)
        return {name: values[name] for name in names}


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def client_hires(s: Situation) -> float:
    """h: the probability that the client hires anyone for this job."""
    logit = (
        H0
        + H_VERIFIED * (1 if s.verified else -1)
        + H_SPENT * (math.log10(1 + s.total_spent) - 3)
        + H_HIRE * (s.hire_propensity - 0.5)
        + (H_RATING * (s.rating - 4.5) if s.reviews > 0 else H_NO_REVIEWS)
        + H_COMPLEXITY[s.complexity]
        + H_BUDGET * (math.log10(s.true_budget) - 3)
    )
    return _sigmoid(logit)


def chosen(s: Situation) -> float:
    """c: the probability that this proposal is the one picked, when the client hires."""
    log_ratio = math.log(s.bid_ratio)
    strength = (
        S_QUALITY * (s.quality - 0.6)
        - S_OVERBID * max(0.0, log_ratio)
        + S_UNDERBID * max(0.0, -log_ratio)
        + s.skill
    )
    rivals = SHORTLIST * s.competitors + LATE_ARRIVALS
    return 1 / (1 + rivals * math.exp(-strength))


def hire_probability(s: Situation) -> float:
    """The true probability that this proposal is hired: h × c."""
    return client_hires(s) * chosen(s)


def _maybe(rng: random.Random, name: str, value: Any) -> Any:
    return None if rng.random() < P_MISSING[name] else value


def draw_situation(
    rng: random.Random,
    category: Category | None = None,
    *,
    skill: float | None = None,
    job_type: Literal["hourly", "fixed"] | None = None,
    bid: float | None = None,
    budget: float | None = None,
) -> Situation:
    """A job and a proposal for it. Given values (a sandbox proposal's own bid and budget) are kept.

    - category: uniform over `CATEGORIES`; job type hourly with probability 0.55;
    - budget: fixed price `exp(U(ln 50, ln 10 000))` USD; hourly: the posting's top rate,
      `median × U(0.8, 2.5)`;
    - bid ratio `r = exp(N(0, 0.3))`; the bid is `r ×` its reference (median rate or budget);
    - client: new (no jobs posted) with probability 0.25; else `jobs_posted = 1 + Geometric(mean 9)`, true
      hire propensity `Beta(2, 2)`, `hires = round(jobs_posted × propensity)`, observed hire rate
      `hires / jobs_posted`; spent `exp(N(ln(800·hires), 1))` when hires > 0, else 0; reviews
      `round(hires × U(0.4, 1))`, rating `5 − |N(0, 0.8)|` floored at 1 (None when there are no reviews);
      payment verified with probability 0.85 (spent > 0) or 0.5 (not);
    - competitors so far: 0 with probability 0.1, else `round(exp(N(ln 12, 0.9)))`;
    - complexity low/medium/high with probabilities 0.3/0.5/0.2; proposal quality `Beta(4, 3)`,
      observed as `proposal_score` (rounded to 0.01);
    - skill: `N(0, √(SKILL_SD² + CATEGORY_SKILL_SD²))` — a random freelancer — unless given;
    - each feature in `P_MISSING` is left out with its probability (the true value still counts).
    """
    cat = category or rng.choice(CATEGORIES)
    kind = job_type or ("hourly" if rng.random() < 0.55 else "fixed")
    if budget is None:
        budget = (
            round(cat.median_rate * rng.uniform(0.8, 2.5))
            if kind == "hourly"
            else round(math.exp(rng.uniform(math.log(50), math.log(10_000))), -1)
        )
    reference = cat.median_rate if kind == "hourly" else budget
    if bid is None:
        bid = round(reference * math.exp(rng.gauss(0, 0.3)), 2)
    ratio = min(20.0, max(0.05, bid / reference))

    new_client = rng.random() < 0.25
    jobs_posted = 0 if new_client else 1 + int(rng.expovariate(1 / 9))
    propensity = rng.betavariate(2, 2)
    hires = round(jobs_posted * propensity)
    spent = math.exp(rng.gauss(math.log(800 * hires), 1)) if hires else 0.0
    reviews = round(hires * rng.uniform(0.4, 1.0))
    rating = max(1.0, 5 - abs(rng.gauss(0, 0.8)))
    verified = rng.random() < (0.85 if spent > 0 else 0.5)
    competitors = 0 if rng.random() < 0.1 else round(math.exp(rng.gauss(math.log(12), 0.9)))
    complexity: Complexity = rng.choices(("low", "medium", "high"), weights=(3, 5, 2))[0]
    quality = rng.betavariate(4, 3)
    if skill is None:
        skill = rng.gauss(0, math.hypot(SKILL_SD, CATEGORY_SKILL_SD))
    return Situation(
        category=cat.label,
        budget=_maybe(rng, "budget", float(budget)),
        bid=_maybe(rng, "bid", float(bid)),
        client_rating=round(rating, 2) if reviews > 0 else None,
        client_reviews=reviews,
        client_hire_rate=_maybe(
            rng, "client_hire_rate", round(hires / jobs_posted, 3) if jobs_posted else None
        ),
        client_payment_verified=_maybe(rng, "client_payment_verified", verified),
        client_total_spent=_maybe(rng, "client_total_spent", round(spent, 2)),
        proposals_count=_maybe(rng, "proposals_count", competitors),
        project_complexity=_maybe(rng, "project_complexity", complexity),
        proposal_score=_maybe(rng, "proposal_score", round(quality, 2)),
        job_type=kind,
        true_budget=float(budget),
        median_rate=cat.median_rate,
        bid_ratio=ratio,
        verified=verified,
        total_spent=spent,
        hire_propensity=propensity,
        reviews=reviews,
        rating=rating,
        competitors=competitors,
        complexity=complexity,
        quality=quality,
        skill=skill,
    )


@functools.lru_cache(maxsize=4096)
def freelancer_skill(seed: str, account_id: str, category_slug: str) -> float:
    """An account's edge in a category: its own `N(0, SKILL_SD)` plus `N(0, CATEGORY_SKILL_SD)` there."""
    own = random.Random(f"{seed}:skill:{account_id}").gauss(0, SKILL_SD)  # noqa: S311  # nosec B311
    here = random.Random(f"{seed}:skill:{account_id}:{category_slug}").gauss(0, CATEGORY_SKILL_SD)  # noqa: S311  # nosec B311
    return own + here


def sample(count: int, seed: str, *, skill: float | None = None) -> list[tuple[Situation, bool]]:
    """`count` situations of random freelancers (or of one `skill`) with their drawn outcomes."""
    rng = random.Random(f"{seed}:sample")  # noqa: S311  # nosec B311
    drawn = []
    for _ in range(count):
        situation = draw_situation(rng, skill=skill)
        drawn.append((situation, rng.random() < hire_probability(situation)))
    return drawn


def status_chain(rng: random.Random, hired: bool) -> tuple[str, ...]:
    """The statuses after "submitted" of a proposal that is (not) hired, before the anchor cuts it short."""
    if hired:
        return HIRED_CHAIN
    return rng.choices(_NOT_HIRED, cum_weights=_NOT_HIRED_CUM)[0][1]


def proposal_hired(
    seed: str,
    account_id: str,
    index: int,
    category: Category,
    *,
    hourly_rate: float | None,
    bid_amount: float | None,
    job_budget: float | None,
) -> bool:
    """Whether a sandbox account's past proposal `index` is hired: a situation drawn around its own bid."""
    rng = random.Random(f"{seed}:outcome:{account_id}:{index}")  # noqa: S311  # nosec B311
    situation = draw_situation(
        rng,
        category,
        skill=freelancer_skill(seed, account_id, category.slug),
        job_type="hourly" if hourly_rate is not None else "fixed",
        bid=hourly_rate if hourly_rate is not None else bid_amount,
        budget=job_budget,
    )
    return rng.random() < hire_probability(situation)
