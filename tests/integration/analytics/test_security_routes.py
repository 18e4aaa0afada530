"""Audit-log listing (filters, newest first, tamper-evident cursors) and the rate-limit view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bidcraft import clock
from tests.integration.analytics.conftest import Call, User
from tests.integration.analytics.seed import audit_records

BASE = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _history(user_id: str, count: int = 7) -> list[dict]:
    """`count` records one hour apart, alternating two actions; returned oldest first."""
    actions = [
        ("authn_login_success" if i % 2 == 0 else "mfa_fail", BASE + timedelta(hours=i)) for i in range(count)
    ]
    return audit_records(user_id, actions)


def _pages(call: Call, user: User, query: dict[str, str]) -> list[list[dict]]:
    pages, cursor = [], None
    for _ in range(20):
        reply = call(
            "GET",
            "/api/security/audit-logs",
            user=user,
            query={**query, **({"cursor": cursor} if cursor else {})},
        )
        assert reply.status == 200, reply.body
        pages.append(reply.json["logs"])
        pagination = reply.json["pagination"]
        assert pagination["has_more"] == (pagination["next_cursor"] is not None)
        cursor = pagination["next_cursor"]
        if not cursor:
            return pages
    raise AssertionError("pagination did not end")


def test_own_logs_newest_first_in_pages(call: Call, user: User) -> None:
    # Given seven records
    records = _history(user.user_id)

    # When they are listed three at a time
    pages = _pages(call, user, {"limit": "3"})

    # Then every record comes once, newest first, with the documented fields
    assert [len(page) for page in pages] == [3, 3, 1]
    ids = [log["id"] for page in pages for log in page]
    assert ids == [r["id"] for r in reversed(records)]
    first = pages[0][0]
    assert set(first) == {
        "id",
        "timestamp",
        "user_id",
        "action",
        "outcome",
        "severity",
        "ip_address",
        "user_agent",
        "details",
    }
    assert first["timestamp"] == "2025-03-10T18:00:00Z"
    assert first["details"] == {"n": 6}


def test_exact_page_boundary_has_no_empty_last_page(call: Call, user: User) -> None:
    _history(user.user_id, 4)
    pages = _pages(call, user, {"limit": "2"})
    assert [len(page) for page in pages] == [2, 2]


def test_action_and_date_filters(call: Call, user: User) -> None:
    _history(user.user_id)
    audit_records(user.user_id, [("mfa_fail", BASE - timedelta(days=2))])

    by_action = _pages(call, user, {"action": "mfa_fail", "limit": "2"})
    by_day = _pages(call, user, {"date_from": "2025-03-10", "date_to": "2025-03-10"})
    before = _pages(call, user, {"date_to": "2025-03-09"})

    assert [log["action"] for page in by_action for log in page] == ["mfa_fail"] * 4
    assert sum(len(page) for page in by_day) == 7
    assert [log["timestamp"] for page in before for log in page] == ["2025-03-08T12:00:00Z"]


def test_default_limit_is_50(call: Call, user: User) -> None:
    reply = call("GET", "/api/security/audit-logs", user=user)
    assert reply.status == 200
    assert reply.json["pagination"] == {"limit": 50, "next_cursor": None, "has_more": False}


def test_altered_cursor_is_400(call: Call, user: User) -> None:
    _history(user.user_id, 3)
    first = call("GET", "/api/security/audit-logs", user=user, query={"limit": "1"})
    cursor = first.json["pagination"]["next_cursor"]
    version, payload, tag = cursor.split(".")
    altered = f"{version}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{tag}"

    reply = call("GET", "/api/security/audit-logs", user=user, query={"limit": "1", "cursor": altered})

    assert reply.status == 400
    assert reply.json["type"] == "https://bidcraft.dev/problems/invalid-cursor"


def test_cursor_replayed_with_other_filters_or_by_another_user_is_400(
    call: Call, user: User, make_user
) -> None:
    _history(user.user_id, 3)
    cursor = call("GET", "/api/security/audit-logs", user=user, query={"limit": "1"}).json["pagination"][
        "next_cursor"
    ]

    other_filter = call(
        "GET", "/api/security/audit-logs", user=user, query={"cursor": cursor, "action": "mfa_fail"}
    )
    other_user = call("GET", "/api/security/audit-logs", user=make_user(), query={"cursor": cursor})

    assert other_filter.status == 400
    assert other_user.status == 400


def test_another_users_logs_are_403_but_admins_may(call: Call, user: User, admin: User) -> None:
    _history(user.user_id, 2)

    allowed = call("GET", "/api/security/audit-logs", user=admin, query={"user_id": user.user_id})
    refused = call("GET", "/api/security/audit-logs", user=user, query={"user_id": admin.user_id})
    all_users = call(
        "GET", "/api/security/audit-logs", user=user, query={"user_id": "*", "action": "mfa_fail"}
    )
    own = call("GET", "/api/security/audit-logs", user=user, query={"action": "authz_fail"})

    assert allowed.status == 200
    assert [log["user_id"] for log in allowed.json["logs"]] == [user.user_id, user.user_id]
    assert refused.status == 403
    assert all_users.status == 403
    assert [log["details"]["reason"] for log in own.json["logs"]] == ["forbidden", "forbidden"]


def test_admins_list_one_action_across_users(call: Call, admin: User, make_user) -> None:
    # Given two users with a rare action
    action = f"test_action_{admin.user_id[-6:]}"
    first, second = make_user(), make_user()
    audit_records(first.user_id, [(action, BASE)])
    audit_records(second.user_id, [(action, BASE + timedelta(minutes=1))])

    # When an admin lists the action for every user
    pages = _pages(call, admin, {"user_id": "*", "action": action, "limit": "1"})

    # Then both come, newest first, via the action index
    assert [log["user_id"] for page in pages for log in page] == [second.user_id, first.user_id]


def test_admins_list_records_of_anonymous_callers(call: Call, admin: User, user: User) -> None:
    action = f"anon_probe_{admin.user_id[-6:]}"
    audit_records(None, [(action, BASE)])

    found = call(
        "GET", "/api/security/audit-logs", user=admin, query={"user_id": "anonymous", "action": action}
    )
    refused = call("GET", "/api/security/audit-logs", user=user, query={"user_id": "anonymous"})

    assert found.status == 200, found.body
    assert [(log["action"], log["user_id"]) for log in found.json["logs"]] == [(action, None)]
    assert refused.status == 403


def test_every_user_without_an_action_is_422(call: Call, admin: User) -> None:
    reply = call("GET", "/api/security/audit-logs", user=admin, query={"user_id": "*"})
    assert reply.status == 422


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"date_from": "2025-02-30"},
        {"date_from": "2025-03-02", "date_to": "2025-03-01"},
    ],
)
def test_bad_queries_are_422(call: Call, user: User, query: dict[str, str]) -> None:
    reply = call("GET", "/api/security/audit-logs", user=user, query=query)
    assert reply.status == 422, reply.body


# --------------------------------------------------------------------------------------------- rate limits


@pytest.fixture
def steady_window(monkeypatch: pytest.MonkeyPatch, user: User) -> None:
    """Server time fixed mid-minute, so the counts of one test never straddle two rate-limit windows: the next
    half-minute mark, never earlier than now (the user's token, issued now, must not be from the future)."""
    now = clock.now()
    fixed = now.replace(second=30, microsecond=0)
    if fixed < now:
        fixed += timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: fixed)


