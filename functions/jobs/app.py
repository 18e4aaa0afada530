"""Jobs: saved searches, the scored feed of new Upwork jobs, one job's details, and a draft for a job.

Every route takes a bearer token. Searches, feed and details count against the caller's `api` rate limit; a
draft against `ai_operations`, like the AI routes. Input is validated from the annotations below (422 with
field errors). Nothing here submits anything to Upwork (API.md, "Jobs"; docs/jobs.md).
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from bidcraft import config
from bidcraft.caller import RequestMeta
from bidcraft.http import create_app, docs, lambda_handler_for, request
from bidcraft.http.guard import current_principal
from bidcraft.http.limits import by_user
from bidcraft.jobs import feed, searches
from bidcraft.jobs.models import DraftRequest, FeedPage, Job, JobDraft, Search, SearchIn, SearchList
from bidcraft.jobs.settings import JobsSettings
from bidcraft.security import ratelimit

app = create_app("jobs")
API_LIMIT = [by_user(ratelimit.API)]
AI_LIMIT = [by_user(ratelimit.AI_OPERATIONS)]
TAGS = ["jobs"]
SearchId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
JobId = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^~?[A-Za-z0-9_.-]+$", description="Upwork's job id")
]
NOT_FOUND = docs.problem("No such saved search of yours")
UPSTREAM: dict[int, Any] = {
    502: docs.problem("Upwork (or the AI service) failed"),
    503: docs.problem("Upwork is throttling us, or our Upwork budget is spent (`Retry-After`)"),
}


def _caller() -> str:
    config.load(JobsSettings)  # a misconfigured deployment fails here, with a `misconfigured` problem
    return current_principal(app).user_id


def _meta() -> RequestMeta:
    return request.meta(app.current_event.raw_event)


# ------------------------------------------------------------------------------------------- saved searches


@app.post(
    "/api/jobs/searches",
    summary="Save a search (at most 10); new matching Upwork jobs then appear in your feed",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={
        201: docs.ok(Search, "Saved (`Location` names it)"),
        409: docs.problem("You already have 10 saved searches"),
    },
)
def create_search(body: Annotated[SearchIn, Body()]) -> Response[Search]:
    saved = searches.create(_caller(), body)
    return Response(
        status_code=201,
        content_type="application/json",
        body=saved,
        headers={"Location": f"/api/jobs/searches/{saved.search_id}"},
    )


@app.get("/api/jobs/searches", summary="Your saved searches", tags=TAGS, middlewares=API_LIMIT)
def list_searches() -> SearchList:
    return searches.list_all(_caller())


@app.get(
    "/api/jobs/searches/<search_id>",
    summary="One of your saved searches",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={200: docs.ok(Search), 404: NOT_FOUND},
)
def get_search(search_id: SearchId) -> Search:
    return searches.get(_caller(), search_id)


@app.put(
    "/api/jobs/searches/<search_id>",
    summary="Replace one of your saved searches",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={200: docs.ok(Search), 404: NOT_FOUND, 409: docs.problem("Changed meanwhile; retry")},
)
def replace_search(search_id: SearchId, body: Annotated[SearchIn, Body()]) -> Search:
    return searches.replace(_caller(), search_id, body)


@app.delete(
    "/api/jobs/searches/<search_id>",
    summary="Delete one of your saved searches",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={204: {"description": "Deleted"}, 404: NOT_FOUND},
)
def delete_search(search_id: SearchId) -> Response[None]:
    searches.delete(_caller(), search_id)
    return Response(status_code=204)


# ----------------------------------------------------------------------------------------------------- feed


@app.get(
    "/api/jobs/feed",
    summary="New Upwork jobs of your searches (last 24 hours), best score first",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={200: docs.ok(FeedPage), 400: docs.problem("The cursor is invalid or not this query's")},
)
def job_feed(
    search_id: Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    cursor: Annotated[str | None, Query(min_length=1, max_length=2048)] = None,
) -> FeedPage:
    return feed.feed_page(_caller(), search_id=search_id, min_score=min_score, limit=limit, cursor=cursor)


@app.get(
    "/api/jobs/<job_id>",
    summary="One job with its description and screening questions, scored for you",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={200: docs.ok(Job), 404: docs.problem("No such job"), **UPSTREAM},
)
def job_detail(job_id: JobId) -> Job:
    return feed.job_detail(_caller(), job_id)


@app.post(
    "/api/jobs/<job_id>/draft",
    summary="Draft a proposal for a job (screening answers, a suggested bid); you apply on Upwork",
    tags=TAGS,
    middlewares=AI_LIMIT,
    responses={200: docs.ok(JobDraft), 404: docs.problem("No such job"), **UPSTREAM},
)
def draft_for_job(job_id: JobId, body: Annotated[DraftRequest, Body()]) -> JobDraft:
    user_id = _caller()
    return feed.draft(user_id, job_id, tone=body.tone, bid=body.bid, meta=_meta())


lambda_handler = lambda_handler_for(app)
startup.finished()
