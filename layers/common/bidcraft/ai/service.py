"""The AI operations behind the routes and the worker: one function per operation, typed in and out.

Order of every engine call: scan the inputs (audit, never block) → pick the engine → if it is metered, check
the monthly token budget → call → record usage → answer. Every operation's reply leaves through `@_screened`:
every string in it (nested ones, async job results included) is checked once, in one place
(`inspection.screened`, issue 10 item 9).

Start-up (issue 10, cold starts): what every operation uses is imported here: the output check
(`inspection`; the input scanner is loaded by the AI function at start-up). The engine choice and the usage
counters (with the engine's secret reader and the AI table's items) load with the operations that call an
engine (`_engine`): competition, prediction and a job's status never do.
Each analysis is imported by the operation that runs it, so a container pays only for the routes it serves:
`scoring` (via the offline engine) for analysis, `drafting` and `generation` for drafts, `competition` and
`market` for competition, `prediction` for success, `jobs` for async jobs; likewise each operation's reply
model (`bidcraft.ai.models.<route>`) — the AI function has them all from its route table, the worker needs
the generation models only. The worker imports the drafting steps that it runs on every message itself
(`bidcraft.ai.worker`).
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from pydantic import BaseModel

from bidcraft import clock
from bidcraft.ai import inspection
from bidcraft.ai.models.generation import ProposalDraft, ProposalGenerationRequest
from bidcraft.errors import PROBLEM_BASE, DomainError, NotFound, ServiceUnavailable

if TYPE_CHECKING:
    from bidcraft.ai.drafting import Draft, FreelancerContext, JobContext
    from bidcraft.ai.engine import Engine
    from bidcraft.ai.market import MarketSource
    from bidcraft.ai.models.analysis import ProposalAnalysis, ProposalAnalysisRequest
    from bidcraft.ai.models.competition import CompetitionAnalysis, CompetitionRequest
    from bidcraft.ai.models.generation import TokenUsage
    from bidcraft.ai.models.jobs import AiJob, AiJobAccepted
    from bidcraft.ai.models.prediction import SuccessPrediction, SuccessPredictionRequest

logger = logging.getLogger(__name__)

_JOB_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _profile_rate(user_id: str) -> float | None:
    """The user's Upwork hourly rate from their profile; None when unknown or unreadable."""
    from bidcraft.users import store

    try:
        record = store.get(user_id)
    except ServiceUnavailable as exc:  # storage down: a missing rate only makes an estimate less personal
        logger.warning(
            "profile rate unavailable", extra={"user_id": user_id, "error_type": type(exc).__name__}
        )
        return None
    rate = record.upwork_profile.hourly_rate if record else None
    return float(rate) if rate else None


def _engine(user_id: str) -> Engine:
    """The engine for this call, the user's monthly token budget checked first when it is metered. The
    engine choice and the usage counters load with the operations that call an engine (analysis, drafts);
    competition, prediction and a job's status never do."""
    from bidcraft.ai import engine as engines
    from bidcraft.ai import usage

    engine = engines.select()
    if engine.metered:
        usage.ensure_budget(user_id)
    return engine


def _record_usage(user_id: str, used: TokenUsage, engine: Engine) -> None:
    from bidcraft.ai import usage

    usage.record(user_id, used, engine=engine.name)


_P = ParamSpec("_P")
_R = TypeVar("_R", bound=BaseModel)


