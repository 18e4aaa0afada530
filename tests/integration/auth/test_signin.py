"""Sign in with Upwork through the sandbox: init, callback, state rules, Upwork failures, tokens at rest."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from bidcraft import aws, clock
from bidcraft.auth import oauth_state_store, upwork_tokens
from bidcraft.auth.sessions import hash_refresh_token
from tests.integration.auth.conftest import (
    audit_actions,
    audit_records,
    new_sandbox_user,
    raw_item,
    users_table,
)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_init_returns_an_s256_authorization_url_and_keeps_the_verifier(call, redirect_uri) -> None:
    reply = call("POST", "/auth/upwork/init", {"redirect_uri": redirect_uri})

    assert reply.status == 200
    assert set(reply.json) == {"authorization_url", "state", "code_challenge_method", "expires_in"}
    assert reply.json["code_challenge_method"] == "S256"
    assert reply.json["expires_in"] == 600
    url = reply.json["authorization_url"]
    assert urlsplit(url).path.endswith("/ab/account-security/oauth2/authorize")
    params = _query(url)
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == redirect_uri
    assert params["state"] == reply.json["state"]
    assert params["code_challenge_method"] == "S256"
    assert params["client_id"]
    assert len(params["code_challenge"]) == 43
    assert "code_verifier" not in params
    assert "code_verifier" not in reply.body
    assert len(reply.json["state"]) >= 22  # ≥ 128 bits of base64url
    assert reply.headers["ratelimit-limit"]


@pytest.mark.parametrize(
    "uri",
    [
        "https://evil.example/callback",
        "http://localhost:5173/callback/../../evil",
        "//evil.example/callback",
        "https:evil.example",
        "javascript:alert(1)",
        "http://localhost:5173/callback#fragment",
        "http://user@localhost:5173/callback",
        "http://localhost.evil.example/callback",
        "http://127.0.0.1:5173\\@evil.example/",
        "http://localhost:5173/callback\n",
    ],
)
def test_init_refuses_a_redirect_uri_off_the_allow_list(call, uri: str) -> None:
    reply = call("POST", "/auth/upwork/init", {"redirect_uri": uri})

    assert reply.status == 422, reply.body
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json["errors"][0]["loc"] == ["body", "redirect_uri"]


def test_init_on_the_local_stack_accepts_any_loopback_redirect(call) -> None:
    for uri in ("http://localhost/cb", "http://127.0.0.1:8080/app/callback?x=1"):
        assert call("POST", "/auth/upwork/init", {"redirect_uri": uri}).status == 200


def test_init_rejects_unknown_fields(call, redirect_uri) -> None:
    reply = call("POST", "/auth/upwork/init", {"redirect_uri": redirect_uri, "code_verifier": "x" * 43})
    assert reply.status == 422


class _SqsSpy:
    """Forwards to the emulator's SQS and remembers what was sent (many tests share the queue)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.sent: list[dict[str, Any]] = []

    def send_message(self, **kwargs: Any) -> Any:
        response = self._inner.send_message(**kwargs)
        self.sent.append({**kwargs, "MessageId": response["MessageId"]})
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_callback_signs_in_a_new_user_and_queues_the_first_sync(
    sign_in, call, resources, monkeypatch
) -> None:
    upwork_id = new_sandbox_user()
    real_client = aws.client
    spy = _SqsSpy(real_client("sqs"))
    monkeypatch.setattr(aws, "client", lambda service: spy if service == "sqs" else real_client(service))

    reply = sign_in(upwork_id)

    body = reply.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["mfa_required"] is False
    assert len(body["refresh_token"]) == 43
    user = body["user"]
    assert user["upwork_user_id"] == upwork_id
    assert user["roles"] == ["user"]
    assert user["mfa_enabled"] is False
    assert user["created_at"].endswith("Z")
    assert user["upwork_profile"]["profile_id"]
    me = call("GET", "/auth/me", token=body["access_token"])
    assert me.status == 200
    assert me.json == user
    assert audit_actions(user["user_id"])[-1] == "authn_login_success"
    jobs = [m for m in spy.sent if m["QueueUrl"] == resources.ref("SyncQueue")]
    assert len(jobs) == 1
    assert jobs[0]["MessageId"]
    job = json.loads(jobs[0]["MessageBody"])
    assert job["type"] == "sync.user"
    assert job["user_id"] == user["user_id"]
    assert job["reason"] == "sign_in"


def test_second_sign_in_updates_the_same_user(sign_in) -> None:
    upwork_id = new_sandbox_user()

    first = sign_in(upwork_id).json["user"]
    second = sign_in(upwork_id).json["user"]

    assert second["user_id"] == first["user_id"]
    assert second["created_at"] == first["created_at"]


def test_tokens_at_rest_are_encrypted_and_hashed(sign_in) -> None:
    reply = sign_in()
    user_id = reply.json["user"]["user_id"]

    raw = raw_item(f"USER#{user_id}", "UPWORK_TOKENS")
    assert raw is not None
    stored = upwork_tokens.unseal(user_id, raw["sealed_tokens"]["B"])
    dump = json.dumps(raw, default=lambda b: base64.b64encode(b).decode()) + repr(raw)
    for secret in (stored.access_token, stored.refresh_token):
        assert secret not in dump
        assert secret.encode() not in raw["sealed_tokens"]["B"]
    ours = reply.json["refresh_token"]
    record = raw_item(f"REFRESH#{hash_refresh_token(ours)}", "TOKEN")
    assert record is not None
    assert hashlib.sha256(ours.encode()).hexdigest() in record["pk"]["S"]
    partition = aws.client("dynamodb").query(
        TableName=users_table(),
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
    )["Items"]
    everything = json.dumps(partition, default=str) + json.dumps(record, default=str)
    assert ours not in everything
    assert reply.json["access_token"] not in everything


