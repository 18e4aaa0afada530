"""API.md "Conventions" over HTTP: problem documents, X-Request-Id, `me` and other users' ids."""

from __future__ import annotations

import re
import uuid

import httpx2

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in

PROBLEM_KEYS = {"type", "title", "status", "detail", "request_id"}


def _assert_problem(response: httpx2.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == "application/problem+json"
    problem = response.json()
    assert set(problem) >= PROBLEM_KEYS
    assert problem["status"] == status
    assert re.fullmatch(r"https://bidcraft\.dev/problems/[a-z0-9-]+", problem["type"])
    assert isinstance(problem["title"], str)
    assert isinstance(problem["detail"], str)
    assert problem["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return problem


def test_errors_are_problem_documents_with_the_documented_statuses(http: httpx2.Client) -> None:
    anonymous = http.get("/auth/me", headers={"X-Request-Id": "contract-conv-1"})
    _assert_problem(anonymous, 401)
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.headers["x-request-id"] == "contract-conv-1"

    # An unknown route is 404 for everyone: the token is only asked for where a route exists
    _assert_problem(http.get("/auth/nothing-here"), 404)
    _assert_problem(http.post("/api/upwork/nothing-here"), 404)

    bad_token = http.get("/auth/me", headers={"Authorization": "Bearer not-a-token"})
    _assert_problem(bad_token, 401)
    assert bad_token.headers["www-authenticate"] == 'Bearer error="invalid_token"'

    malformed = http.post(
        "/auth/refresh", content=b'{"refresh_token": ', headers={"content-type": "application/json"}
    )
    _assert_problem(malformed, 400)

    invalid = _assert_problem(http.post("/auth/refresh", json={"refresh_token": 42}), 422)
    assert {"loc": ["body", "refresh_token"], "msg": invalid["errors"][0]["msg"]} in invalid["errors"]

    oversized = http.post(
        "/auth/refresh",
        content=b'{"refresh_token": "' + b"a" * (64 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    _assert_problem(oversized, 413)


def test_success_is_utf8_json_and_echoes_the_request_id(http: httpx2.Client) -> None:
    response = http.get("/health", headers={"X-Request-Id": "contract-conv-2"})

    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["x-request-id"] == "contract-conv-2"


def test_me_and_own_id_are_allowed_another_users_id_is_403(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = sign_in(http, local_stack.redirect_uri, account=f"e2e-conv-{uuid.uuid4().hex[:10]}").headers
    own_id = http.get("/auth/me", headers=auth).json()["user_id"]

    for user_id in ("me", own_id):
        reply = http.get(f"/api/analytics/proposals/{user_id}", headers=auth)
        assert reply.status_code == 200, reply.text
    other = http.get(f"/api/analytics/proposals/{uuid.uuid4()}", headers=auth)
    _assert_problem(other, 403)


def test_responses_with_tokens_or_a_users_data_are_not_stored_by_caches(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    """API.md: `Cache-Control: no-store` on every response that carries tokens or a user's data (RFC 6749
    §5.1 for the token responses; the callback's own response is checked by the sign-in helper)."""
    # Given a signed-in user
    session = sign_in(http, local_stack.redirect_uri, account=f"e2e-cache-{uuid.uuid4().hex[:10]}").body
    auth = {"Authorization": f"Bearer {session['access_token']}"}
    refreshed = http.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
    auth = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}

    # When the user's data is read through every function that serves it
    responses = {
        "refresh": refreshed,
        "me": http.get("/auth/me", headers=auth),
        "mfa setup": http.post("/auth/mfa/setup", headers=auth),
        "dashboard": http.get("/api/dashboard/main", headers=auth),
        "metrics": http.get("/api/analytics/metrics/user/me", headers=auth),
        "proposals": http.get("/api/analytics/proposals/me", headers=auth),
        "audit logs": http.get("/api/security/audit-logs", headers=auth),
        "rate limits": http.get("/api/security/rate-limits", headers=auth),
        "analysis": http.post(
            "/api/ai/analyze/proposal",
            json={"proposal_text": "I have built five FastAPI backends on AWS Lambda with DynamoDB."},
            headers=auth,
        ),
        "sync": http.post("/api/upwork/sync", headers=auth),
        "problem": http.get("/auth/me"),
        "refused refresh": http.post("/auth/refresh", json={"refresh_token": session["refresh_token"]}),
    }

    # Then each answer tells every cache not to keep it
    assert {name: r.status_code for name, r in responses.items()} == {
        **{name: 200 for name in responses},
        "sync": 202,
        "problem": 401,
        "refused refresh": 401,
    }
    assert {name: r.headers.get("cache-control") for name, r in responses.items()} == {
        name: "no-store" for name in responses
    }


def test_an_integer_json_cannot_hold_in_python_is_a_400_on_every_function(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    """`json.loads` raises a plain ValueError past 4,300 digits: a 400 problem, never a 500."""
    auth = sign_in(http, local_stack.redirect_uri, account=f"e2e-bigint-{uuid.uuid4().hex[:10]}").headers
    body = b'{"x": ' + b"9" * 4_301 + b"}"
    headers = {**auth, "content-type": "application/json"}

    for path in (
        "/auth/refresh",
        "/auth/mfa/verify",
        "/api/ai/analyze/proposal",
        "/api/analytics/reports/generate",
    ):
        _assert_problem(http.post(path, content=body, headers=headers), 400)
