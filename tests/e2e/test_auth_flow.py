"""The whole sign-in story against the local stack over HTTP: Upwork sandbox, tokens, MFA, lockout."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest

from bidcraft.auth import totp
from tests.e2e.session import sign_in

pytestmark = pytest.mark.e2e


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _code(secret: str, steps: int = 0) -> str:
    return totp.code_at(secret, int(time.time()) + steps * totp.STEP_SECONDS)


def test_sign_in_sessions_mfa_and_lockout_end_to_end(http: httpx2.Client, local_stack) -> None:
    redirect_uri = local_stack.redirect_uri
    upwork_id = f"e2e-{uuid.uuid4().hex[:10]}"

    # Sign in with Upwork → our tokens and the user
    signed = sign_in(http, redirect_uri, account=upwork_id, proposals=3)
    first = signed.body
    replay = http.get("/auth/upwork/callback", params={"code": signed.code, "state": signed.state})
    assert replay.status_code == 400  # the state is single use
    assert first["mfa_required"] is False
    assert first["token_type"] == "Bearer"
    me = http.get("/auth/me", headers=_bearer(first["access_token"]))
    assert me.status_code == 200
    assert me.json()["upwork_user_id"] == upwork_id
    assert me.headers["x-request-id"]

    # Refresh rotates; presenting the old refresh token again kills the whole family
    rotated = http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    reuse = http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    assert reuse.headers["content-type"].startswith("application/problem+json")
    assert (
        http.post("/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]}).status_code == 401
    )
    assert http.get("/auth/me", headers=_bearer(rotated.json()["access_token"])).status_code == 401

    # Logout ends a live access token at once
    second = sign_in(http, redirect_uri, account=upwork_id, proposals=3).body
    assert http.post("/auth/logout", json={}, headers=_bearer(second["access_token"])).status_code == 204
    after = http.get("/auth/me", headers=_bearer(second["access_token"]))
    assert after.status_code == 401
    assert after.headers["www-authenticate"] == 'Bearer error="invalid_token"'

    # MFA: set up, activate with a code from the returned secret; the same code cannot be used twice
    third = sign_in(http, redirect_uri, account=upwork_id, proposals=3).body
    token = third["access_token"]
    setup = http.post("/auth/mfa/setup", headers=_bearer(token))
    assert setup.status_code == 200, setup.text
    secret = setup.json()["totp_secret"]
    assert setup.json()["qr_code"].startswith("data:image/svg+xml;base64,")
    assert len(setup.json()["backup_codes"]) == 10
    activation_code = _code(secret)
    activated = http.post("/auth/mfa/verify", json={"totp_code": activation_code}, headers=_bearer(token))
    assert activated.json() == {"verified": True, "mfa_enabled": True}
    replayed = http.post("/auth/mfa/verify", json={"totp_code": activation_code}, headers=_bearer(token))
    assert replayed.status_code == 401
    assert http.post("/auth/mfa/setup", headers=_bearer(token)).status_code == 409

    # Signing in again now takes two steps
    step_up = sign_in(http, redirect_uri, account=upwork_id, proposals=3).body
    assert step_up["mfa_required"] is True
    assert "refresh_token" not in step_up
    assert http.get("/auth/me", headers=_bearer(step_up["access_token"])).status_code == 403
    done = http.post(
        "/auth/mfa/verify", json={"totp_code": _code(secret, 1)}, headers=_bearer(step_up["access_token"])
    )
    assert done.status_code == 200, done.text
    assert done.json()["access_token"]
    assert done.json()["refresh_token"]
    assert http.get("/auth/me", headers=_bearer(done.json()["access_token"])).json()["mfa_enabled"] is True

    # Three wrong codes lock the account; the fourth attempt is refused even with a right code
    locked_out = sign_in(http, redirect_uri, account=upwork_id, proposals=3).body
    wrong = "000000" if _code(secret, 1) != "000000" else "111111"
    statuses = [
        http.post(
            "/auth/mfa/verify", json={"totp_code": wrong}, headers=_bearer(locked_out["access_token"])
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 401]
    fourth = http.post(
        "/auth/mfa/verify", json={"totp_code": _code(secret, 1)}, headers=_bearer(locked_out["access_token"])
    )
    assert fourth.status_code == 423
    assert int(fourth.headers["retry-after"]) > 0


def test_parallel_mfa_guesses_check_at_most_three_codes(http: httpx2.Client, local_stack) -> None:
    """Issue 10 item 1 over HTTP: 20 wrong codes sent at once; each code check is counted before it happens,
    so at most 3 are checked (401) and the rest are refused unchecked (423) — then even the right code is.
    The local stack runs one invocation of a function at a time (as a Lambda with reserved concurrency 1
    would), so today this guards the contract over HTTP; the race itself is pinned down as a fixed
    interleaving in tests/integration/auth/test_mfa.py, which fails without the fix."""
    # Given a user with MFA on and the step-up token of a new sign-in
    upwork_id = f"e2e-burst-{uuid.uuid4().hex[:10]}"
    full = sign_in(http, local_stack.redirect_uri, account=upwork_id, proposals=3).body
    secret = http.post("/auth/mfa/setup", headers=_bearer(full["access_token"])).json()["totp_secret"]
    activated = http.post(
        "/auth/mfa/verify", json={"totp_code": _code(secret)}, headers=_bearer(full["access_token"])
    )
    assert activated.status_code == 200, activated.text
    step_up = sign_in(http, local_stack.redirect_uri, account=upwork_id, proposals=3).body["access_token"]
    wrong = "000000" if _code(secret, 1) != "000000" else "111111"

    # When 20 wrong codes arrive at once
    def guess(_: int) -> int:
        with httpx2.Client(base_url=local_stack.base_url, timeout=30.0) as client:
            return client.post(
                "/auth/mfa/verify", json={"totp_code": wrong}, headers=_bearer(step_up)
            ).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(guess, range(20)))

    # Then no more than 3 were checked, and the account is locked for the right code as well
    assert statuses == [401] * 3 + [423] * 17
    right = http.post("/auth/mfa/verify", json={"totp_code": _code(secret, 1)}, headers=_bearer(step_up))
    assert right.status_code == 423


def test_a_step_up_token_cannot_sign_the_user_out_everywhere(http: httpx2.Client, local_stack) -> None:
    # Given a user with MFA on, signed in fully, and a step-up token of a sign-in that has not passed MFA
    upwork_id = f"e2e-stepout-{uuid.uuid4().hex[:10]}"
    full = sign_in(http, local_stack.redirect_uri, account=upwork_id, proposals=3).body
    secret = http.post("/auth/mfa/setup", headers=_bearer(full["access_token"])).json()["totp_secret"]
    http.post("/auth/mfa/verify", json={"totp_code": _code(secret)}, headers=_bearer(full["access_token"]))
    step_up = sign_in(http, local_stack.redirect_uri, account=upwork_id, proposals=3).body["access_token"]

    # When the step-up token asks to end every session
    out = http.post("/auth/logout", json={"all_sessions": True}, headers=_bearer(step_up))

    # Then it ended only its own
    assert out.status_code == 204
    assert http.get("/auth/me", headers=_bearer(full["access_token"])).status_code == 200
    assert (
        http.post("/auth/mfa/verify", json={"totp_code": "123456"}, headers=_bearer(step_up)).status_code
        == 401
    )
