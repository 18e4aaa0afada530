"""Pure rules of the auth domain: redirect URIs, signing keys, refresh tokens, request and response models,
audit record hygiene."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bidcraft import config
from bidcraft.auth import redirects, sessions, signing
from bidcraft.auth.models import CallbackResponse, InitRequest, MfaDisableRequest, MfaVerifyRequest
from bidcraft.auth.settings import AuthSettings
from bidcraft.errors import ConfigurationError
from bidcraft.security import audit
from bidcraft.users.models import UpworkProfile, User

ALLOWED = ["https://app.bidcraft.dev/callback", "http://localhost:5173/callback"]


@pytest.mark.parametrize("uri", ALLOWED)
def test_registered_redirect_uris_are_accepted_exactly(uri: str) -> None:
    assert redirects.is_allowed(uri, ALLOWED, local_stack=False)


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.bidcraft.dev/callback/",
        "https://app.bidcraft.dev/callback?next=/x",
        "https://APP.bidcraft.dev/callback",
        "https://app.bidcraft.dev.evil.com/callback",
        "http://localhost:5174/callback",
        "http://localhost/anything",
        "",
        "x" * 3000,
    ],
)
def test_anything_else_is_refused_outside_the_local_stack(uri: str) -> None:
    assert not redirects.is_allowed(uri, ALLOWED, local_stack=False)


@pytest.mark.parametrize(
    "uri",
    ["http://localhost/cb", "http://localhost:3000/", "http://127.0.0.1:65535/a/b?c=d", "http://127.0.0.1/x"],
)
def test_local_stack_accepts_loopback_uris(uri: str) -> None:
    assert redirects.is_allowed(uri, [], local_stack=True)


@pytest.mark.parametrize(
    "uri",
    [
        "https://localhost/cb",
        "http://localhost",
        "http://localhost:0/cb",
        "http://localhost:99999/cb",
        "http://localhost:80:80/cb",
        "http://user:pw@localhost/cb",
        "http://localhost/cb#x",
        "http://localhost/../cb",
        "http://localhost//evil.com",
        "http://localhost\\@evil.com/",
        "http://127.0.0.2/cb",
        "http://[::1]/cb",
        "http://localhost/c b",
        "javascript://localhost/%0aalert(1)",
    ],
)
def test_local_stack_refuses_lookalikes(uri: str) -> None:
    assert not redirects.is_allowed(uri, [], local_stack=True)


def test_settings_read_the_redirect_allow_list_as_csv(monkeypatch) -> None:
    for name, value in {
        "USERS_TABLE": "u",
        "ANALYTICS_TABLE": "a",
        "AUDIT_TABLE": "au",
        "SIGNING_KEY_SECRET_ARN": "s",
        "KMS_KEY_ID": "k",
        "UPWORK_CLIENT_SECRET_ARN": "c",
        "SYNC_QUEUE_URL": "q",
        "ALLOWED_REDIRECT_URIS": " https://a/cb , http://localhost:1/x,, ",
        "LOCAL_STACK": "false",
    }.items():
        monkeypatch.setenv(name, value)
    config.reset()
    try:
        settings = config.load(AuthSettings)
    finally:
        config.reset()
    assert settings.allowed_redirect_uris == ["https://a/cb", "http://localhost:1/x"]
    assert settings.local_stack is False


def test_signing_secret_formats() -> None:
    single = signing.parse({"kid": "k1", "key": "k" * 64})
    assert single.active.kid == "k1"
    assert single.active.key == b"k" * 64
    ring = signing.parse({"keys": [{"kid": "new", "key": "n" * 32}, {"kid": "old", "key": "o" * 32}]})
    assert ring.active.kid == "new"
    assert set(ring.by_kid) == {"new", "old"}
    assert "n" * 32 not in repr(ring)


@pytest.mark.parametrize(
    "document",
    [
        {"kid": "k1", "key": "short"},
        {"kid": "../k", "key": "k" * 64},
        {"kid": "k1"},
        {"keys": []},
        {"keys": "k"},
        {"kid": 1, "key": "k" * 64},
    ],
)
def test_bad_signing_secrets_are_configuration_errors(document: dict) -> None:
    with pytest.raises(ConfigurationError):
        signing.parse(document)


def test_refresh_tokens_are_unique_256_bit_and_stored_as_sha256() -> None:
    generated = {sessions.new_refresh_token() for _ in range(10_000)}
    assert len(generated) == 10_000
    assert all(len(t) == 43 and "=" not in t for t in generated)
    token = next(iter(generated))
    assert sessions.hash_refresh_token(token) == hashlib.sha256(token.encode()).hexdigest()


@pytest.mark.parametrize("model", [MfaVerifyRequest, MfaDisableRequest])
def test_mfa_bodies_take_exactly_one_code(model) -> None:
    assert model(totp_code="123456").totp_code == "123456"
    assert model(backup_code="abcde-fghjk").backup_code == "abcde-fghjk"
    for bad in ({}, {"totp_code": "1", "backup_code": "2"}, {"totp_code": "1", "is_admin": True}):
        with pytest.raises(ValidationError):
            model(**bad)


def test_init_body_refuses_extra_fields() -> None:
    with pytest.raises(ValidationError):
        InitRequest(redirect_uri="http://localhost/cb", code_verifier="x")  # type: ignore[call-arg]


def test_optional_response_fields_are_left_out_not_null() -> None:
    user = User(
        user_id="u",
        name="N",
        upwork_user_id="w",
        roles=["user"],
        mfa_enabled=True,
        upwork_profile=UpworkProfile(profile_id="~01"),
        created_at=datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
    )
    body = CallbackResponse(access_token="a", expires_in=900, mfa_required=True, user=user).model_dump(
        mode="json"
    )

    assert "refresh_token" not in body
    assert body["token_type"] == "Bearer"
    assert "email" not in body["user"]
    assert body["user"]["upwork_profile"] == {"profile_id": "~01"}
    assert body["user"]["created_at"] == "2025-01-02T03:04:05Z"


def test_audit_records_carry_the_documented_fields_and_nothing_secret() -> None:
    record = audit.build_record(
        audit.AUTHN_LOGIN_FAIL,
        user_id=None,
        outcome="failure",
        severity="medium",
        ip="203.0.113.9",
        user_agent='evil\n{"action":"authn_login_success"}',
        request_id="r1",
        details={
            "reason": "wrong_code",
            "refresh_token": "secret-value",
            "totp_code": "123456",
            "backup_code": "abcde-fghjk",
            "client_secret": "x",
            "failures": 2,
            "note": "n" * 1000,
        },
        at=datetime(2025, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
    )

    assert record["pk"] == "ANON"
    assert record["gsi1pk"] == "ACTION#authn_login_fail"
    assert record["timestamp"] == "2025-05-06T07:08:09Z"
    assert record["sk"].startswith("2025-05-06T07:08:09.123456Z#")
    assert record["details"] == {"reason": "wrong_code", "failures": 2, "note": "n" * 256}
    assert record["ip_address"] == "203.0.113.9"
    assert record["user_agent"].startswith("evil\n")  # stored as a value: JSON escapes it, never concatenated
    assert {
        "id",
        "timestamp",
        "user_id",
        "action",
        "outcome",
        "severity",
        "ip_address",
        "user_agent",
        "details",
    } <= set(record)
    assert record["expires_at"] > 0


def test_audit_records_of_a_known_user_live_in_their_partition() -> None:
    record = audit.build_record(
        audit.AUTHN_LOGOUT,
        user_id="u-1",
        outcome="success",
        severity="low",
        ip="i",
        user_agent="",
        request_id="",
    )
    assert record["pk"] == "USER#u-1"
    assert record["user_id"] == "u-1"
