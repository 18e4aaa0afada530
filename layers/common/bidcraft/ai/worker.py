"""The AI-jobs queue worker's logic: run one queued generation, idempotently on `job_id`.

Per message `{"job_id", "user_id", "kind", "request"}`:
1. claim the job (`queued → running`, conditional). Already `succeeded`/`failed` → nothing to do (a
   redelivery); no such job → dropped with an error log; `running` elsewhere (and not stale) → `JobBusy`,
   retried later.
2. validate the stored request (a bad one fails the job permanently with a 422 problem);
3. run the same generation as the synchronous route (`service.generate`) and store the result
   (`running → succeeded`).
Failures: a transient one (5xx problem: OpenAI 502/503, storage 503, or an unexpected error) releases the job
(`running → queued`) and raises, so SQS redelivers the message — until the `MAX_ATTEMPTS`-th receive, which
marks the job failed instead. A permanent one (4xx problem, e.g. the token budget's 429) marks it failed at
once.
A failed job's `error` is a problem-like object `{type, title, status, detail}`.

Start-up: every message drafts, so the drafting steps (which the AI function and the jobs function load on
their first draft) are imported here, with the module (issue 10: a cold start pays what every request needs).
"""

from __future__ import annotations

import json
import logging
from typing import Any, NamedTuple

from pydantic import ValidationError

from bidcraft.ai import generation, jobs, market, service  # noqa: F401 - generation, market: every draft
from bidcraft.ai.drafting import assemble, compose, planning, pricing  # noqa: F401 - run by every message
from bidcraft.ai.models.generation import ProposalGenerationRequest
from bidcraft.errors import DomainError, Unprocessable

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


class JobBusy(Exception):
    """Another worker holds the job; the message is retried after its visibility timeout."""


class JobMessage(NamedTuple):
    """A queued job, as `jobs.enqueue` writes it: our own message, so its shape is checked by hand rather than
    by a pydantic model built at start-up; the request inside is validated as `ProposalGenerationRequest`,
    like the route's."""

    job_id: str
    user_id: str
    kind: str
    request: dict[str, Any]

    @classmethod
    def parse(cls, body: str) -> JobMessage | None:
        """The message, or None when the body is not a JSON object with these four members of these types
        (other members are ignored)."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # not JSON, an integer over 4,300 digits, absurd nesting
            return None
        if not isinstance(data, dict):
            return None
        job_id, user_id, kind, request = (data.get(name) for name in ("job_id", "user_id", "kind", "request"))
        if not (
            isinstance(job_id, str)
            and isinstance(user_id, str)
            and isinstance(kind, str)
            and isinstance(request, dict)
        ):
            return None
        return cls(job_id, user_id, kind, request)


def _transient(error: Exception) -> bool:
    return not isinstance(error, DomainError) or error.status >= 500


def process(body: str, *, attempt: int = 1) -> str:
    """Process one message body; returns what happened (for logs and tests). Raises to have it retried."""
    message = JobMessage.parse(body)
    if message is None:
        logger.error("ai job message malformed; dropped")
        return "malformed"
    user_id, job_id = message.user_id, message.job_id
    if message.kind != jobs.KIND_GENERATE_PROPOSAL:
        jobs.fail(user_id, job_id, service.problem(Unprocessable(f"Unknown job kind {message.kind!r}")))
        return "failed"
    claimed = jobs.start(user_id, job_id)
    if claimed == "missing":
        logger.error("ai job not found; message dropped", extra={"job_id": job_id})
        return "missing"
    if claimed == "done":
        logger.info("ai job already finished; duplicate delivery", extra={"job_id": job_id})
        return "duplicate"
    if claimed == "busy":
        raise JobBusy(job_id)
    try:
        request = ProposalGenerationRequest.model_validate(message.request)
    except ValidationError:
        jobs.fail(user_id, job_id, service.problem(Unprocessable("The queued request is not valid")))
        return "failed"
    try:
        draft = service.generate(user_id, request)
    except Exception as exc:  # deliberately broad: whatever goes wrong, the job must leave `running`
        # (released for a retry, or failed), never stay claimed until it goes stale. Nothing is swallowed: a
        # retry re-raises, and an unexpected error (a bug) is logged with its traceback, on every attempt.
        if _transient(exc) and attempt < MAX_ATTEMPTS:
            # An outage (a 5xx problem) is expected now and then; anything else is a bug: keep its traceback.
            log = logger.warning if isinstance(exc, DomainError) else logger.exception
            log(
                "ai job failed; will retry",
                extra={"job_id": job_id, "attempt": attempt, "error_type": type(exc).__name__},
            )
            jobs.release(user_id, job_id)
            raise
        error = exc if isinstance(exc, DomainError) else DomainError("The job failed unexpectedly")
        if not isinstance(exc, DomainError):
            logger.exception("ai job failed unexpectedly", extra={"job_id": job_id})
        jobs.fail(user_id, job_id, service.problem(error))
        return "failed"
    if not jobs.finish(user_id, job_id, draft.model_dump(mode="json")):
        logger.warning("ai job finished elsewhere first; result discarded", extra={"job_id": job_id})
        return "duplicate"
    return "succeeded"
