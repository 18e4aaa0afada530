"""Analytics: metrics, dashboard, proposal analytics, reports, the audit log and rate-limit views.

Every route takes a bearer token, counts against the caller's `api` rate limit, validates its input from the
annotations below (422 problem with field errors otherwise) and makes one domain call.

Cold start (issue 10, docs/capacity.md §5): what every request needs loads with the function — routing and
validation, the token verifier and the rate window (users table), the route models (`analytics.views`, built
on first use). The code that computes a route's answer is imported by the route: the analytics routes load
their domain module and with it the analytics table's adapter and PynamoDB records (`analytics.store`), which
the audit-log and rate-limit routes never read; the report route loads gathering, charts, PDF/CSV and S3.
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

import re
from datetime import date
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from bidcraft import aws, config
from bidcraft.analytics import views
from bidcraft.analytics.reports import models as report_models
from bidcraft.errors import ServiceUnavailable
from bidcraft.http import create_app, lambda_handler_for, request
from bidcraft.http.guard import Principal, current_principal, resolve_user_id
from bidcraft.http.limits import by_user
from bidcraft.security import audit_query, ratelimit

app = create_app("analytics")
API_LIMIT = [by_user(ratelimit.API)]
UserId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9._:@-]+$",
        description="`me`, your own user id, or (admins) any user id",
    ),
]
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> object:
    """Only `YYYY-MM-DD`: pydantic alone would also read `0` or `1700000000` as a day (a Unix time)."""
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        raise ValueError("must be a date, YYYY-MM-DD")
    return value


IsoDay = BeforeValidator(_iso_day)
Day = Annotated[date | None, IsoDay, Query(description="YYYY-MM-DD (UTC)")]


class AnalyticsSettings(config.CoreSettings):
    """Everything this function needs, checked on the first request (no defaults for resource names)."""

    reports_bucket: str
    rate_limit_ai_operations: int = 30
    rate_limit_auth: int = 60
    rate_limit_api: int = 600


def _caller() -> Principal:
    config.load(AnalyticsSettings)  # a misconfigured deployment fails here, with a `misconfigured` problem
    return current_principal(app)


def _target(principal: Principal, user_id: str) -> str:
    """The user whose data is asked for; someone else's is 403 (audited as `authz_fail` by bidcraft.http)."""
    return resolve_user_id(principal, user_id)


# ------------------------------------------------------------------------------------------------ metrics


@app.get(
    "/api/analytics/metrics/user/<user_id>",
    summary="A user's metrics for a period, with trends against the previous period",
    tags=["analytics"],
    middlewares=API_LIMIT,
)
def user_metrics(
    user_id: UserId,
    period: Annotated[views.PeriodName, Query(description="Calendar period (ISO weeks)")] = "monthly",
    date_: Annotated[
        date | None,
        IsoDay,
        Query(alias="date", description="A day inside the wanted period, YYYY-MM-DD (default today, UTC)"),
    ] = None,
) -> views.UserMetrics:
    principal = _caller()
    from bidcraft.analytics import metrics

    return metrics.user_metrics(_target(principal, user_id), period, date_)


@app.get(
    "/api/dashboard/main",
    summary="Dashboard widgets and this month's summary",
    tags=["analytics"],
    middlewares=API_LIMIT,
)
def main_dashboard() -> views.Dashboard:
    user_id = _caller().user_id
    from bidcraft.analytics import dashboard

    return dashboard.main_dashboard(user_id)


@app.get(
    "/api/analytics/proposals/<user_id>",
    summary="Proposal counts by status, category and time over a range (default: the whole history)",
    tags=["analytics"],
    middlewares=API_LIMIT,
)
def proposal_analytics(
    user_id: UserId,
    status: Annotated[views.StatusFilter, Query(description="`all` or a current status")] = "all",
    category: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    date_from: Day = None,
    date_to: Day = None,
) -> views.ProposalAnalytics:
    principal = _caller()
    from bidcraft.analytics import proposals

    return proposals.proposal_analytics(
        _target(principal, user_id),
        status=status,
        category=category,
        date_from=date_from,
        date_to=date_to,
    )


