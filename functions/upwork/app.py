"""Upwork data routes: request a background sync and follow its job.

`POST /api/upwork/sync` → `202 {"job_id"}` (API.md). `GET /api/upwork/sync/{job_id}` is an extension
(docs/events.md): the caller's own job, else 404. Both take a bearer token and count against the `api` limit.
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, ConfigDict, Field, field_serializer

from bidcraft import clock, config
from bidcraft.errors import NotFound
from bidcraft.http import create_app, docs, lambda_handler_for
from bidcraft.http.guard import Principal, current_principal
from bidcraft.http.limits import by_user
from bidcraft.security import ratelimit
from bidcraft.sync import jobs

app = create_app("upwork")
API_LIMIT = [by_user(ratelimit.API)]
JobId = Annotated[
    str, Path(min_length=1, max_length=64, description="The job id from `POST /api/upwork/sync`")
]


class UpworkSettings(config.BaseSettings):
    analytics_table: str
    sync_queue_url: str


class SyncAccepted(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built on its route's first use

    job_id: str


class SyncJobStatus(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built on its route's first use

    job_id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    reason: str
    created_at: datetime = Field(description="ISO 8601 UTC")
    started_at: datetime | None = None
    finished_at: datetime | None = None
    counts: dict[str, int] = Field(
        default_factory=dict,
        description="proposals, contracts, payments read; events_applied, events_duplicate, "
        "events_unchanged, pending_applied, transactions, duration_ms",
    )
    error: str | None = None

    @field_serializer("created_at", "started_at", "finished_at")
    def _iso(self, value: datetime | None) -> str | None:
        return clock.iso(value) if value is not None else None


def _caller() -> Principal:
    config.load(UpworkSettings)  # a misconfigured deployment fails here, with a `misconfigured` problem
    return current_principal(app)


@app.post(
    "/api/upwork/sync",
    summary="Sync your Upwork proposals, contracts and earnings in the background",
    tags=["upwork"],
    middlewares=API_LIMIT,
    responses={
        202: {
            "description": "Sync queued, or the caller's sync already queued or running (same `job_id`)",
            "content": {"application/json": {"model": SyncAccepted}},
        },
        503: docs.problem("The sync could not be queued; retry (Retry-After)"),
    },
)
def request_sync() -> Response[SyncAccepted]:
    job = jobs.request_sync(_caller().user_id, reason="manual")
    return Response(
        status_code=202,
        content_type="application/json",
        body=SyncAccepted(job_id=job.job_id),
    )


@app.get(
    "/api/upwork/sync/<job_id>",
    summary="The status of one of your sync jobs",
    tags=["upwork"],
    middlewares=API_LIMIT,
    responses={
        200: {"description": "The job", "content": {"application/json": {"model": SyncJobStatus}}},
        404: docs.problem("No such job of yours"),
    },
)
def sync_status(job_id: JobId) -> SyncJobStatus:
    principal = _caller()
    job = jobs.get(principal.user_id, job_id) if jobs.JOB_ID.match(job_id) else None
    if job is None:
        raise NotFound("No such sync job")
    return SyncJobStatus.model_validate(job.model_dump(include=set(SyncJobStatus.model_fields)))


lambda_handler = lambda_handler_for(app)
startup.finished()
