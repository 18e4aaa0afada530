"""A signed-in sandbox user reads metrics and the dashboard, then generates and downloads a PDF report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx2

from tests.e2e.conftest import LocalStackProcess


def _sign_in(http: httpx2.Client, stack: LocalStackProcess, proposals: int = 5) -> dict[str, str]:
    """Sign in with Upwork through the sandbox; the Authorization header of the new session."""
    init = http.post("/auth/upwork/init", json={"redirect_uri": stack.redirect_uri})
    assert init.status_code == 200, init.text
    account = f"e2e-an-{uuid.uuid4().hex[:10]}"
    url = f"{init.json()['authorization_url']}&sandbox_user={account}&sandbox_proposals={proposals}"
    authorize = httpx2.get(url, follow_redirects=False, timeout=10)
    assert authorize.status_code == 302, authorize.text
    params = parse_qs(urlsplit(authorize.headers["location"]).query)
    callback = http.get(
        "/auth/upwork/callback", params={"code": params["code"][0], "state": params["state"][0]}
    )
    assert callback.status_code == 200, callback.text
    return {"Authorization": f"Bearer {callback.json()['access_token']}"}


def test_metrics_dashboard_and_pdf_report(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    # Given a signed-in user
    auth = _sign_in(http, local_stack)
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
    auth = _sign_in(http, local_stack, proposals=1)
    reply = http.get("/api/analytics/metrics/user/someone-else", headers=auth)
    assert reply.status_code == 403
    assert reply.headers["content-type"].startswith("application/problem+json")
