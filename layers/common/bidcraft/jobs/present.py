"""A posting as the API's `Job` for one freelancer: Upwork's fields as given, plus this user's scores."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bidcraft import clock
from bidcraft.jobs.context import Contexts
from bidcraft.jobs.job_models import Budget, Competition, Job, JobClient, JobType
from bidcraft.jobs.scoring import score
from bidcraft.upwork.models import UpworkJob

UPWORK_JOB_URL = "https://www.upwork.com/jobs/{}"


def url_of(job: UpworkJob) -> str:
    """Where the freelancer applies: Upwork's own URL, else the posting's public address by its ciphertext."""
    if job.url:
        return job.url
    return UPWORK_JOB_URL.format(job.ciphertext or job.job_id)


def job_type(job: UpworkJob) -> JobType:
    if job.contract_type:
        return job.contract_type
    return "hourly" if job.hourly_min is not None or job.hourly_max is not None else "fixed"


def _iso(moment: datetime | None) -> str | None:
    return clock.iso(moment) if moment is not None else None


def to_api(
    job: UpworkJob,
    *,
    user_id: str,
    search_skills: list[str],
    contexts: Contexts,
    usual_applicants: float | None,
    seen_at: datetime,
    now: datetime,
    with_details: bool = False,
) -> Job:
    """The API `Job` (without `matched_searches`, which the feed item carries) scored for `user_id`."""
    probability, win_detail = contexts.win_model(user_id)(job)
    scored = score(
        job,
        search_skills=search_skills,
        profile=contexts.profile(user_id),
        win_probability=probability,
        win_detail=win_detail,
        usual_applicants=usual_applicants,
        now=now,
    )
    c, a = job.client, job.activity
    applicants = a.applicants if a.applicants is not None else job.total_applicants
    return Job(
        job_id=job.job_id,
        title=job.title,
        url=url_of(job),
        posted_at=clock.iso(job.posted_at or seen_at),
        type=job_type(job),
        budget=Budget(
            amount=job.budget, hourly_min=job.hourly_min, hourly_max=job.hourly_max, currency=job.currency
        ),
        skills=list(job.skills),
        category=job.category,
        client=JobClient(
            payment_verified=c.payment_verified,
            total_spent=c.total_spent,
            hires=c.hires,
            jobs_posted=c.jobs_posted,
            hire_rate=c.hire_rate,
            rating=c.rating,
            reviews=c.reviews,
            member_since=_iso(c.member_since),
            country=c.country,
        ),
        competition=Competition(
            applicants=applicants,
            interviewing=a.interviewing,
            invites_sent=a.invites_sent,
            last_client_activity=_iso(a.last_client_activity),
        ),
        scores=scored.scores,
        win_probability=scored.win_probability,
        reasons=scored.reasons,
        matched_searches=[],
        seen_at=clock.iso(seen_at),
        description=job.description if with_details else None,
        screening_questions=list(job.screening_questions) if with_details else None,
    )


def feed_doc(job: Job) -> dict[str, Any]:
    """What a feed item stores: the Job without the per-item `matched_searches` and the detail fields."""
    return job.model_dump(mode="json", exclude={"matched_searches", "description", "screening_questions"})
