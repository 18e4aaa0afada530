"""A failing dependency or a missing setting: a problem document (503 / 500 misconfigured), no traceback;
a coding error is not disguised as a failing dependency (a 500)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bidcraft import aws, config
from tests.integration.analytics.conftest import Call, User


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Change settings for one test; cached settings are dropped before and after."""
    config.reset()
    yield monkeypatch
    monkeypatch.undo()
    config.reset()


def _report() -> dict[str, object]:
    return {
        "report_type": "monthly_performance",
        "user_id": "me",
        "period": "2025-01",
        "include_charts": False,
    }


def test_a_missing_bucket_is_503(call: Call, user: User, settings_env: pytest.MonkeyPatch) -> None:
    settings_env.setenv("REPORTS_BUCKET", "bidcraft-no-such-bucket")

    reply = call("POST", "/api/analytics/reports/generate", _report(), user=user)

    assert reply.status == 503
    assert reply.headers["retry-after"]
    assert reply.json["type"] == "https://bidcraft.dev/problems/service-unavailable"
    assert "Traceback" not in reply.body


def test_an_unreachable_table_is_503(call: Call, user: User, settings_env: pytest.MonkeyPatch) -> None:
    settings_env.setenv("ANALYTICS_TABLE", "bidcraft-no-such-table")

    metrics = call("GET", "/api/analytics/metrics/user/me", user=user)
    proposals = call("GET", "/api/analytics/proposals/me", user=user, query={"category": "Web"})

    assert metrics.status == 503
    assert proposals.status == 503


def test_an_unreadable_audit_table_is_503(call: Call, user: User, settings_env: pytest.MonkeyPatch) -> None:
    settings_env.setenv("AUDIT_TABLE", "bidcraft-no-such-table")
    reply = call("GET", "/api/security/audit-logs", user=user)
    assert reply.status == 503


def test_a_missing_setting_is_a_misconfigured_problem(
    call: Call, user: User, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.delenv("REPORTS_BUCKET")

    reply = call("GET", "/api/dashboard/main", user=user)

    assert reply.status == 500
    assert reply.json["type"] == "https://bidcraft.dev/problems/misconfigured"
    assert "REPORTS_BUCKET" in reply.json["detail"]


def test_a_coding_error_storing_a_report_is_a_500_not_a_503(
    call: Call, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only AWS errors are "the report could not be stored" (issue 10): a bug inside the S3 call is not one
    def put_object(**_: object) -> None:
        raise TypeError("put_object() got an unexpected keyword argument 'Bodyy'")

    monkeypatch.setattr(aws.client("s3"), "put_object", put_object)

    reply = call("POST", "/api/analytics/reports/generate", _report(), user=user)

    assert reply.status == 500
    assert reply.json["type"] == "https://bidcraft.dev/problems/internal"
    assert "Bodyy" not in reply.body
