"""The analytics routes' answers (API.md "Analytics"): the response models and the query literals the
analytics function declares its routes with, apart from the code that computes them.

The function imports this module at cold start (route validation and the OpenAPI document need the types);
the domain modules that compute the answers (`metrics`, `dashboard`, `proposals`) and the table's adapter
(`store`, the PynamoDB records) are imported by the routes that call them. Each model is built on its route's
first use (`defer_build`), so a cold start builds none of them and a request only the ones it answers with.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PeriodName = Literal["daily", "weekly", "monthly", "yearly"]
Direction = Literal["up", "down", "flat"]
StatusFilter = Literal[
    "all", "submitted", "viewed", "interviewing", "hired", "declined", "withdrawn", "archived"
]
TimelineStep = Literal["day", "week", "month"]


class View(BaseModel):
    """Base of the analytics routes' response models: each is built on its route's first use (`defer_build`),
    so a cold start builds none of them and a request only the ones it answers with."""

    model_config = ConfigDict(defer_build=True)


class PeriodRange(View):
    """A period as first and last day, both inclusive (UTC calendar days)."""

    model_config = ConfigDict(populate_by_name=True, defer_build=True)

    from_: date = Field(alias="from")
    to: date


class PeriodMetrics(View):
    proposals_sent: int = Field(description="Proposals submitted in the period")
    proposals_viewed: int = Field(description="Of those, how many the client viewed")
    interviews: int = Field(description="Of those, how many reached an interview")
    proposals_won: int = Field(description="Of those, how many were hired")
    win_rate: float = Field(description="proposals_won / proposals_sent (0 when none sent)", ge=0, le=1)
    view_rate: float = Field(description="proposals_viewed / proposals_sent", ge=0, le=1)
    interview_rate: float = Field(description="interviews / proposals_sent", ge=0, le=1)
    total_earnings: float = Field(description="Payments received in the period, USD")
    payments_count: int = Field(description="Payments counted in total_earnings")
    average_rate: float = Field(description="Mean hourly rate of contracts active in the period, USD")
    active_contracts: int = Field(description="Contracts active at the end of the range (now, if current)")


class MetricTrend(View):
    current: float
    previous: float
    change_pct: float | None = Field(
        description="(current - previous) / previous x 100, one decimal; 0 when both are 0, "
        "null when only the previous value is 0"
    )
    direction: Direction


class UserMetrics(View):
    user_id: str
    period: PeriodName
    range: PeriodRange
    metrics: PeriodMetrics
    trends: dict[str, MetricTrend]


# --------------------------------------------------------------------------------------------- dashboard


class DashboardWidget(View):
    id: str
    type: Literal["funnel", "line", "stat", "bar", "stat_group"]
    title: str
    data: dict[str, Any]


class DashboardSummary(View):
    period: str = Field(description="The month (UTC, YYYY-MM) the other figures describe")
    total_earnings: float = Field(description="Payments received this month, USD")
    active_contracts: int = Field(description="Contracts active now")
    win_rate: float = Field(description="Won / sent for proposals submitted this month", ge=0, le=1)
    proposals_sent: int = Field(description="Proposals submitted this month")


class Dashboard(View):
    widgets: list[DashboardWidget]
    summary: DashboardSummary
    generated_at: str


# --------------------------------------------------------------------------------------- proposal figures


class ProposalTimelinePoint(View):
    date: date
    sent: int
    won: int


class ProposalAnalytics(View):
    total_proposals: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    granularity: TimelineStep
    timeline: list[ProposalTimelinePoint]
