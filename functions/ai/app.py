"""AI routes: proposal scoring and drafting, competition, success prediction, async jobs (API.md "AI").

Every route is bearer-authenticated and rate limited per user (operation class `ai_operations`).
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header

from bidcraft.ai import service
from bidcraft.ai.models import (
    AiJob,
    AiJobAccepted,
    CompetitionAnalysis,
    CompetitionRequest,
    ProposalAnalysis,
    ProposalAnalysisRequest,
    ProposalDraft,
    ProposalGenerationRequest,
    SuccessPrediction,
    SuccessPredictionRequest,
)
from bidcraft.http import create_app, docs, lambda_handler_for, limits, request
from bidcraft.http.guard import current_principal
from bidcraft.security import (
    ratelimit,
    threats,  # noqa: F401 - every POST route scans its inputs: loaded at start-up, not by the first request
)

app = create_app("ai")
AI_LIMIT = [limits.by_user(ratelimit.AI_OPERATIONS)]
TAGS = ["ai"]
_PROBLEM = docs.PROBLEM_CONTENT
AI_ERRORS: dict[int, Any] = {
    404: {"description": "No such job of yours", "content": _PROBLEM},
    429: {"description": "Rate limited (ai_operations) or monthly token budget used up", "content": _PROBLEM},
    502: {"description": "The AI service failed (`ai-unavailable`) or Upwork did", "content": _PROBLEM},
    503: {"description": "The AI service or Upwork is throttling us (`Retry-After`)", "content": _PROBLEM},
}
ASYNC_ACCEPTED = {
    "description": "Queued as a job (with `Prefer: respond-async`)",
    "content": {"application/json": {"model": AiJobAccepted}},
}


def _documented(model: type, description: str, *statuses: int, **extra: Any) -> dict[int, Any]:
    """OpenAPI responses of a route: its 200 (with the model) and what it answers besides 401/422."""
    responses: dict[int, Any] = {
        200: {"description": description, "content": {"application/json": {"model": model}}}
    }
    responses.update({status: AI_ERRORS[status] for status in statuses})
    if "accepted" in extra:
        responses[202] = extra["accepted"]
    return responses


def _caller() -> str:
    return current_principal(app).user_id


def _meta() -> object:

    return request.meta(app.current_event.raw_event)


def _wants_async(prefer: str | None) -> bool:
    """RFC 7240: `Prefer: respond-async` (possibly among other preferences)."""
    if not prefer:
        return False
    return any(part.split("=")[0].strip().lower() == "respond-async" for part in prefer.split(","))


@app.post(
    "/api/ai/analyze/proposal",
    summary="Score a proposal with a breakdown per criterion, suggestions and keywords",
    tags=TAGS,
    middlewares=AI_LIMIT,
    responses=_documented(ProposalAnalysis, "The score, its breakdown and suggestions", 429, 502, 503),
)
def analyze_proposal(body: ProposalAnalysisRequest) -> ProposalAnalysis:
    return service.analyze_proposal(_caller(), body, meta=_meta())


@app.post(
    "/api/ai/generate/proposal",
    summary="Draft a proposal (send `Prefer: respond-async` to run it as a job: 202)",
    tags=TAGS,
    middlewares=AI_LIMIT,
    responses=_documented(ProposalDraft, "The drafted proposal", 429, 502, 503, accepted=ASYNC_ACCEPTED),
)
def generate_proposal(
    body: ProposalGenerationRequest,
    prefer: Annotated[str | None, Header(description="`respond-async` queues the generation")] = None,
) -> Response[ProposalDraft | AiJobAccepted]:
    user_id = _caller()
    if _wants_async(prefer):
        accepted = service.submit_generation(user_id, body, meta=_meta())
        return Response(
            status_code=202,
            content_type="application/json",
            body=accepted,
            headers={"Location": accepted.status_url, "Preference-Applied": "respond-async"},
        )
    draft = service.generate_proposal(user_id, body, meta=_meta())
    return Response(status_code=200, content_type="application/json", body=draft)


@app.post(
    "/api/ai/analyze/competition",
    summary="Competition in a category from Upwork market data (at most 24 hours old)",
    tags=TAGS,
    middlewares=AI_LIMIT,
    responses=_documented(CompetitionAnalysis, "Competition figures", 429, 502, 503),
)
def analyze_competition(body: CompetitionRequest) -> CompetitionAnalysis:
    return service.analyze_competition(_caller(), body, meta=_meta())


@app.post(
    "/api/ai/predict/success",
    summary="Probability of winning a job (logistic model), with risk factors and recommendations",
    tags=TAGS,
    middlewares=AI_LIMIT,
    responses=_documented(SuccessPrediction, "The probability, risk factors and recommendations", 429),
)
def predict_success(body: SuccessPredictionRequest) -> SuccessPrediction:
    return service.predict_success(_caller(), body, meta=_meta())


@app.get(
    "/api/ai/jobs/<job_id>",
    summary="Status and result of an asynchronous AI job (your own jobs only)",
    tags=TAGS,
    middlewares=AI_LIMIT,
    responses=_documented(AiJob, "The job's status, with its result or error", 404, 429),
)
def get_job(job_id: str) -> AiJob:
    return service.get_job(_caller(), job_id)


lambda_handler = lambda_handler_for(app)
startup.finished()
