"""Report generation: file in the bucket (encrypted), REPORT item, pre-signed link that works, charts."""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET  # parses only SVG the service generated
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from bidcraft import aws
from tests.integration.analytics.conftest import Call, User
from tests.integration.analytics.seed import History, contract, payment, proposal


def _seed(user_id: str) -> None:
    History(user_id).add(
        proposal(user_id, "r1", "2025-01-03T10:00:00Z", "hired", "Web"),
        proposal(user_id, "r2", "2025-01-04T10:00:00Z", "declined", "Design"),
        contract(user_id, "rc1", "2025-01-05T00:00:00Z", None, "45"),
        payment(user_id, "rp1", "2025-01-20T00:00:00Z", "900"),
    ).write()


def _request(user_id: str = "me", **overrides: object) -> dict[str, object]:
    return {
        "report_type": "monthly_performance",
        "user_id": user_id,
        "period": "2025-01",
        "include_charts": True,
        **overrides,
    }


def test_pdf_report_with_charts(call: Call, user: User) -> None:
    # Given
    _seed(user.user_id)

    # When
    reply = call("POST", "/api/analytics/reports/generate", _request(), user=user)

    # Then the answer
    assert reply.status == 200, reply.body
    body = reply.json
    assert body["summary"]["period"] == "2025-01"
    assert body["summary"]["metrics"]["proposals_sent"] == 2
    assert body["summary"]["metrics"]["total_earnings"] == 900.0
    assert body["expires_at"].endswith("Z")
    assert {c["id"] for c in body["charts"]} == {"funnel", "daily_activity", "daily_earnings", "categories"}
    for chart in body["charts"]:
        assert ET.fromstring(chart["svg"]).tag == "{http://www.w3.org/2000/svg}svg"  # noqa: S314

    # and the file behind the link: signed with SigV4 (the emulator accepts any signature, so the URL's
    # query is what tells), fetchable on the local stack
    assert parse_qs(urlsplit(body["download_url"]).query)["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    download = httpx2.get(body["download_url"], timeout=10)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    assert download.headers["content-type"] == "application/pdf"

    # stored encrypted under the user's prefix, and recorded
    key = f"reports/{user.user_id}/{body['report_id']}.pdf"
    head = aws.client("s3").head_object(Bucket=os.environ["REPORTS_BUCKET"], Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    item = aws.client("dynamodb").get_item(
        TableName=os.environ["ANALYTICS_TABLE"],
        Key={"pk": {"S": f"USER#{user.user_id}"}, "sk": {"S": f"REPORT#{body['report_id']}"}},
    )["Item"]
    assert item["s3_key"]["S"] == key
    assert item["format"]["S"] == "pdf"
    assert item["period"]["S"] == "2025-01"
    assert int(item["expires_at"]["N"]) > 0


def test_csv_report_without_charts(call: Call, user: User) -> None:
    _seed(user.user_id)

    reply = call(
        "POST",
        "/api/analytics/reports/generate",
        _request(user.user_id, include_charts=False, format="csv"),
        user=user,
    )

    assert reply.status == 200, reply.body
    assert reply.json["charts"] == []
    download = httpx2.get(reply.json["download_url"], timeout=10)
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert ["user_id", user.user_id] in rows
    assert ["proposals_sent", "2", "0", "", "up"] in rows


def test_another_users_report_is_403_but_admins_may(call: Call, user: User, admin: User) -> None:
    refused = call("POST", "/api/analytics/reports/generate", _request(admin.user_id), user=user)
    allowed = call(
        "POST", "/api/analytics/reports/generate", _request(user.user_id, format="csv"), user=admin
    )
    assert refused.status == 403
    assert allowed.status == 200, allowed.body
    assert f"/reports/{user.user_id}/" in allowed.json["download_url"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"period": "2025-13"},
        {"period": "January"},
        {"report_type": "weekly_summary"},
        {"format": "xlsx"},
        {"user_id": "../../etc"},
        {"include_charts": "perhaps"},
    ],
)
def test_bad_requests_are_422(call: Call, user: User, overrides: dict[str, object]) -> None:
    reply = call("POST", "/api/analytics/reports/generate", _request(**overrides), user=user)
    assert reply.status == 422, reply.body
    assert reply.json["errors"]


def test_malformed_json_is_400(call: Call, user: User) -> None:
    reply = call(
        "POST",
        "/api/analytics/reports/generate",
        "{not json",
        user=user,
        headers={"content-type": "application/json"},
    )
    assert reply.status == 400