def test_callback_passes_the_stored_verifier_and_redirect_uri_to_upwork(
    authorize, call, upwork_traffic, redirect_uri
) -> None:
    found = authorize(new_sandbox_user())
    recorded = upwork_traffic()

    reply = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state})

    assert reply.status == 200
    exchange = next(f for f in recorded.forms() if f.get("grant_type") == ["authorization_code"])
    verifier = exchange["code_verifier"][0]
    assert exchange["redirect_uri"] == [redirect_uri]
    assert exchange["client_secret"][0]
    assert 43 <= len(verifier) <= 128
    assert verifier not in reply.body


def test_replayed_state_is_refused_before_any_upwork_call(authorize, call, upwork_traffic) -> None:
    found = authorize(new_sandbox_user())
    assert (
        call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state}).status == 200
    )
    recorded = upwork_traffic()

    again = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state})

    assert again.status == 400
    assert again.json["type"].endswith("/invalid-state")
    assert recorded.requests == []


@pytest.mark.parametrize(
    "query",
    [
        {"code": "some-code"},
        {"code": "some-code", "state": "never-issued-state-value-0123456789abcdefgh"},
        {"state": ""},
        {},
    ],
)
def test_missing_or_unknown_state_is_400_without_upwork_calls(call, upwork_traffic, query) -> None:
    recorded = upwork_traffic()

    reply = call("GET", "/auth/upwork/callback", query=query)

    assert reply.status == 400
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert recorded.requests == []


def test_expired_state_is_400(call, upwork_traffic, redirect_uri) -> None:
    now = clock.epoch(clock.now())
    oauth_state_store.save(
        "expired-state-0123456789-abcdefghijklmnopqrstu",
        code_verifier="v" * 43,
        redirect_uri=redirect_uri,
        now=now - oauth_state_store.STATE_TTL_SECONDS - 1,
    )
    recorded = upwork_traffic()

    reply = call(
        "GET",
        "/auth/upwork/callback",
        query={"code": "c", "state": "expired-state-0123456789-abcdefghijklmnopqrstu"},
    )

    assert reply.status == 400
    assert recorded.requests == []


def test_state_within_its_ttl_still_works(authorize, call, server_clock) -> None:
    found = authorize(new_sandbox_user())
    server_clock.advance(oauth_state_store.STATE_TTL_SECONDS - 30)

    assert (
        call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state}).status == 200
    )


def test_state_past_its_ttl_fails(authorize, call, server_clock) -> None:
    found = authorize(new_sandbox_user())
    server_clock.advance(oauth_state_store.STATE_TTL_SECONDS + 1)

    assert (
        call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state}).status == 400
    )


def test_access_denied_is_400_burns_the_state_and_stores_nothing(call, redirect_uri, upwork_traffic) -> None:
    state = call("POST", "/auth/upwork/init", {"redirect_uri": redirect_uri}).json["state"]
    recorded = upwork_traffic()

    denied = call("GET", "/auth/upwork/callback", query={"error": "access_denied", "state": state})

    assert denied.status == 400
    assert denied.json["type"].endswith("/oauth-error")
    assert "access_token" not in denied.body
    assert recorded.requests == []
    again = call("GET", "/auth/upwork/callback", query={"code": "x", "state": state})
    assert again.status == 400


def test_a_bad_code_is_400_from_upwork(authorize, call) -> None:
    found = authorize(new_sandbox_user())

    reply = call("GET", "/auth/upwork/callback", query={"code": "not-the-code", "state": found.state})

    assert reply.status == 400
    assert "access_token" not in reply.body


def test_upwork_failure_is_502(authorize, call, upwork_traffic) -> None:
    found = authorize(new_sandbox_user())
    upwork_traffic(lambda request: httpx2.Response(500, json={"error": "server_error"}))

    reply = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state})

    assert reply.status == 502
    assert reply.headers["content-type"].startswith("application/problem+json")


def test_upwork_throttling_is_503_with_retry_after(authorize, call, upwork_traffic) -> None:
    found = authorize(new_sandbox_user())
    upwork_traffic(lambda request: httpx2.Response(429, headers={"Retry-After": "42"}, json={}))

    reply = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state})

    assert reply.status == 503
    assert reply.headers["retry-after"] == "42"


def test_callback_audit_records_who_where_and_nothing_secret(sign_in) -> None:
    reply = sign_in()
    user_id = reply.json["user"]["user_id"]

    records = audit_records(user_id)

    success = next(r for r in records if r["action"] == "authn_login_success")
    assert success["outcome"] == "success"
    assert success["severity"] == "low"
    assert success["ip_address"].startswith("198.")
    assert success["user_agent"] == "bidcraft-tests"
    assert success["timestamp"].endswith("Z")
    assert reply.json["access_token"] not in json.dumps(records, default=str)
    assert reply.json["refresh_token"] not in json.dumps(records, default=str)


def test_auth_routes_are_rate_limited_per_client_ip(call, redirect_uri, monkeypatch) -> None:
    from bidcraft import config

    monkeypatch.setenv("RATE_LIMIT_AUTH", "2")
    config.reset()
    try:
        statuses = [
            call("POST", "/auth/upwork/init", {"redirect_uri": redirect_uri}).status for _ in range(3)
        ]
        spoofed = call(
            "POST",
            "/auth/upwork/init",
            {"redirect_uri": redirect_uri},
            headers={"x-forwarded-for": "10.9.8.7"},
        )
    finally:
        monkeypatch.undo()
        config.reset()

    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429
    assert spoofed.status == 429
