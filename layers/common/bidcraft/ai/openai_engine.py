"""The OpenAI engine: structured outputs through the official SDK (3.x, on httpx2).

`openai` is imported only inside the functions that call it (about a second of cold start that the offline
path never pays). Calls use `client.chat.completions.parse(response_format=<pydantic model>)`, so the answer
is validated against our schema before we touch it; numbers are clamped to their ranges afterwards.

Retries are ours, not the SDK's (`max_retries=0` on the client): the SDK honours a server `Retry-After` of up
to two minutes, longer than API Gateway waits for a synchronous answer. Here every call has one deadline
(`OPENAI_TIMEOUT_SECONDS`); at most `OPENAI_MAX_RETRIES` retries follow connection errors, timeouts, 5xx and
429s whose `Retry-After` is at most `MAX_RETRY_WAIT` seconds, with exponential back-off (0.25 s, 0.5 s, …).
Failures map to problems (API.md): a 429 → 503 `upstream-throttled` with `Retry-After` (from the response when
present); a 429 for exhausted quota, any other error, a refusal or an unparseable answer → 502
`ai-unavailable`. Errors are logged by type and status only — never the prompt, the answer or the key.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from bidcraft.ai import prompts, scoring, text
from bidcraft.ai.engine import Analysis
from bidcraft.ai.models.analysis import ProposalAnalysisRequest
from bidcraft.ai.models.generation import PortfolioItem, TokenUsage
from bidcraft.errors import UpstreamError, UpstreamThrottled

if TYPE_CHECKING:
    import httpx2

    from bidcraft.ai.drafting.planning import Plan
    from bidcraft.ai.drafting.written import Written

logger = logging.getLogger(__name__)

MAX_RETRY_WAIT = 2.0
BACKOFF_BASE = 0.25
DEFAULT_RETRY_AFTER = 20
T = TypeVar("T", bound=BaseModel)


# --- structured-output schemas (what the model must return)
class LlmBreakdown(BaseModel):  # the offline engine's criteria (`scoring.CRITERIA`)
    relevance: float
    evidence: float
    specificity: float
    originality: float
    clarity: float
    length: float


class LlmAnalysis(BaseModel):
    breakdown: LlmBreakdown
    suggestions: list[str]
    keywords: list[str]
    confidence: float


class LlmPortfolioItem(BaseModel):
    title: str
    description: str
    skills: list[str]


class LlmScreeningAnswer(BaseModel):
    question: str
    answer: str


class LlmDraft(BaseModel):
    language: str
    proposal_text: str
    cover_letter: str
    screening_answers: list[LlmScreeningAnswer]
    portfolio_items: list[LlmPortfolioItem]


def make_http_client(timeout: float) -> httpx2.Client:
    """The HTTP client under the SDK (tests replace this function to install an `httpx2.MockTransport`)."""
    import httpx2

    return httpx2.Client(
        timeout=httpx2.Timeout(timeout, connect=min(5.0, timeout)),
        limits=httpx2.Limits(max_connections=10, max_keepalive_connections=5),
    )


def _retry_after(response: Any) -> int | None:
    """Seconds from `retry-after-ms` / `retry-after` (number or HTTP date) of a response, if any."""
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(1, math.ceil(float(milliseconds) / 1000))
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(1, math.ceil(float(value)))
    except ValueError:
        pass
    import email.utils

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(1, math.ceil(moment.timestamp() - time.time()))


def _clamp(value: float) -> float:
    if not math.isfinite(value):
        return 0.0
    return round(min(1.0, max(0.0, value)), 3)


class OpenAIEngine:
    metered = True

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout: float = 20.0,
        max_retries: int = 2,
        max_output_tokens: int = 1_500,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api_key = api_key
        self.model = model
        self._base_url = base_url
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_output_tokens = max_output_tokens
        self._sleep = sleep
        self._client: Any = None

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIEngine(model={self.model!r}, base_url={self._base_url!r})"

    @property
    def name(self) -> str:
        return f"openai:{self.model}"

    def _sdk(self) -> Any:
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(
                api_key=self._api_key,
                base_url=self._base_url,
                http_client=make_http_client(self._timeout),
                max_retries=0,
                timeout=self._timeout,
            )
        return self._client

    # --- one structured call with bounded retries -----------------------------------------------------------
    def _parse(self, system: str, user: str, schema: type[T]) -> tuple[T, TokenUsage]:
        import openai

        deadline = time.monotonic() + self._timeout
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            try:
                completion = self._sdk().chat.completions.parse(
                    model=self.model,
                    messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                    response_format=schema,
                    max_completion_tokens=self._max_output_tokens,
                    timeout=max(1.0, remaining),
                )
                return self._result(completion, schema)
            except openai.RateLimitError as exc:
                if exc.code == "insufficient_quota":
                    raise self._unavailable(exc) from exc
                wait = _retry_after(exc.response)
                if not self._may_retry(attempt, deadline, wait):
                    logger.warning("openai throttled us", extra={"retry_after": wait})
                    raise UpstreamThrottled(
                        "The AI service is busy; retry later", retry_after=wait or DEFAULT_RETRY_AFTER
                    ) from exc
                self._pause(attempt, wait)
            except (openai.APITimeoutError, openai.APIConnectionError, openai.InternalServerError) as exc:
                if not self._may_retry(attempt, deadline, None):
                    raise self._unavailable(exc) from exc
                self._pause(attempt, None)
            except (openai.OpenAIError, ValidationError, ValueError) as exc:
                raise self._unavailable(exc) from exc
            attempt += 1

    def _may_retry(self, attempt: int, deadline: float, wait: int | None) -> bool:
        if attempt >= self._max_retries:
            return False
        if wait is not None and wait > MAX_RETRY_WAIT:
            return False
        pause = wait if wait is not None else BACKOFF_BASE * 2**attempt
        return time.monotonic() + pause + 1.0 < deadline

    def _pause(self, attempt: int, wait: int | None) -> None:
        self._sleep(min(MAX_RETRY_WAIT, wait if wait is not None else BACKOFF_BASE * 2**attempt))

    @staticmethod
    def _unavailable(exc: Exception) -> UpstreamError:
        logger.error(
            "openai call failed",
            extra={"error_type": type(exc).__name__, "status_code": getattr(exc, "status_code", None)},
        )
        return UpstreamError(
            "The AI service failed to answer; try again later",
            slug="ai-unavailable",
            title="AI service unavailable",
        )

    @staticmethod
    def _result(completion: Any, schema: type[T]) -> tuple[T, TokenUsage]:
        choice = completion.choices[0] if completion.choices else None
        message = choice.message if choice is not None else None
        parsed = getattr(message, "parsed", None) if message is not None else None
        if message is None or getattr(message, "refusal", None) or not isinstance(parsed, schema):
            raise ValueError("the model returned no structured answer")
        usage = completion.usage
        tokens = TokenUsage(
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            total_tokens=int(getattr(usage, "total_tokens", 0) or 0),
        )
        return parsed, tokens

    # --- the engine operations ------------------------------------------------------------------------------
    def analyze_proposal(self, request: ProposalAnalysisRequest) -> Analysis:
        payload = request.model_dump(exclude_none=True)
        answer, usage = self._parse(
            prompts.ANALYZE_SYSTEM,
            prompts.data_section("Score this proposal.", payload),
            LlmAnalysis,
        )
        breakdown = {name: _clamp(getattr(answer.breakdown, name)) for name in scoring.CRITERIA}
        score = scoring.overall(
            breakdown, has_description=bool(request.job_description), has_skills=bool(request.skills)
        )
        keywords = [k.strip()[:60] for k in answer.keywords if k.strip()][:10]
        card = scoring.Scorecard(
            breakdown=breakdown,
            score=score,
            suggestions=[s.strip()[:500] for s in answer.suggestions if s.strip()][:6],
            keywords=keywords or text.keywords(request.proposal_text, skills=request.skills or []),
            confidence=_clamp(answer.confidence),
        )
        return Analysis(card, usage)

    def write_draft(self, plan: Plan, *, tone: str | None = None) -> Written:
        """The model writes the texts from the plan (as data); numbers stay the plan's. A screening question
        the model left unanswered gets the offline answer, so every question has one."""
        from bidcraft.ai.drafting.compose import compose
        from bidcraft.ai.drafting.models import ScreeningAnswer
        from bidcraft.ai.drafting.written import Written

        answer, usage = self._parse(
            prompts.system_prompt(prompts.DRAFT_PROMPT),
            prompts.data_section("Write the proposal for this job.", draft_payload(plan, tone)),
            LlmDraft,
        )
        fallback = compose(plan, tone=tone)
        given = {a.question.strip(): a.answer.strip() for a in answer.screening_answers if a.answer.strip()}
        screening = [
            ScreeningAnswer(
                question=question,
                answer=given.get(question.strip())
                or (answer.screening_answers[i].answer.strip() if i < len(answer.screening_answers) else "")
                or fallback.screening_answers[i].answer,
            )
            for i, question in enumerate(q for q in plan.job.screening_questions if q.strip())
        ]
        titles = {m.work.title for m in plan.matches}
        portfolio = [
            PortfolioItem(title=p.title[:200], description=p.description[:1000], skills=p.skills[:10])
            for p in answer.portfolio_items[:3]
            if p.title in titles  # only the freelancer's own work, never an invented item
        ]
        proposal_text = answer.proposal_text.strip()
        for word in (s.text for s in plan.specifics if s.kind == "instruction"):
            if not proposal_text.casefold().startswith(word.casefold()):
                proposal_text = f"{word}\n\n{proposal_text}"  # the client filters on it
        language = answer.language.strip().lower()[:2] or plan.language
        warnings = (
            [] if language == plan.language else [f"language:{language} — the job is in {plan.language}"]
        )
        return Written(
            language=language,
            proposal_text=proposal_text,
            cover_letter=answer.cover_letter.strip(),
            screening_answers=screening,
            portfolio_items=portfolio or fallback.portfolio_items,
            warnings=warnings,
            usage=usage,
        )


def draft_payload(plan: Plan, tone: str | None) -> dict[str, Any]:
    """The plan as the model sees it (inside `<data>`): the job, its specifics, the facts, the numbers."""
    job = plan.job.model_dump(exclude_none=True)
    freelancer = plan.freelancer
    pricing = plan.pricing
    return {
        "language": plan.language,
        "tone": tone or "professional",
        "job": job,
        "specifics": [{"kind": s.kind, "text": s.text} for s in plan.specifics],
        "freelancer": {
            "name": freelancer.name if freelancer else None,
            "title": freelancer.title if freelancer else None,
            "hourly_rate": freelancer.hourly_rate if freelancer else None,
            "skills": freelancer.skills if freelancer else [],
            "matching_past_work": [m.work.model_dump(exclude_none=True) for m in plan.matches],
        },
        "pricing": {
            "bid": {"amount": pricing.bid_amount, "currency": pricing.currency, "type": pricing.bid_type},
            "breakdown": [{"item": i.item, "amount": i.amount} for i in pricing.breakdown.items],
            "total": pricing.total,
            "estimated_hours": pricing.effort_hours,
            "timeline": plan.job.timeline,
        },
    }
