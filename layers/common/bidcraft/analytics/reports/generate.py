"""`POST /api/analytics/reports/generate`: gather, render, store, link.

Synchronous by design: a monthly report reads a constant number of items (see `data.py`) and renders in well
under a second, so the caller gets its download link at once. The object is stored before the `REPORT#`
item is written, so an item never points at a missing file.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from bidcraft import clock
from bidcraft.analytics.reports import charts, data, storage
from bidcraft.analytics.reports.models import GeneratedReport, ReportChart, ReportFormat, ReportType


def render(
    report: data.ReportData, file_format: ReportFormat, chart_list: list[charts.Chart]
) -> tuple[bytes, str]:
    """(file bytes, content type) of the report in `file_format` (the CSV has no charts)."""
    if file_format == "csv":
        from bidcraft.analytics.reports import csv_report

        return csv_report.render(report), csv_report.CONTENT_TYPE
    from bidcraft.analytics.reports import pdf

    return pdf.render(report, chart_list), pdf.CONTENT_TYPE


def generate(
    user_id: str,
    period: str,
    *,
    report_type: ReportType = "monthly_performance",
    include_charts: bool = True,
    file_format: ReportFormat = "pdf",
    now: datetime | None = None,
) -> GeneratedReport:
    now = now or clock.now()
    report = data.gather(user_id, period, now=now)
    chart_list = data.report_charts(report) if include_charts else []
    body, content_type = render(report, file_format, chart_list)
    report_id = str(uuid.uuid4())
    key = storage.object_key(user_id, report_id, file_format)
    storage.upload(key, body, content_type=content_type, filename=f"bidcraft-{period}.{file_format}")
    storage.record(
        user_id=user_id,
        report_id=report_id,
        report_type=report_type,
        period=period,
        file_format=file_format,
        key=key,
        size_bytes=len(body),
        created_at=now,
    )
    signed_at = clock.now()
    download_url = storage.presign(key)
    return GeneratedReport(
        report_id=report_id,
        download_url=download_url,
        expires_at=clock.iso(signed_at + timedelta(seconds=storage.LINK_SECONDS)),
        format=file_format,
        summary=report.summary,
        charts=[ReportChart(id=c.id, type=c.type, title=c.title, svg=c.svg) for c in chart_list],
    )