@pytest.mark.usefixtures("steady_window")
def test_rate_limits_view(call: Call, user: User) -> None:
    ip = "198.18.7.7"
    call("GET", "/api/dashboard/main", user=user, ip=ip)

    reply = call("GET", "/api/security/rate-limits", user=user, ip=ip)

    assert reply.status == 200, reply.body
    body = reply.json
    assert set(body) == {"ai_operations", "auth", "api"}
    assert body["api"]["limit"] == 600
    assert body["api"]["remaining"] == 598  # the dashboard call and this one
    assert body["ai_operations"] == {
        **body["ai_operations"],
        "limit": 30,
        "remaining": 30,
        "limit_exceeded": False,
    }
    assert body["auth"]["limit"] == 60
    assert 0 < body["api"]["reset"] <= 60


@pytest.mark.usefixtures("steady_window")
def test_auth_class_follows_the_source_ip_not_x_forwarded_for(call: Call, user: User) -> None:
    # Given one AUTH request counted for 198.19.1.1
    from bidcraft.security import ratelimit

    ratelimit.hit(ratelimit.AUTH, "ip:198.19.1.1")

    # When the view is asked from that address, and from another one claiming it in X-Forwarded-For
    same = call("GET", "/api/security/rate-limits", user=user, ip="198.19.1.1")
    spoofed = call(
        "GET",
        "/api/security/rate-limits",
        user=user,
        ip="198.19.2.2",
        headers={"x-forwarded-for": "198.19.1.1"},
    )

    # Then only the real source address sees the count
    assert same.json["auth"]["remaining"] == 59
    assert spoofed.json["auth"]["remaining"] == 60
