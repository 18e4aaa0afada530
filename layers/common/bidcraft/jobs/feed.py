"""Reading the feed, one job's details, and a draft for a job (API.md, "Jobs").

- `feed_page`: one `Query` of the caller's feed partition (or one search's), in score order; cursors are the
  signed `bidcraft.security.cursor` kind, bound to the caller and the filters. The first page reads
  `data_as_of` from the partition itself; later pages carry it inside the signed cursor, so every page costs
  the same single `Query` (docs/jobs.md, "Reading the feed").
- `job_detail`: the caller's own feed copy (scores, matched searches) with the posting's description and
  screening questions — from storage, or from Upwork (`get_job`, the caller's own token) when storage does not
  have them. A job outside the caller's feed is fetched and scored for them the same way; Upwork's `applied`
  for the caller takes it out of their feed.
- `draft`: the AI domain's grounded draft for the posting (input scan, token budget, output checks) and the
  posting's `apply_url`. Nothing is submitted to Upwork.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bidcraft import clock
from bidcraft.jobs import store
from bidcraft.jobs.models import FeedPage, Job, JobDraft, Pagination, ScreeningAnswer, SuggestedBid
from bidcraft.security import cursor as cursors

if TYPE_CHECKING:  # Upwork's postings and the scores: only job details and drafts need them (imported there)
    from bidcraft.jobs.context import Contexts
    from bidcraft.upwork.models import UpworkJob

CURSOR_LABEL = "jobs-feed"
_AS_OF_KEY = "gsi1sk"  # the cursor codec's allowed extra string attribute: carries `data_as_of` to page 2+


def _scope(user_id: str, search_id: str | None, min_score: float | None, limit: int) -> dict[str, Any]:
    return {"user": user_id, "search_id": search_id, "min_score": min_score, "limit": limit}


def feed_page(
    user_id: str,
    *,
    search_id: str | None = None,
    min_score: float | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> FeedPage:
    scope = _scope(user_id, search_id, min_score, limit)
    codec = cursors.codec(CURSOR_LABEL)
    start: dict[str, Any] | None = None
    carried: str | None = None
    if cursor:
        key = codec.decode(cursor, scope)
        carried = key.pop(_AS_OF_KEY, {}).get("S")
        if set(key) != {"pk", "sk"}:
            raise cursors.invalid()
        start = key
    now = clock.now()
    page = store.feed_page(
        user_id, search_id, min_score=min_score, limit=limit, start_key=start, now=clock.epoch(now)
    )
    as_of = page.data_as_of or carried or clock.iso(now)
    next_cursor = None
    if page.last_key:
        next_cursor = codec.encode({**page.last_key, _AS_OF_KEY: {"S": as_of}}, scope)
    return FeedPage(
        jobs=[Job.model_validate(doc) for doc in page.jobs],
        pagination=Pagination(limit=limit, next_cursor=next_cursor, has_more=next_cursor is not None),
        data_as_of=as_of,
    )


def _fetch(user_id: str, job_id: str) -> UpworkJob:
    from bidcraft.auth.upwork_tokens import get_valid_access_token
    from bidcraft.jobs import upwork_access

    return upwork_access.graphql("interactive").get_job(get_valid_access_token(user_id), job_id)


def job_detail(
    user_id: str,
    job_id: str,
    *,
    fetch: Callable[[str, str], UpworkJob] = _fetch,
    contexts: Contexts | None = None,
) -> Job:
    from bidcraft.jobs.context import Contexts
    from bidcraft.jobs.present import to_api
    from bidcraft.upwork.models import UpworkJob

    now = clock.now()
    stamp = clock.epoch(now)
    mine = store.feed_entry(user_id, job_id, stamp)
    stored = store.get_job(job_id, stamp)
    posting = UpworkJob.model_validate(stored) if stored else None
    if posting is None or posting.description is None:
        fetched = fetch(user_id, job_id)
        if fetched.applied:
            store.mark_applied(user_id, job_id)
            mine = None
        # keep what the search gave (client statistics, activity) where the details query left it out
        posting = _merge(posting, fetched)
        store.put_job(job_id, posting.model_dump(mode="json"), stamp)
    if mine is not None:
        job = Job.model_validate(mine)
    else:
        contexts = contexts or Contexts()
        job = to_api(
            posting,
            user_id=user_id,
            search_skills=[],
            contexts=contexts,
            usual_applicants=None,
            seen_at=now,
            now=now,
        )
    return job.model_copy(
        update={"description": posting.description, "screening_questions": list(posting.screening_questions)}
    )


def _merge(stored: UpworkJob | None, fetched: UpworkJob) -> UpworkJob:
    if stored is None:
        return fetched
    update = {
        name: value
        for name, value in fetched.model_dump().items()
        if value not in (None, (), []) and name not in {"client", "activity"}
    }
    client = {k: v for k, v in fetched.client.model_dump().items() if v is not None}
    activity = {k: v for k, v in fetched.activity.model_dump().items() if v is not None}
    return stored.model_copy(
        update={
            **update,
            "client": stored.client.model_copy(update=client),
            "activity": stored.activity.model_copy(update=activity),
        }
    )


def _posting(user_id: str, job_id: str, fetch: Callable[[str, str], UpworkJob]) -> UpworkJob:
    from bidcraft.upwork.models import UpworkJob

    stamp = clock.epoch(clock.now())
    stored = store.get_job(job_id, stamp)
    posting = UpworkJob.model_validate(stored) if stored else None
    if posting is None or posting.description is None:
        posting = _merge(posting, fetch(user_id, job_id))
        store.put_job(job_id, posting.model_dump(mode="json"), stamp)
    return posting


def draft(
    user_id: str,
    job_id: str,
    *,
    tone: str | None = None,
    bid: float | None = None,
    meta: Any = None,
    fetch: Callable[[str, str], UpworkJob] = _fetch,
) -> JobDraft:
    """The AI domain's draft for the posting (`service.draft_for_user`: the posting's text scanned as input,
    the token budget, usage, the output checks and their audit), with Upwork's `apply_url`."""
    from bidcraft.ai import service
    from bidcraft.ai.drafting import JobContext
    from bidcraft.jobs.present import url_of

    posting = _posting(user_id, job_id, fetch)
    context = JobContext(
        title=posting.title,
        description=posting.description or posting.title,
        skills=list(posting.skills),
        category=posting.category,
        contract_type=posting.contract_type,
        budget=posting.budget,
        hourly_min=posting.hourly_min,
        hourly_max=posting.hourly_max,
        currency=posting.currency,
        screening_questions=list(posting.screening_questions),
    )
    made = service.draft_for_user(user_id, context, tone=tone, bid=bid, meta=meta)
    return JobDraft(
        draft_id="drf_" + uuid.uuid4().hex[:20],
        job_id=posting.job_id,
        proposal_text=made.proposal_text,
        cover_letter=made.cover_letter,
        screening_answers=[
            ScreeningAnswer(question=a.question, answer=a.answer) for a in made.screening_answers
        ],
        suggested_bid=SuggestedBid(
            amount=made.suggested_bid.amount,
            currency=made.suggested_bid.currency,
            type=made.suggested_bid.type,
            rationale=made.suggested_bid.rationale,
        ),
        apply_url=url_of(posting),
        engine=made.engine,
        content_warnings=list(made.content_warnings),
    )
