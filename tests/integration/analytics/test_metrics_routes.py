"""PeriodMetrics, dashboard and proposal analytics through AnalyticsFunction, against the emulated tables."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from bidcraft import clock
from bidcraft.analytics import periods
from tests.integration.analytics.conftest import Call, User
from tests.integration.analytics.seed import History, contract, payment, proposal


def _january(user_id: str) -> History:
    """December 2024 and January 2025 of one user (January: 4 sent, 3 viewed, 2 interviews, 1 won)."""
    return History(user_id).add(
        proposal(user_id, "p1", "2025-01-03T10:00:00Z", "hired", "Web"),
        proposal(user_id, "p2", "2025-01-10T10:00:00Z", "interviewing", "Web"),
        proposal(user_id, "p3", "2025-01-20T10:00:00Z", "viewed", "Design"),
        proposal(user_id, "p4", "2025-01-31T23:00:00Z", "declined", "Design"),
        proposal(user_id, "p5", "2025-02-01T00:30:00Z", "hired", "Web"),  # February
        proposal(user_id, "p0", "2024-12-15T10:00:00Z", "hired", "Web"),
        proposal(user_id, "p-1", "2024-12-16T10:00:00Z", "declined", "Web"),
        contract(user_id, "c1", "2024-11-01T00:00:00Z", None, "50"),
        contract(user_id, "c2", "2025-01-05T00:00:00Z", "2025-01-25T00:00:00Z", "70"),
        contract(user_id, "c3", "2024-12-01T00:00:00Z", "2024-12-31T00:00:00Z", "100"),
        payment(user_id, "pay1", "2025-01-15T12:00:00Z", "1000.50"),
        payment(user_id, "pay2", "2025-01-31T23:59:00Z", "250"),
        payment(user_id, "pay3", "2024-12-20T12:00:00Z", "500"),
    )


def test_monthly_metrics_with_trends(call: Call, user: User) -> None:
    # Given
    _january(user.user_id).write()

    # When
    reply = call(
        "GET", "/api/analytics/metrics/user/me", user=user, query={"period": "monthly", "date": "2025-01-15"}
    )

    # Then
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json
    assert body["user_id"] == user.user_id
    assert body["period"] == "monthly"
    assert body["range"] == {"from": "2025-01-01", "to": "2025-01-31"}
    m = body["metrics"]
    assert (m["proposals_sent"], m["proposals_viewed"], m["interviews"], m["proposals_won"]) == (4, 3, 2, 1)
    assert m["win_rate"] == 0.25
    assert m["total_earnings"] == 1250.5
    assert m["payments_count"] == 2
    assert m["average_rate"] == 60.0  # c1 (50) and c2 (70) were active in January; c3 ended in December
    assert m["active_contracts"] == 1  # c1 at the end of January
    trends = body["trends"]
    assert trends["proposals_sent"] == {
        "current": 4.0,
        "previous": 2.0,
        "change_pct": 100.0,
        "direction": "up",
    }
    assert trends["win_rate"]["previous"] == 0.5
    assert trends["win_rate"]["direction"] == "down"
    assert trends["total_earnings"]["change_pct"] == 150.1
    assert trends["active_contracts"]["previous"] == 1  # c1 at the end of December (c3 ended before)


def test_weekly_metrics_use_iso_weeks(call: Call, user: User) -> None:
    _january(user.user_id).write()

    reply = call(
        "GET",
        f"/api/analytics/metrics/user/{user.user_id}",
        user=user,
        query={"period": "weekly", "date": "2025-02-01"},
    )

    assert reply.status == 200, reply.body
    assert reply.json["range"] == {"from": "2025-01-27", "to": "2025-02-02"}
    assert reply.json["metrics"]["proposals_sent"] == 2  # p4 (Jan 31) and p5 (Feb 1)


def test_metrics_cost_is_two_analytics_calls(
    call: Call, user: User, dynamodb_calls: Counter[tuple[str, str]]
) -> None:
    # Given a user with some history
    _january(user.user_id).write()
    dynamodb_calls.clear()

    # When
    reply = call(
        "GET", "/api/analytics/metrics/user/me", user=user, query={"period": "yearly", "date": "2025-01-01"}
    )

    # Then: one BatchGetItem and one contracts Query on the analytics table
    assert reply.status == 200, reply.body
    analytics = os.environ["ANALYTICS_TABLE"]
    assert {k: v for k, v in dynamodb_calls.items() if k[1] == analytics} == {
        ("BatchGetItem", analytics): 1,
        ("Query", analytics): 1,
    }


def test_metrics_default_to_this_month(call: Call, user: User) -> None:
    reply = call("GET", "/api/analytics/metrics/user/me", user=user)
    assert reply.status == 200, reply.body
    first, last = periods.period_range("M", periods.period_key("M", clock.now()))
    assert reply.json["range"] == {"from": first.isoformat(), "to": last.isoformat()}
    assert reply.json["metrics"]["proposals_sent"] == 0
    assert reply.json["trends"]["proposals_sent"]["direction"] == "flat"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "hourly"}, "period"),
        ({"date": "2025-13-01"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"date": "0001-01-01"}, "date"),
    ],
)
def test_bad_period_or_date_is_422(call: Call, user: User, query: dict[str, str], field: str) -> None:
    reply = call("GET", "/api/analytics/metrics/user/me", user=user, query=query)
    assert reply.status == 422, reply.body
    assert reply.headers["content-type"] == "application/problem+json"
    assert any(field in error["loc"] for error in reply.json["errors"])


def test_another_users_metrics_are_403_and_audited(call: Call, user: User, make_user) -> None:
    other = make_user()
    reply = call("GET", f"/api/analytics/metrics/user/{other.user_id}", user=user)
    assert reply.status == 403, reply.body
    assert reply.json["type"] == "https://bidcraft.dev/problems/forbidden"

    logs = call("GET", "/api/security/audit-logs", user=user, query={"action": "authz_fail"})
    assert logs.status == 200, logs.body
    assert logs.json["logs"][0]["details"]["path"] == f"/api/analytics/metrics/user/{other.user_id}"


def test_admins_may_read_another_users_metrics(call: Call, user: User, admin: User) -> None:
    _january(user.user_id).write()
    reply = call(
        "GET", f"/api/analytics/metrics/user/{user.user_id}", user=admin, query={"date": "2025-01-02"}
    )
    assert reply.status == 200, reply.body
    assert reply.json["user_id"] == user.user_id
    assert reply.json["metrics"]["proposals_sent"] == 4


def test_no_token_is_401(call: Call) -> None:
    reply = call("GET", "/api/analytics/metrics/user/me")
    assert reply.status == 401
    assert reply.headers["www-authenticate"] == "Bearer"


def test_a_bad_token_is_401(call: Call) -> None:
    reply = call("GET", "/api/dashboard/main", token="not-a-jwt")
    assert reply.status == 401
    assert 'error="invalid_token"' in reply.headers["www-authenticate"]


@pytest.mark.parametrize("path", ["/api/analytics/nothing-here", "/api/dashboard/other", "/api/security/x"])
def test_unknown_routes_are_404(call: Call, user: User, path: str) -> None:
    reply = call("GET", path, user=user)
    assert reply.status == 404
    assert reply.json["type"] == "https://bidcraft.dev/problems/not-found"


def test_responses_carry_rate_limit_headers(call: Call, user: User) -> None:
    reply = call("GET", "/api/dashboard/main", user=user)
    assert reply.status == 200
    assert reply.headers["ratelimit-limit"] == "600"
    assert int(reply.headers["ratelimit-remaining"]) < 600


# ---------------------------------------------------------------------------------------------- dashboard


def test_dashboard(call: Call, user: User, dynamodb_calls: Counter[tuple[str, str]]) -> None:
    # Given activity this month
    today = clock.now().replace(microsecond=0)
    stamp = today.isoformat().replace("+00:00", "Z")
    History(user.user_id).add(
        proposal(user.user_id, "d1", stamp, "hired", "Web"),
        proposal(user.user_id, "d2", stamp, "viewed", "Design"),
        contract(user.user_id, "dc1", stamp, None, "80"),
        payment(user.user_id, "dp1", stamp, "300"),
    ).write()
    dynamodb_calls.clear()

    # When
    reply = call("GET", "/api/dashboard/main", user=user)

    # Then
    assert reply.status == 200, reply.body
    body = reply.json
    assert body["summary"] == {
        "period": periods.period_key("M", today),
        "total_earnings": 300.0,
        "active_contracts": 1,
        "win_rate": 0.5,
        "proposals_sent": 2,
    }
    assert {w["id"] for w in body["widgets"]} >= {
        "proposal_funnel",
        "earnings_trend",
        "win_rate",
        "proposals_by_category",
    }
    assert all({"id", "type", "title", "data"} <= set(w) for w in body["widgets"])
    trend = next(w for w in body["widgets"] if w["id"] == "earnings_trend")["data"]["points"]
    assert len(trend) == 6
    assert trend[-1]["earnings"] == 300.0
    assert body["generated_at"].endswith("Z")
    analytics = os.environ["ANALYTICS_TABLE"]
    assert {k: v for k, v in dynamodb_calls.items() if k[1] == analytics} == {("BatchGetItem", analytics): 1}


# ---------------------------------------------------------------------------------------- proposal analytics


def test_proposal_analytics_unfiltered_and_by_category(call: Call, user: User) -> None:
    _january(user.user_id).write()
    window = {"date_from": "2025-01-01", "date_to": "2025-01-31"}

    everything = call("GET", "/api/analytics/proposals/me", user=user, query={"status": "all", **window})
    web = call(
        "GET", f"/api/analytics/proposals/{user.user_id}", user=user, query={"category": "Web", **window}
    )

    assert everything.status == 200, everything.body
    body = everything.json
    assert body["total_proposals"] == 4
    assert body["by_status"] == {"declined": 1, "hired": 1, "interviewing": 1, "viewed": 1}
    assert body["by_category"] == {"Design": 2, "Web": 2}
    assert len(body["timeline"]) == 31
    assert body["timeline"][2] == {"date": "2025-01-03", "sent": 1, "won": 1}
    assert web.status == 200, web.body
    assert web.json["total_proposals"] == 2
    assert web.json["by_status"] == {"hired": 1, "interviewing": 1}
    assert web.json["by_category"] == {"Web": 2}


def test_proposal_analytics_default_to_the_whole_history_in_bounded_reads(
    call: Call, user: User, dynamodb_calls: Counter[tuple[str, str]]
) -> None:
    # Given a history that starts in June 2022
    _january(user.user_id).add(
        proposal(user.user_id, "p-old", "2022-06-15T10:00:00Z", "declined", "Design")
    ).write()
    dynamodb_calls.clear()

    # When the proposals are asked for without dates, and filtered by status and category together
    everything = call("GET", "/api/analytics/proposals/me", user=user)
    crossed = call(
        "GET", "/api/analytics/proposals/me", user=user, query={"status": "hired", "category": "Web"}
    )

    # Then the whole history is covered, month by month from its first month, each in a few range queries
    assert everything.status == 200, everything.body
    body = everything.json
    assert body["total_proposals"] == 8
    assert body["granularity"] == "month"
    assert body["timeline"][0] == {"date": "2022-06-01", "sent": 1, "won": 0}
    points = {point["date"]: point for point in body["timeline"]}
    assert points["2024-12-01"] == {"date": "2024-12-01", "sent": 2, "won": 1}
    assert points["2025-01-01"] == {"date": "2025-01-01", "sent": 4, "won": 1}
    assert crossed.json["total_proposals"] == 3
    assert crossed.json["by_status"] == {"hired": 3}
    analytics = os.environ["ANALYTICS_TABLE"]
    queries = {k: v for k, v in dynamodb_calls.items() if k[1] == analytics}
    # per read: the years and the first year's months; the whole months; the days of the current month
    assert set(queries) == {("Query", analytics)}
    assert queries[("Query", analytics)] <= 2 * 4


def test_proposal_analytics_by_status(call: Call, user: User) -> None:
    _january(user.user_id).write()
    reply = call(
        "GET",
        "/api/analytics/proposals/me",
        user=user,
        query={"status": "declined", "date_from": "2024-12-01", "date_to": "2025-01-31"},
    )
    assert reply.status == 200, reply.body
    assert reply.json["total_proposals"] == 2
    assert reply.json["by_status"] == {"declined": 2}
    assert reply.json["by_category"] == {"Design": 1, "Web": 1}


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2025-02-01", "date_to": "2025-01-01"},
        {"status": "pending"},
        {"date_from": "01/02/2025"},
        {"category": ""},
    ],
)
def test_bad_proposal_queries_are_422(call: Call, user: User, query: dict[str, str]) -> None:
    reply = call("GET", "/api/analytics/proposals/me", user=user, query=query)
    assert reply.status == 422, reply.body
    assert reply.json["errors"]


def test_another_users_proposals_are_403(call: Call, user: User) -> None:
    reply = call("GET", "/api/analytics/proposals/someone-else", user=user)
    assert reply.status == 403