def _screened(operation: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """The operation's reply, every string of it checked before it leaves the service (`user_id` first)."""

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def screened(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            reply = function(*args, **kwargs)
            user_id = str(args[0] if args else kwargs["user_id"])
            return inspection.screened(user_id, reply, operation=operation, meta=kwargs.get("meta"))

        return screened

    return decorate


# --- POST /api/ai/analyze/proposal
@_screened("analyze_proposal")
def analyze_proposal(user_id: str, request: ProposalAnalysisRequest, *, meta: Any = None) -> ProposalAnalysis:
    from bidcraft.ai.models.analysis import ProposalAnalysis

    inspection.inspect(
        user_id,
        {
            "proposal_text": request.proposal_text,
            "job_description": request.job_description,
            "category": request.category,
            "skills": request.skills,
        },
        operation="analyze_proposal",
        meta=meta,
    )
    engine = _engine(user_id)
    result = engine.analyze_proposal(request)
    _record_usage(user_id, result.usage, engine)
    card = result.scorecard
    return ProposalAnalysis(
        analysis_id=str(uuid.uuid4()),
        score=card.score,
        suggestions=list(card.suggestions),
        keywords=list(card.keywords),
        confidence=card.confidence,
        breakdown=card.breakdown,
        engine=engine.name,
    )


# --- POST /api/ai/generate/proposal
def _scan_generation(user_id: str, request: ProposalGenerationRequest, meta: Any) -> None:
    inspection.inspect(
        user_id,
        {
            "project_description": request.project_description,
            "timeline": request.timeline,
            "skills": request.skills,
        },
        operation="generate_proposal",
        meta=meta,
    )


def _draft(
    user_id: str,
    job: JobContext,
    *,
    tone: str | None = None,
    bid: float | None = None,
    freelancer: FreelancerContext | None = None,
) -> Draft:
    from bidcraft.ai import drafting

    engine = _engine(user_id)
    context = freelancer if freelancer is not None else drafting.load_freelancer_context(user_id)
    draft = drafting.draft_for_job(job, context, tone=tone, bid=bid, engine=engine)
    _record_usage(user_id, draft.usage, engine)
    return draft  # checked on its way out (`@_screened` of the operation)


@_screened("generate_proposal")
def generate(user_id: str, request: ProposalGenerationRequest, *, meta: Any = None) -> ProposalDraft:
    """Draft a proposal (inputs already scanned): the synchronous route and the worker share this."""
    from bidcraft.ai import generation

    draft = _draft(user_id, generation.job_context(request), tone=request.tone)
    return generation.response(draft)


@_screened("draft_for_job")
def draft_for_user(
    user_id: str,
    job: JobContext,
    *,
    tone: str | None = None,
    bid: float | None = None,
    freelancer: FreelancerContext | None = None,
    meta: Any = None,
) -> Draft:
    """A draft for `user_id` (the jobs feature's entry point): the job's texts scanned (audit, never block),
    the engine's token budget checked, usage recorded, every string of the draft checked on the way out
    (`@_screened`: redactions listed in `content_warnings`, withheld text audited). `freelancer` defaults to
    what we have stored (`drafting.load_freelancer_context`)."""
    inspection.inspect(
        user_id,
        {
            "title": job.title,
            "description": job.description,
            "skills": job.skills,
            "screening_questions": job.screening_questions,
            "timeline": job.timeline,
        },
        operation="draft_for_job",
        meta=meta,
    )
    return _draft(user_id, job, tone=tone, bid=bid, freelancer=freelancer)


def generate_proposal(user_id: str, request: ProposalGenerationRequest, *, meta: Any = None) -> ProposalDraft:
    _scan_generation(user_id, request, meta)
    return generate(user_id, request, meta=meta)


def problem(error: DomainError) -> dict[str, Any]:
    """A problem-like description of a failure, as stored on a failed job."""
    return {
        "type": PROBLEM_BASE + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }


@_screened("generate_proposal")
def submit_generation(user_id: str, request: ProposalGenerationRequest, *, meta: Any = None) -> AiJobAccepted:
    """Queue a generation (`Prefer: respond-async`): the job item first, then the message."""
    from bidcraft.ai import jobs
    from bidcraft.ai.models.jobs import AiJobAccepted

    _scan_generation(user_id, request, meta)
    _engine(user_id)  # a metered engine's budget is checked before the job is queued
    payload = request.model_dump(mode="json", exclude_none=True)
    job_id = jobs.create(user_id, jobs.KIND_GENERATE_PROPOSAL, payload)
    try:
        jobs.enqueue(job_id, user_id, jobs.KIND_GENERATE_PROPOSAL, payload)
    except DomainError as exc:
        jobs.fail(user_id, job_id, problem(exc))
        raise
    return AiJobAccepted(job_id=job_id, status="queued", status_url=jobs.status_url(job_id))


# --- GET /api/ai/jobs/{job_id}
@_screened("get_job")
def get_job(user_id: str, job_id: str) -> AiJob:
    """The caller's own job; any other id (another user's included) is a 404."""
    from bidcraft.ai import jobs
    from bidcraft.ai.models.jobs import AiJob
    from bidcraft.tables.analytics.ai import plain_map

    item = jobs.get(user_id, job_id) if _JOB_ID.match(job_id) else None
    if item is None:
        raise NotFound("No such job")
    return AiJob.model_validate(
        {
            "job_id": item.job_id,
            "status": item.status,
            "result": plain_map(item.result) if item.status == "succeeded" else None,
            "error": plain_map(item.error) if item.status == "failed" else None,
        }
    )


# --- POST /api/ai/analyze/competition
@_screened("analyze_competition")
def analyze_competition(
    user_id: str, request: CompetitionRequest, *, meta: Any = None, source: MarketSource | None = None
) -> CompetitionAnalysis:
    from bidcraft.ai import competition, market

    inspection.inspect(
        user_id,
        {"category": request.category, "skills": request.skills},
        operation="analyze_competition",
        meta=meta,
    )
    snap = market.snapshot(user_id, request.category, source=source)
    return competition.analyze(
        snap.competitors,
        skills=request.skills,
        profile_rate=_profile_rate(user_id),
        budget_range=request.budget_range,
        data_as_of=clock.iso(snap.fetched_at),
        market_size=snap.market_size,
    )


# --- POST /api/ai/predict/success
@_screened("predict_success")
def predict_success(
    user_id: str, request: SuccessPredictionRequest, *, meta: Any = None
) -> SuccessPrediction:
    from bidcraft.ai import prediction

    inspection.inspect(
        user_id, {"project_category": request.project_category}, operation="predict_success", meta=meta
    )
    return prediction.predict(user_id, request)
