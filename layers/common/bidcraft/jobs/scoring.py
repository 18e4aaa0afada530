"""Scores of a job for one freelancer, each 0..1 with the reasons behind it (docs/jobs.md, "Scores").

Pure functions: no I/O. Every sub-score is a weighted mean of the signals Upwork actually gave; a signal it
did not give is left out and lowers that score's *confidence*, which pulls the score towards the neutral 0.5:
`score = 0.5 + confidence × (raw − 0.5)`, where confidence is the share of the weights present. Nothing is
ever filled in with a made-up value, and a score with nothing to judge says so in its reasons.

- fit — skills (the job's skills covered by the search's and the profile's skills) and text similarity of the
  posting to the freelancer's title, overview and won work (cosine of word counts).
- client_quality — payment verified, total spent (log scale, $100k = 1), hire rate, rating smoothed by its
  number of reviews (Bayesian mean towards 3.5 with a weight of 5 reviews), account age (3 years = 1).
- competition — applicants against what is usual for the category, interviewing, invites sent, hours since
  the client was last active (higher = less competition / a livelier client).
- overall = 0.40 fit + 0.20 client_quality + 0.15 competition + 0.25 win_probability.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bidcraft.jobs.job_models import Reason, Scores
from bidcraft.upwork.models import UpworkJob

NEUTRAL = 0.5
OVERALL_WEIGHTS = {"fit": 0.40, "client_quality": 0.20, "competition": 0.15, "win_probability": 0.25}
USUAL_APPLICANTS = (
    15.0  # Upwork's middle "Proposals" bracket (10–15, 15–20): used when a category has no sample
)
SPENT_FULL = 100_000.0
RATING_PRIOR, RATING_PRIOR_WEIGHT = 3.5, 5.0
ACCOUNT_YEARS_FULL = 3.0
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = frozenset(
    [
        "and",
        "the",
        "for",
        "with",
        "you",
        "your",
        "our",
        "are",
        "will",
        "have",
        "has",
        "this",
        "that",
        "from",
        "who",
        "need",
        "needs",
        "looking",
        "want",
        "can",
        "work",
        "job",
        "project",
        "new",
        "all",
        "any",
        "into",
        "out",
        "not",
        "but",
        "more",
        "than",
    ]
)


@dataclass(frozen=True)
class Profile:
    """What we know of the freelancer (each part optional)."""

    title: str | None = None
    overview: str | None = None
    skills: tuple[str, ...] = ()
    won_work: tuple[str, ...] = ()  # titles/descriptions of jobs they won

    def text(self) -> str:
        return " ".join(p for p in (self.title, self.overview, *self.won_work) if p)


@dataclass
class _Signals:
    """Weighted signals of one score and the reasons they give."""

    name: str
    values: list[tuple[float, float]] = field(default_factory=list)  # (weight, value 0..1)
    missing: list[tuple[float, str]] = field(default_factory=list)  # (weight, what)
    reasons: list[Reason] = field(default_factory=list)

    def add(self, weight: float, value: float, detail: str, *, good_from: float = 0.5) -> None:
        value = max(0.0, min(1.0, value))
        self.values.append((weight, value))
        self.reasons.append(Reason(score=self.name, effect="+" if value >= good_from else "-", detail=detail))

    def absent(self, weight: float, what: str) -> None:
        self.missing.append((weight, what))

    def score(self) -> float:
        present = sum(w for w, _ in self.values)
        total = present + sum(w for w, _ in self.missing)
        if present == 0:
            self.reasons.append(
                Reason(
                    score=self.name,
                    effect="-",
                    detail="Nothing to judge: Upwork gave none of "
                    + ", ".join(what for _, what in self.missing)
                    + " (neutral 0.5)",
                )
            )
            return NEUTRAL
        raw = sum(w * v for w, v in self.values) / present
        confidence = present / total if total else 1.0
        if self.missing:
            self.reasons.append(
                Reason(
                    score=self.name,
                    effect="-",
                    detail="Less certain: Upwork did not give " + ", ".join(what for _, what in self.missing),
                )
            )
        return round(NEUTRAL + confidence * (raw - NEUTRAL), 4)


def words(text: str | None) -> Counter[str]:
    return Counter(w for w in (m.group(0).casefold() for m in _WORD.finditer(text or "")) if w not in _STOP)


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[word] for word, count in a.items() if word in b)
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def _fold(items: Iterable[str]) -> set[str]:
    return {s.strip().casefold() for s in items if s and s.strip()}


def fit(job: UpworkJob, search_skills: Sequence[str], profile: Profile) -> tuple[float, list[Reason]]:
    signals = _Signals("fit")
    wanted = _fold(search_skills) | _fold(profile.skills)
    job_skills = _fold(job.skills)
    if job_skills and wanted:
        covered = sorted(job_skills & wanted)
        share = len(covered) / len(job_skills)
        detail = (
            f"You cover {len(covered)} of the job's {len(job_skills)} skills ({', '.join(covered)})"
            if covered
            else f"None of the job's {len(job_skills)} skills are in your search or profile"
        )
        signals.add(0.6, share, detail)
    else:
        signals.absent(0.6, "skills" if not job_skills else "your skills")
    mine = words(profile.text())
    theirs = words(" ".join(p for p in (job.title, job.description) if p))
    if mine and theirs:
        similarity = cosine(mine, theirs)
        value = min(1.0, similarity / 0.35)  # 0.35 cosine on word counts is already a close match
        shared = sorted(set(mine) & set(theirs), key=lambda w: -(mine[w] * theirs[w]))[:5]
        detail = f"Text similarity to your profile and won work: {similarity:.2f}" + (
            f" (shared: {', '.join(shared)})" if shared else ""
        )
        signals.add(0.4, value, detail)
    else:
        signals.absent(0.4, "your profile text" if not mine else "a job description")
    return signals.score(), signals.reasons


def client_quality(job: UpworkJob, now: datetime) -> tuple[float, list[Reason]]:
    c = job.client
    signals = _Signals("client_quality")
    if c.payment_verified is not None:
        signals.add(
            0.25,
            1.0 if c.payment_verified else 0.0,
            "Payment method verified" if c.payment_verified else "Payment method not verified",
        )
    else:
        signals.absent(0.25, "payment verification")
    if c.total_spent is not None:
        spent = math.log10(1 + max(0.0, c.total_spent)) / math.log10(1 + SPENT_FULL)
        signals.add(0.25, min(1.0, spent), f"Has spent ${c.total_spent:,.0f} on Upwork")
    else:
        signals.absent(0.25, "total spent")
    if c.hire_rate is not None:
        signals.add(0.2, c.hire_rate, f"Hires on {c.hire_rate:.0%} of jobs posted")
    else:
        signals.absent(0.2, "hire rate")
    if c.rating is not None and c.reviews:
        smoothed = (c.rating * c.reviews + RATING_PRIOR * RATING_PRIOR_WEIGHT) / (
            c.reviews + RATING_PRIOR_WEIGHT
        )
        signals.add(
            0.2,
            (smoothed - 1.0) / 4.0,
            f"Rated {c.rating:.1f}/5 over {c.reviews} reviews (smoothed {smoothed:.2f})",
            good_from=0.75,
        )
    else:
        signals.absent(0.2, "client rating")
    if c.member_since is not None:
        years = max(0.0, (now - c.member_since).days / 365.25)
        signals.add(0.1, min(1.0, years / ACCOUNT_YEARS_FULL), f"Client on Upwork for {years:.1f} years")
    else:
        signals.absent(0.1, "account age")
    return signals.score(), signals.reasons


def competition(job: UpworkJob, usual_applicants: float | None, now: datetime) -> tuple[float, list[Reason]]:
    a = job.activity
    signals = _Signals("competition")
    applicants = a.applicants if a.applicants is not None else job.total_applicants
    if applicants is not None:
        usual = usual_applicants or USUAL_APPLICANTS
        ratio = applicants / usual
        signals.add(
            0.5,
            1.0 / (1.0 + ratio),
            f"{applicants} applicants; about {usual:.0f} is usual for this category",
        )
    else:
        signals.absent(0.5, "applicants")
    if a.interviewing is not None:
        signals.add(
            0.2, 1.0 / (1.0 + a.interviewing / 2.0), f"{a.interviewing} freelancers being interviewed"
        )
    else:
        signals.absent(0.2, "interviewing")
    if a.invites_sent is not None:
        signals.add(0.1, 1.0 / (1.0 + a.invites_sent / 5.0), f"{a.invites_sent} invites sent by the client")
    else:
        signals.absent(0.1, "invites sent")
    if a.last_client_activity is not None:
        hours = max(0.0, (now - a.last_client_activity).total_seconds() / 3600)
        signals.add(0.2, 1.0 / (1.0 + hours / 24.0), f"Client last active {hours:.0f} hours ago")
    else:
        signals.absent(0.2, "client's last activity")
    return signals.score(), signals.reasons


def overall(fit_: float, client: float, competition_: float, win_probability: float) -> float:
    w = OVERALL_WEIGHTS
    value = (
        w["fit"] * fit_
        + w["client_quality"] * client
        + w["competition"] * competition_
        + w["win_probability"] * win_probability
    )
    return round(max(0.0, min(1.0, value)), 4)


@dataclass(frozen=True)
class Scored:
    scores: Scores
    win_probability: float
    reasons: list[Reason]


def score(
    job: UpworkJob,
    *,
    search_skills: Sequence[str],
    profile: Profile,
    win_probability: float,
    win_detail: str,
    usual_applicants: float | None,
    now: datetime,
) -> Scored:
    f, fit_reasons = fit(job, search_skills, profile)
    c, client_reasons = client_quality(job, now)
    k, competition_reasons = competition(job, usual_applicants, now)
    total = overall(f, c, k, win_probability)
    reasons = [
        *fit_reasons,
        *client_reasons,
        *competition_reasons,
        Reason(score="win_probability", effect="+" if win_probability >= 0.5 else "-", detail=win_detail),
    ]
    return Scored(
        scores=Scores(fit=f, client_quality=c, competition=k, overall=total),
        win_probability=round(win_probability, 4),
        reasons=reasons,
    )


def usual_applicants(jobs: Iterable[UpworkJob], minimum_sample: int = 5) -> dict[str, float]:
    """Median applicants per category among `jobs` (categories with fewer than `minimum_sample` left out)."""
    by_category: dict[str, list[int]] = {}
    for job in jobs:
        count = job.activity.applicants if job.activity.applicants is not None else job.total_applicants
        if job.category and count is not None:
            by_category.setdefault(job.category, []).append(count)
    medians: dict[str, float] = {}
    for category, counts in by_category.items():
        if len(counts) >= minimum_sample:
            ordered = sorted(counts)
            middle = len(ordered) // 2
            medians[category] = float(
                ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
            )
    return medians
