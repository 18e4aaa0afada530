"""A signed-in sandbox user reads metrics and the dashboard, then generates and downloads a PDF report."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx2

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in


def test_metrics_dashboard_and_pdf_report(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    # Given a signed-in user
    auth = sign_in(http, local_stack.redirect_uri, proposals=5).headers
    month = datetime.now(UTC).strftime("%Y-%m")

    # When they read their metrics and dashboard
    metrics = http.get("/api/analytics/metrics/user/me", params={"period": "monthly"}, headers=auth)
    dashboard = http.get("/api/dashboard/main", headers=auth)

    # Then
    assert metrics.status_code == 200, metrics.text
    assert {"user_id", "period", "range", "metrics", "trends"} <= set(metrics.json())
    assert {"proposals_sent", "win_rate", "total_earnings"} <= set(metrics.json()["metrics"])
    assert dashboard.status_code == 200, dashboard.text
    assert dashboard.json()["widgets"]
    assert dashboard.json()["summary"]["period"] == month

    # When they generate this month's report
    report = http.post(
        "/api/analytics/reports/generate",
        json={"report_type": "monthly_performance", "user_id": "me", "period": month, "include_charts": True},
        headers=auth,
    )

    # Then the link downloads the PDF, without any credentials
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["charts"]
    download = httpx2.get(body["download_url"], timeout=10)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")


def test_another_users_analytics_are_forbidden(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    auth = sign_in(http, local_stack.redirect_uri, proposals=1).headers
    reply = http.get("/api/analytics/metrics/user/someone-else", headers=auth)
    assert reply.status_code == 403
    assert reply.headers["content-type"].startswith("application/problem+json")
