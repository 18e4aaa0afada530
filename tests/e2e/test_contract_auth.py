"""API.md "Auth" over HTTP, beyond the sign-in story of test_auth_flow: exact response fields, the redirect
allow-list of the local stack, bad `state`, what a step-up token may reach, backup codes, MFA disable."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx2

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in
from tests.e2e.test_auth_flow import _bearer, _code


def test_init_allows_any_local_redirect_uri_and_returns_the_documented_fields(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    for redirect_uri in ("http://localhost/cb", "http://127.0.0.1:9/any/path", "http://localhost:8080/"):
        init = http.post("/auth/upwork/init", json={"redirect_uri": redirect_uri})
        assert init.status_code == 200, (redirect_uri, init.text)
        body = init.json()
        assert set(body) == {"authorization_url", "state", "code_challenge_method", "expires_in"}
        assert body["code_challenge_method"] == "S256"
        query = {k: v[0] for k, v in parse_qs(urlsplit(body["authorization_url"]).query).items()}
        assert query["response_type"] == "code"
        assert query["redirect_uri"] == redirect_uri
        assert query["state"] == body["state"]
        assert query["code_challenge_method"] == "S256"
        assert query["client_id"]
        assert query["code_challenge"]
        assert "code_verifier" not in query

    for foreign in ("https://evil.example/cb", "http://localhost.evil.example/cb"):
        refused = http.post("/auth/upwork/init", json={"redirect_uri": foreign})
        assert refused.status_code == 422, foreign
        assert refused.json()["errors"][0]["loc"] == ["body", "redirect_uri"]


def test_callback_with_a_missing_or_unknown_state_is_400(http: httpx2.Client) -> None:
    assert http.get("/auth/upwork/callback").status_code == 400
    unknown = http.get("/auth/upwork/callback", params={"code": "x", "state": "never-issued"})
    assert unknown.status_code == 400
    assert unknown.headers["content-type"].startswith("application/problem+json")


def test_step_up_token_backup_codes_and_mfa_disable(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    upwork_id = f"e2e-mfa-{uuid.uuid4().hex[:10]}"
    first = sign_in(http, local_stack.redirect_uri, account=upwork_id, proposals=3).body
    assert set(first) == {"access_token", "refresh_token", "token_type", "expires_in", "mfa_required", "user"}
    assert first["user"]["created_at"].endswith("Z")
    rotated = http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert set(rotated.json()) == {"access_token", "refresh_token", "token_type", "expires_in"}
    token = rotated.json()["access_token"]
    setup = http.post("/auth/mfa/setup", headers=_bearer(token)).json()
    secret, backup_codes = setup["totp_secret"], setup["backup_codes"]
    assert http.post("/auth/mfa/verify", json={"totp_code": _code(secret)}, headers=_bearer(token)).is_success

    # A step-up token reaches only verify and logout
    step_up = sign_in(http, local_stack.redirect_uri, account=upwork_id, proposals=3).body["access_token"]
    for method, path in (
        ("POST", "/auth/mfa/setup"),
        ("POST", "/api/upwork/sync"),
        ("GET", "/api/dashboard/main"),
    ):
        assert http.request(method, path, headers=_bearer(step_up)).status_code == 403, path
    # ... even when the request is also invalid: the MFA rule is decided before the body is validated
    invalid = http.post("/api/ai/analyze/proposal", json={}, headers=_bearer(step_up))
    assert invalid.status_code == 403, invalid.text

    # A backup code completes the sign-in once; the same code again is refused
    done = http.post("/auth/mfa/verify", json={"backup_code": backup_codes[0]}, headers=_bearer(step_up))
    assert done.status_code == 200, done.text
    assert done.json()["verified"] is True
    assert done.json()["refresh_token"]
    again = sign_in(http, local_stack.redirect_uri, account=upwork_id, proposals=3).body["access_token"]
    replay = http.post("/auth/mfa/verify", json={"backup_code": backup_codes[0]}, headers=_bearer(again))
    assert replay.status_code == 401
    assert http.post("/auth/logout", headers=_bearer(again)).status_code == 204

    # Disabling takes a current code and answers the documented body
    full = done.json()["access_token"]
    disabled = http.post("/auth/mfa/disable", json={"totp_code": _code(secret, 1)}, headers=_bearer(full))
    assert disabled.status_code == 200, disabled.text
    assert disabled.json() == {"mfa_enabled": False}
    assert http.get("/auth/me", headers=_bearer(full)).json()["mfa_enabled"] is False
