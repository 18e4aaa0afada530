"""The report route's request constraints and answer: all the analytics function needs at import for
`POST /api/analytics/reports/generate`; gathering, rendering and storing (`generate`, `data`, `charts`,
`storage`, PDF/CSV) are imported by the route when it runs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bidcraft.analytics.views import MetricTrend, PeriodMetrics, PeriodRange, View

MONTH_PATTERN = r"^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$"  # 1970-01 .. 2999-12
LINK_SECONDS = 15 * 60  # how long a download link works

ReportType = Literal["monthly_performance"]
ReportFormat = Literal["pdf", "csv"]


class ReportCategoryRow(View):
    category: str
    sent: int
    won: int
    win_rate: float


class ReportSummary(View):
    """The report's figures, returned with the download link."""

    period: str = Field(description="The month reported, YYYY-MM")
    range: PeriodRange
    metrics: PeriodMetrics
    trends: dict[str, MetricTrend] = Field(description="Each metric against the month before")
    top_categories: list[ReportCategoryRow]


class ReportChart(View):
    id: str
    type: str
    title: str
    svg: str = Field(description="A standalone SVG document (no external references)")


class GeneratedReport(View):
    report_id: str
    download_url: str = Field(description=f"Pre-signed GET, valid {LINK_SECONDS // 60} minutes")
    expires_at: str = Field(description="When download_url stops working (ISO 8601 UTC)")
    format: ReportFormat
    summary: ReportSummary
    charts: list[ReportChart]
