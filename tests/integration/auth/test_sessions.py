"""Our sessions: refresh rotation and reuse detection, expiry, logout, and access-token verification."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest

from bidcraft.auth import session_store, sessions, signing, tokens
from bidcraft.errors import Unauthorized
from bidcraft.security.audit import RequestMeta
from tests.integration.auth.conftest import audit_records, new_sandbox_user, raw_item

META = RequestMeta(ip="198.18.0.1", user_agent="tests", request_id="r-1")
DAY = 24 * 3600


def _refresh(call, token: str):
    return call("POST", "/auth/refresh", {"refresh_token": token})


# --- refresh rotation -------------------------------------------------------------------------------------


def test_refresh_rotates_on_every_use(sign_in, call) -> None:
    rt1 = sign_in().json["refresh_token"]

    second = _refresh(call, rt1)
    rt2 = second.json["refresh_token"]
    third = _refresh(call, rt2)

    assert second.status == 200
    assert third.status == 200
    assert set(second.json) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert second.json["token_type"] == "Bearer"
    assert second.json["expires_in"] == 900
    assert len({rt1, rt2, third.json["refresh_token"]}) == 3
    assert call("GET", "/auth/me", token=third.json["access_token"]).status == 200
    for old in (rt1, rt2):
        item = raw_item(f"REFRESH#{sessions.hash_refresh_token(old)}", "TOKEN")
        assert item is not None
        assert item["status"]["S"] == "rotated"


def test_reusing_a_rotated_token_revokes_the_whole_family(sign_in, call) -> None:
    signed_in = sign_in().json
    user_id = signed_in["user"]["user_id"]
    rt1 = signed_in["refresh_token"]
    rt2 = _refresh(call, rt1).json["refresh_token"]
    latest = _refresh(call, rt2).json

    reuse = _refresh(call, rt1)

    assert reuse.status == 401
    assert reuse.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert _refresh(call, latest["refresh_token"]).status == 401
    assert call("GET", "/auth/me", token=latest["access_token"]).status == 401
    assert call("GET", "/auth/me", token=signed_in["access_token"]).status == 401
    reuse_events = [r for r in audit_records(user_id) if r["action"] == "authn_token_reuse"]
    assert len(reuse_events) == 1
    assert reuse_events[0]["severity"] == "high"
    assert rt1 not in json.dumps(reuse_events, default=str)


def test_reuse_in_one_family_leaves_other_sign_ins_alone(sign_in, call) -> None:
    upwork_id = new_sandbox_user()
    phone = sign_in(upwork_id).json
    laptop = sign_in(upwork_id).json
    _refresh(call, phone["refresh_token"])

    assert _refresh(call, phone["refresh_token"]).status == 401

    assert call("GET", "/auth/me", token=laptop["access_token"]).status == 200
    assert _refresh(call, laptop["refresh_token"]).status == 200


def test_two_refreshes_racing_with_one_token_one_wins_then_the_family_dies(
    sign_in, call, monkeypatch
) -> None:
    """A14 as a fixed interleaving: both read the token while active, then both write."""
    rt1 = sign_in().json["refresh_token"]
    stale = session_store.get_refresh(sessions.hash_refresh_token(rt1))  # request B's read, before A writes
    assert stale is not None
    assert stale.status == "active"

    winner = _refresh(call, rt1)  # request A: read + write
    assert winner.status == 200
    monkeypatch.setattr(session_store, "get_refresh", lambda _hash: stale)
    loser = _refresh(call, rt1)  # request B: its (stale) read, then its conditional write fails
    monkeypatch.undo()

    assert loser.status == 401
    assert _refresh(call, winner.json["refresh_token"]).status == 401  # policy: treated as reuse
    assert call("GET", "/auth/me", token=winner.json["access_token"]).status == 401


def test_conditional_rotation_admits_exactly_one_writer(sign_in) -> None:
    rt1 = sign_in().json["refresh_token"]
    record = session_store.get_refresh(sessions.hash_refresh_token(rt1))
    assert record is not None
    now = int(time.time())

    session_store.rotate(record, "a" * 64, now=now, expires_at=now + 60)
    with pytest.raises(session_store.RotationConflict):
        session_store.rotate(record, "b" * 64, now=now, expires_at=now + 60)


def _start(user_id: str, at: int) -> sessions.IssuedSession:
    return sessions.start_full(user_id, ["user"], now=at)


def test_refresh_token_dies_30_days_after_sign_in_even_when_used_daily(sign_in) -> None:
    user_id = sign_in().json["user"]["user_id"]
    start = int(time.time()) - 31 * DAY
    issued = _start(user_id, start)
    token = issued.refresh_token
    assert token is not None
    for day in (6, 12, 18, 24, 29):
        token = sessions.refresh(token, META, now=start + day * DAY).refresh_token
        assert token is not None

    with pytest.raises(Unauthorized):
        sessions.refresh(token, META, now=start + 30 * DAY)


def test_refresh_token_unused_for_7_days_expires(sign_in) -> None:
    user_id = sign_in().json["user"]["user_id"]
    start = int(time.time()) - 10 * DAY
    issued = _start(user_id, start)
    assert issued.refresh_token is not None

    with pytest.raises(Unauthorized):
        sessions.refresh(issued.refresh_token, META, now=start + sessions.REFRESH_IDLE_SECONDS)
    session = session_store.get_session(user_id, issued.session_id)
    assert session is not None
    assert not session.active


@pytest.mark.parametrize("token", ["", "x" * 43, "short", "é" * 43, "a" * 44, "a" * 512])
def test_malformed_or_unknown_refresh_tokens_are_401(call, token: str) -> None:
    reply = _refresh(call, token)
    assert reply.status in (401, 422)
    assert "refresh_token" not in (reply.json or {})


# --- logout -------------------------------------------------------------------------------------------


def test_logout_kills_the_live_access_token_and_its_refresh_token(sign_in, call) -> None:
    body = sign_in().json
    assert call("GET", "/auth/me", token=body["access_token"]).status == 200

    out = call("POST", "/auth/logout", {}, token=body["access_token"])

    assert out.status == 204
    assert out.body in ("", None)
    after = call("GET", "/auth/me", token=body["access_token"])
    assert after.status == 401
    assert after.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert _refresh(call, body["refresh_token"]).status == 401
    assert call("POST", "/auth/logout", {}, token=body["access_token"]).status == 401


def test_logout_without_a_body_works(sign_in, call) -> None:
    body = sign_in().json
    assert call("POST", "/auth/logout", token=body["access_token"]).status == 204
    assert call("GET", "/auth/me", token=body["access_token"]).status == 401


def test_logout_all_sessions_ends_every_sign_in(sign_in, call) -> None:
    upwork_id = new_sandbox_user()
    first, second = sign_in(upwork_id).json, sign_in(upwork_id).json

    assert call("POST", "/auth/logout", {"all_sessions": True}, token=first["access_token"]).status == 204

    assert call("GET", "/auth/me", token=second["access_token"]).status == 401
    assert _refresh(call, second["refresh_token"]).status == 401


def test_logout_of_one_session_keeps_the_others(sign_in, call) -> None:
    upwork_id = new_sandbox_user()
    first, second = sign_in(upwork_id).json, sign_in(upwork_id).json

    call("POST", "/auth/logout", {"all_sessions": False}, token=first["access_token"])

    assert call("GET", "/auth/me", token=second["access_token"]).status == 200


def test_logout_records_activity_and_audit(sign_in, call, server_clock) -> None:
    body = sign_in().json
    user_id = body["user"]["user_id"]
    server_clock.advance(120)

    call("POST", "/auth/logout", {}, token=body["access_token"])

    profile = raw_item(f"USER#{user_id}", "PROFILE")
    assert profile is not None
    assert profile["login_count"]["N"] == "1"
    assert profile["last_login"]["S"].endswith("Z")
    assert profile["last_logout"]["S"].endswith("Z")
    assert float(profile["avg_session_duration"]["N"]) == pytest.approx(120, abs=2)
    assert "authn_logout" in [r["action"] for r in audit_records(user_id)]


def test_logout_requires_a_token(call) -> None:
    reply = call("POST", "/auth/logout", {})
    assert reply.status == 401
    assert reply.headers["www-authenticate"] == "Bearer"


# --- access token verification (RFC 8725) ---------------------------------------------------------------


@pytest.fixture
def live(sign_in) -> dict:
    body = sign_in().json
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    return {"token": body["access_token"], "claims": claims}


def _sign(claims: dict, *, key: bytes | None = None, headers: dict | None = None, alg: str = "HS256") -> str:
    ring = signing.keyring()
    head = {"kid": ring.active.kid, "typ": "at+jwt", **(headers or {})}
    return jwt.encode(claims, key or ring.active.key, algorithm=alg, headers=head)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _assert_rejected(call, token: str) -> None:
    reply = call("GET", "/auth/me", token=token)
    assert reply.status == 401, reply.body
    assert reply.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert reply.json["detail"] == tokens.INVALID_TOKEN_DETAIL


def test_valid_token_is_accepted(call, live) -> None:
    assert call("GET", "/auth/me", token=live["token"]).status == 200


def test_changed_payload_is_rejected(call, live) -> None:
    header, _, signature = live["token"].split(".")
    forged = {**live["claims"], "roles": ["user", "admin"]}
    _assert_rejected(call, f"{header}.{_b64(forged)}.{signature}")


def test_alg_none_is_rejected(call, live) -> None:
    header = _b64({"alg": "none", "typ": "at+jwt", "kid": signing.keyring().active.kid})
    _assert_rejected(call, f"{header}.{_b64(live['claims'])}.")


def test_wrong_key_is_rejected(call, live) -> None:
    _assert_rejected(call, _sign(live["claims"], key=b"k" * 32))


def test_other_algorithm_with_the_real_key_is_rejected(call, live) -> None:
    _assert_rejected(call, _sign(live["claims"], alg="HS512"))


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "jti", "iss", "aud", "sid"])
def test_missing_required_claim_is_rejected(call, live, claim: str) -> None:
    claims = {k: v for k, v in live["claims"].items() if k != claim}
    _assert_rejected(call, _sign(claims))


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "someone-else"},
        {"aud": ["bidcraft-api", "someone-else"]},
        {"iss": "evil"},
        {"exp": int(time.time()) - 1},
        {"nbf": int(time.time()) + 600},
        {"iat": int(time.time()) + 600},
        {"mfa": "done"},
        {"roles": "admin"},
        {"sid": str(uuid.uuid4())},
        {"sub": str(uuid.uuid4())},
    ],
)
def test_wrong_claims_are_rejected(call, live, change: dict) -> None:
    _assert_rejected(call, _sign({**live["claims"], **change}))


@pytest.mark.parametrize(
    "headers",
    [
        {"typ": "JWT"},
        {"typ": None},
        {"kid": "../../etc/passwd"},
        {"kid": "' OR 1=1 --"},
        {"jku": "http://127.0.0.1:9/keys.json"},
        {"jwk": {"kty": "oct", "k": "AAAA"}},
        {"x5u": "http://127.0.0.1:9/cert.pem"},
    ],
)
def test_hostile_headers_are_rejected(call, live, headers: dict) -> None:
    _assert_rejected(call, _sign(live["claims"], headers=headers))


def test_pending_mfa_claim_on_a_full_session_is_rejected(call, live) -> None:
    _assert_rejected(call, _sign({**live["claims"], "mfa": "pending"}))


def test_a_refresh_token_is_not_an_access_token(call, sign_in) -> None:
    _assert_rejected(call, sign_in().json["refresh_token"])


def test_garbage_and_oversized_tokens_are_rejected(call) -> None:
    for token in ("not-a-jwt", "a.b.c", "e30.e30.", "x" * 5000):
        _assert_rejected(call, token)


def test_audit_covers_sign_in_refresh_and_logout(sign_in, call) -> None:
    body = sign_in().json
    user_id = body["user"]["user_id"]
    _refresh(call, body["refresh_token"])

    actions = [r["action"] for r in audit_records(user_id)]

    assert {"user_created", "authn_login_success", "authn_token_refreshed"} <= set(actions)
    assert raw_item(f"USER#{user_id}", "PROFILE") is not None
