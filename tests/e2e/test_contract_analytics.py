"""API.md "Analytics", checked over HTTP on the local stack: dates are `YYYY-MM-DD` only, report requests
refuse unknown or mistyped fields, the CSV report downloads within its 15 minutes, and audit-log pages
chain through an opaque cursor that cannot be altered."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in

pytestmark = pytest.mark.e2e

REPORT = {"report_type": "monthly_performance", "user_id": "me", "period": "2026-01", "include_charts": False}


def _field_errors(reply: httpx2.Response) -> set[tuple[str, ...]]:
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    return {tuple(str(part) for part in error["loc"]) for error in reply.json()["errors"]}


def test_days_are_iso_dates_only(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    auth = sign_in(http, local_stack.redirect_uri, proposals=1).headers
    # `0` and a Unix time are not days (pydantic alone would read them as 1970-01-01 / a timestamp)
    metrics = http.get("/api/analytics/metrics/user/me", params={"date": "0"}, headers=auth)
    assert _field_errors(metrics) == {("query", "date")}
    logs = http.get("/api/security/audit-logs", params={"date_from": "1700000000"}, headers=auth)
    assert _field_errors(logs) == {("query", "date_from")}
    proposals = http.get("/api/analytics/proposals/me", params={"date_to": "20260101"}, headers=auth)
    assert _field_errors(proposals) == {("query", "date_to")}


def test_report_requests_refuse_unknown_and_mistyped_fields(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = sign_in(http, local_stack.redirect_uri, proposals=1).headers
    extra = http.post("/api/analytics/reports/generate", json={**REPORT, "is_admin": True}, headers=auth)
    assert _field_errors(extra) == {("body", "is_admin")}
    mistyped = http.post(
        "/api/analytics/reports/generate", json={**REPORT, "include_charts": "yes"}, headers=auth
    )
    assert _field_errors(mistyped) == {("body", "include_charts")}


def test_a_csv_report_downloads_within_fifteen_minutes(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = sign_in(http, local_stack.redirect_uri, proposals=3).headers
    reply = http.post("/api/analytics/reports/generate", json={**REPORT, "format": "csv"}, headers=auth)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["charts"] == []
    expires_at = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=14) < expires_at - datetime.now(UTC) <= timedelta(minutes=15, seconds=5)
    assert parse_qs(urlsplit(body["download_url"]).query)["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    download = httpx2.get(body["download_url"], timeout=10)
    assert download.status_code == 200
    first_row = next(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert first_row == ["report", "monthly_performance"]


def test_audit_log_pages_chain_and_an_altered_cursor_is_400(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = sign_in(http, local_stack.redirect_uri, proposals=1).headers
    http.get("/api/analytics/metrics/user/someone-else", headers=auth)  # one more record: authz_fail
    first = http.get("/api/security/audit-logs", params={"limit": 1}, headers=auth)
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["pagination"]["limit"] == 1
    assert page["pagination"]["has_more"] is True
    cursor = page["pagination"]["next_cursor"]
    second = http.get("/api/security/audit-logs", params={"limit": 1, "cursor": cursor}, headers=auth)
    assert second.status_code == 200, second.text
    assert second.json()["logs"][0]["id"] != page["logs"][0]["id"]
    assert second.json()["logs"][0]["timestamp"] <= page["logs"][0]["timestamp"]

    altered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    refused = http.get("/api/security/audit-logs", params={"limit": 1, "cursor": altered}, headers=auth)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
