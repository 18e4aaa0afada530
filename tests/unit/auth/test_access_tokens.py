"""Access-token issuing and verification rules (RFC 8725), with the session table faked."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from bidcraft.auth import jws, tokens
from bidcraft.errors import Unauthorized
from tests.unit.auth.conftest import OLD_KEY, SIGNING_KEY, FakeSessions


def _issue(sessions: FakeSessions, **kwargs) -> str:
    sessions.add("u1", "s1", kind="mfa_pending" if kwargs.get("mfa_pending") else "full")
    return tokens.issue_access_token(user_id="u1", session_id="s1", roles=["user"], **kwargs).token


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _sign(claims: dict, key: bytes = SIGNING_KEY, **header) -> str:
    return jwt.encode(claims, key, algorithm="HS256", headers={"kid": "k2", "typ": "at+jwt", **header})


def _rejected(token: str) -> Unauthorized:
    with pytest.raises(Unauthorized) as caught:
        tokens.verify_access_token(token)
    assert caught.value.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert caught.value.detail == tokens.INVALID_TOKEN_DETAIL
    return caught.value


def test_issued_token_has_the_documented_header_and_claims(token_env) -> None:
    token = _issue(token_env)

    header = jwt.get_unverified_header(token)
    claims = _claims(token)
    assert header == {"alg": "HS256", "typ": "at+jwt", "kid": "k2"}
    assert {"iss", "aud", "sub", "iat", "exp", "jti", "sid", "roles"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 900
    assert claims["aud"] == "bidcraft-api"
    assert claims["iss"] == "bidcraft"
    assert "mfa" not in claims


def test_valid_token_gives_the_principal(token_env) -> None:
    principal = tokens.verify_access_token(_issue(token_env))

    assert principal.user_id == "u1"
    assert principal.session_id == "s1"
    assert principal.roles == ("user",)
    assert principal.mfa_pending is False
    assert principal.token_id


def test_step_up_token_is_marked_pending(token_env) -> None:
    principal = tokens.verify_access_token(_issue(token_env, mfa_pending=True))
    assert principal.mfa_pending is True


def test_a_token_signed_with_the_previous_key_still_verifies_during_rotation(token_env) -> None:
    token_env.add("u1", "s1")
    claims = _claims(_issue(token_env))
    assert tokens.verify_access_token(_sign(claims, OLD_KEY, kid="k1")).user_id == "u1"


def test_revoked_or_missing_session_is_rejected(token_env) -> None:
    token = _issue(token_env)
    token_env.add("u1", "s1", status="revoked")
    _rejected(token)
    token_env.items.clear()
    _rejected(token)


def test_step_up_claim_must_match_the_session_kind(token_env) -> None:
    token = _issue(token_env)
    _rejected(_sign({**_claims(token), "mfa": "pending"}))


def test_tampered_payload(token_env) -> None:
    header, _, signature = _issue(token_env).split(".")
    payload = base64.urlsafe_b64encode(json.dumps({"sub": "admin"}).encode()).rstrip(b"=").decode()
    _rejected(f"{header}.{payload}.{signature}")


def test_alg_none(token_env) -> None:
    claims = _claims(_issue(token_env))
    _rejected(jwt.encode(claims, None, algorithm="none", headers={"kid": "k2", "typ": "at+jwt"}))


def test_wrong_key(token_env) -> None:
    _rejected(_sign(_claims(_issue(token_env)), b"x" * 40))


def test_kid_swapped_to_the_other_key(token_env) -> None:
    _rejected(_sign(_claims(_issue(token_env)), SIGNING_KEY, kid="k1"))


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "jti", "iss", "aud", "sid"])
def test_missing_claims(token_env, missing: str) -> None:
    claims = _claims(_issue(token_env))
    claims.pop(missing)
    _rejected(_sign(claims))


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "other"},
        {"aud": ["bidcraft-api"]},
        {"iss": "other"},
        {"exp": 1},
        {"exp": "never"},
        {"iat": "yesterday"},
        {"sub": ""},
        {"sub": 7},
        {"jti": 7},
        {"roles": [1]},
        {"mfa": "done"},
    ],
)
def test_bad_claims(token_env, change: dict) -> None:
    _rejected(_sign({**_claims(_issue(token_env)), **change}))


@pytest.mark.parametrize(
    "change",
    [
        {"iat": 60},  # issued in the future
        {"nbf": 60},  # not valid yet
        {"exp": 0.5},  # NumericDates are JSON integers here (PyJWT would truncate)
        {"exp": True},
        {"exp": "99999999999"},  # a numeric string (PyJWT would convert it)
        {"iat": -0.5},
        {"nbf": "0"},
    ],
)
def test_numeric_dates_must_be_integers_in_range(token_env, change: dict) -> None:
    now = int(time.time())
    relative = {
        k: now + v if isinstance(v, int) and not isinstance(v, bool) else v for k, v in change.items()
    }
    _rejected(_sign({**_claims(_issue(token_env)), **relative}))


def test_a_past_nbf_is_accepted(token_env) -> None:
    claims = {**_claims(_issue(token_env)), "nbf": int(time.time()) - 1}
    assert tokens.verify_access_token(_sign(claims)).user_id == "u1"


def test_a_kid_that_is_not_a_string(token_env) -> None:
    claims = _claims(_issue(token_env))
    _rejected(jws.sign(claims, SIGNING_KEY, headers={"typ": "at+jwt", "kid": 2}))


def test_a_header_nested_too_deep_is_a_401_not_a_crash(token_env) -> None:
    header = base64.urlsafe_b64encode(b"[" * 2500 + b"]" * 2500).rstrip(b"=").decode()
    _, payload, signature = _issue(token_env).split(".")
    _rejected(f"{header}.{payload}.{signature}"[: tokens.MAX_TOKEN_CHARS])
    _rejected(f"{header[:4000]}.{payload[:40]}.{signature}")


def test_expired_one_second_ago_with_no_leeway(token_env) -> None:
    now = int(time.time())
    token = tokens.issue_access_token(user_id="u1", session_id="s1", roles=[], now=now - 901).token
    token_env.add("u1", "s1")
    _rejected(token)


@pytest.mark.parametrize(
    "header",
    [
        {"typ": "JWT"},
        {"jku": "http://x/"},
        {"x5u": "http://x/"},
        {"jwk": {"kty": "oct", "k": "eA"}},
        {"x5c": ["MIIB"]},
        {"kid": "nope"},
        {"kid": "../../x"},
        {"crit": ["exp"]},
    ],
)
def test_bad_headers(token_env, header: dict) -> None:
    _rejected(_sign(_claims(_issue(token_env)), **header))


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "x" * 4097])
def test_garbage(token_env, token: str) -> None:
    _rejected(token)