# ------------------------------------------------------------------------------------------------ reports


class ReportRequest(BaseModel):
    # unknown fields are a 422 (mass assignment, ASVS 15.3.3); built on the report route's first use
    model_config = ConfigDict(extra="forbid", defer_build=True)

    report_type: Literal["monthly_performance"]
    user_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@-]+$")]
    period: Annotated[str, Field(pattern=report_models.MONTH_PATTERN, description="YYYY-MM")]
    include_charts: StrictBool = True
    format: Literal["pdf", "csv"] = "pdf"


@app.post(
    "/api/analytics/reports/generate",
    summary="Generate a monthly performance report (PDF or CSV) and get a 15-minute download link",
    tags=["analytics"],
    middlewares=API_LIMIT,
)
def generate_report(body: Annotated[ReportRequest, Body()]) -> report_models.GeneratedReport:
    principal = _caller()
    # Gathering, charts, PDF/CSV and S3 are this route's alone: imported when it runs, not at cold start.
    from bidcraft.analytics.reports import generate

    return generate.generate(
        _target(principal, body.user_id),
        body.period,
        report_type=body.report_type,
        include_charts=body.include_charts,
        file_format=body.format,
    )


# ----------------------------------------------------------------------------------------------- security


@app.get(
    "/api/security/audit-logs",
    summary="Audit records, newest first (your own; admins: any user's, or every user's for one action)",
    tags=["security"],
    middlewares=API_LIMIT,
)
def audit_logs(
    user_id: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=128,
            pattern=r"^([A-Za-z0-9._:@-]+|\*)$",
            description="Default: you. Admins: any user id, `anonymous` (callers not signed in), "
            "or `*` (every user; needs `action`)",
        ),
    ] = None,
    action: Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")] = None,
    date_from: Day = None,
    date_to: Day = None,
    limit: Annotated[int, Query(ge=1, le=audit_query.MAX_LIMIT)] = audit_query.DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(min_length=1, max_length=2048)] = None,
) -> audit_query.AuditLogPage:
    principal = _caller()
    query = audit_query.AuditQuery(
        user_id=user_id, action=action, date_from=date_from, date_to=date_to, limit=limit, cursor=cursor
    )
    return audit_query.list_audit_logs(principal, query)


class RateLimitStatus(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built on its route's first use

    limit: int = Field(description="Requests allowed per window (one minute)")
    remaining: int
    reset: int = Field(description="Seconds until the window resets")
    limit_exceeded: bool


class RateLimits(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built on its route's first use

    ai_operations: RateLimitStatus = Field(description="Per user")
    auth: RateLimitStatus = Field(description="Per client IP (API Gateway's source IP)")
    api: RateLimitStatus = Field(description="Per user; this request counts")


@app.get(
    "/api/security/rate-limits",
    summary="Your standing against each rate-limit class in the current window",
    tags=["security"],
    middlewares=API_LIMIT,
)
def rate_limits() -> RateLimits:
    principal = _caller()
    subjects = {
        ratelimit.AI_OPERATIONS: "user:" + principal.user_id,
        ratelimit.AUTH: "ip:" + request.source_ip(app.current_event.raw_event),
        ratelimit.API: "user:" + principal.user_id,
    }
    statuses: dict[str, RateLimitStatus] = {}
    for op_class, subject in subjects.items():
        try:
            state = ratelimit.peek(op_class, subject)
        except aws.AWS_ERRORS as exc:  # peek maps its own storage errors; this covers any it lets through
            raise ServiceUnavailable("Rate-limit state is unavailable right now") from exc
        statuses[op_class] = RateLimitStatus(
            limit=state.limit, remaining=state.remaining, reset=state.reset, limit_exceeded=state.exceeded
        )
    return RateLimits.model_validate(statuses)


lambda_handler = lambda_handler_for(app)
startup.finished()
