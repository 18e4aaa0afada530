"""The sandbox's OAuth server: authorize, PKCE code exchange, client checks, refresh rotation, revoke."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from devserver.sandbox.oauth import s256

from .helpers import CHALLENGE, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, VERIFIER, Driver, FakeClock

USER_QUERY = "query { user { id } }"


def _location_params(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def test_rfc7636_vector() -> None:
    assert s256(VERIFIER) == CHALLENGE


# ------------------------------------------------------------------------------------------------ authorize


def test_authorize_redirects_back_with_code_and_state(driver: Driver) -> None:
    # Given a valid authorization request whose redirect URI already has a query
    # When the browser visits the authorize page
    response = driver.authorize(redirect_uri=REDIRECT_URI + "?from=web", state="s-1")

    # Then it signs in at once and redirects back with a code and the same state, keeping the URI's query
    assert response.status == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?from=web&")
    params = _location_params(location)
    assert params["state"] == "s-1"
    assert len(params["code"]) >= 32
    assert response.headers["Cache-Control"] == "no-store"


def test_authorize_creates_the_account_at_first_sign_in(driver: Driver, unique_user) -> None:
    user = unique_user("alice")
    driver.authorize(sandbox_user=user, sandbox_proposals="7")
    driver.authorize(sandbox_user=user, sandbox_proposals="99")  # later sign-ins do not change it

    account = driver.sandbox.account(user)
    assert account is not None
    assert len(account.proposals) == 7


def test_authorize_defaults_to_demo_with_25_proposals(driver: Driver) -> None:
    driver.authorize()
    account = driver.sandbox.account("demo")
    assert account is not None
    assert len(account.proposals) == 25


@pytest.mark.parametrize(
    ("overrides", "title"),
    [
        ({"client_id": "someone-else"}, b"Unknown client"),
        ({"client_id": None}, b"Unknown client"),
        ({"redirect_uri": "ftp://example.com/cb"}, b"Invalid redirect URI"),
        ({"redirect_uri": "/relative/cb"}, b"Invalid redirect URI"),
        ({"redirect_uri": "http://localhost/cb#frag"}, b"Invalid redirect URI"),
        ({"redirect_uri": None}, b"Invalid redirect URI"),
    ],
)
def test_authorize_never_redirects_to_an_unverified_place(driver: Driver, overrides, title) -> None:
    response = driver.authorize(**overrides)

    assert response.status == 400
    assert "Location" not in response.headers
    assert title in response.body


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"sandbox_proposals": "many"}, "invalid_request"),
        ({"sandbox_proposals": "20001"}, "invalid_request"),
        ({"sandbox_user": "bad id with spaces"}, "invalid_request"),
    ],
)
def test_authorize_reports_request_errors_by_redirect(driver: Driver, overrides, error) -> None:
    response = driver.authorize(state="keep-me", **overrides)

    assert response.status == 302
    params = _location_params(response.headers["Location"])
    assert params["error"] == error
    assert params["state"] == "keep-me"
    assert "code" not in params


def test_authorize_rejects_repeated_parameters(driver: Driver) -> None:
    query = {
        "response_type": ["code"],
        "client_id": [CLIENT_ID],
        "redirect_uri": [REDIRECT_URI],
        "code_challenge": [CHALLENGE],
        "code_challenge_method": ["S256", "plain"],
    }
    response = driver.sandbox.handle(
        "GET", "/ab/account-security/oauth2/authorize", query, {}, b"", "1.2.3.4"
    )

    assert response.status == 302
    assert _location_params(response.headers["Location"])["error"] == "invalid_request"


# ------------------------------------------------------------------------------------------------ exchange


def test_code_exchange_with_pkce_returns_bearer_tokens(driver: Driver) -> None:
    response = driver.exchange(driver.code())

    assert response.status == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert body["access_token"] != body["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store"
    assert driver.graphql(body["access_token"], USER_QUERY).status == 200


def test_wrong_verifier_is_invalid_grant(driver: Driver) -> None:
    response = driver.exchange(driver.code(), verifier="x" * 43)

    assert response.status == 400
    assert response.json()["error"] == "invalid_grant"


def test_malformed_verifier_is_invalid_request(driver: Driver) -> None:
    response = driver.exchange(driver.code(), verifier="too-short")

    assert response.status == 400
    assert response.json()["error"] == "invalid_request"


def test_wrong_redirect_uri_is_invalid_grant(driver: Driver) -> None:
    response = driver.exchange(driver.code(), redirect_uri="http://localhost:3000/other")

    assert response.status == 400
    assert response.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_invalid_client(driver: Driver) -> None:
    form = {
        "grant_type": "authorization_code",
        "code": driver.code(),
        "redirect_uri": REDIRECT_URI,
        "code_verifier": VERIFIER,
        "client_id": CLIENT_ID,
        "client_secret": "wrong",
    }
    response = driver.token(form, client_auth=False)

    assert response.status == 401
    assert response.json() == {"error": "invalid_client", "error_description": "client authentication failed"}


def test_missing_client_credentials_is_invalid_client(driver: Driver) -> None:
    form = {"grant_type": "authorization_code", "code": driver.code(), "redirect_uri": REDIRECT_URI}
    response = driver.token({**form, "code_verifier": VERIFIER}, client_auth=False)

    assert response.status == 401


def test_http_basic_client_authentication(driver: Driver) -> None:
    credentials = base64.b64encode(f"{quote(CLIENT_ID)}:{quote(CLIENT_SECRET)}".encode()).decode()
    form = {"grant_type": "authorization_code", "code": driver.code(), "redirect_uri": REDIRECT_URI}
    response = driver.token(
        {**form, "code_verifier": VERIFIER},
        headers={"authorization": f"Basic {credentials}"},
        client_auth=False,
    )

    assert response.status == 200


def test_wrong_basic_credentials_challenge_basic(driver: Driver) -> None:
    credentials = base64.b64encode(f"{CLIENT_ID}:nope".encode()).decode()
    response = driver.token(
        {"grant_type": "refresh_token", "refresh_token": "x"},
        headers={"authorization": f"Basic {credentials}"},
        client_auth=False,
    )

    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_two_client_authentication_methods_are_refused(driver: Driver) -> None:
    credentials = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    response = driver.token(
        {"grant_type": "refresh_token", "refresh_token": "x"},
        headers={"authorization": f"Basic {credentials}"},
    )

    assert response.status == 400
    assert response.json()["error"] == "invalid_request"


def test_code_is_single_use_and_reuse_revokes_its_tokens(driver: Driver) -> None:
    # Given a code that was redeemed once
    code = driver.code()
    first = driver.exchange(code).json()

    # When it is presented again
    second = driver.exchange(code)

    # Then the reuse fails and the tokens issued from it stop working (RFC 6749 §4.1.2)
    assert second.status == 400
    assert second.json()["error"] == "invalid_grant"
    assert driver.graphql(first["access_token"], USER_QUERY).status == 401
    assert driver.refresh(first["refresh_token"]).status == 400


def test_code_expires_after_ten_minutes(driver: Driver, clock: FakeClock) -> None:
    code = driver.code()
    clock.advance(minutes=10, seconds=1)

    response = driver.exchange(code)

    assert response.status == 400
    assert response.json()["error"] == "invalid_grant"


def test_token_endpoint_requires_form_encoding(driver: Driver) -> None:
    response = driver.sandbox.handle(
        "POST", "/api/v3/oauth2/token", {}, {"content-type": "application/json"}, b"{}", "10.0.0.9"
    )

    assert response.status == 400
    assert response.json()["error"] == "invalid_request"


def test_unknown_grant_type(driver: Driver) -> None:
    response = driver.token({"grant_type": "password"})

    assert response.status == 400
    assert response.json()["error"] == "unsupported_grant_type"


# ------------------------------------------------------------------------------------------------- refresh


def test_refresh_rotates_and_the_old_token_works_24_hours_more(driver: Driver, clock: FakeClock) -> None:
    # Given a token pair, refreshed once an hour later
    original = driver.sign_in()
    clock.advance(hours=1)
    rotated = driver.refresh(original["refresh_token"])
    assert rotated.status == 200
    assert rotated.json()["refresh_token"] != original["refresh_token"]

    # When the old refresh token is presented just inside its 24 h grace, it still works
    clock.advance(hours=23, minutes=59)
    assert driver.refresh(original["refresh_token"]).status == 200

    # Then just after the grace it is dead
    clock.advance(minutes=2)
    late = driver.refresh(original["refresh_token"])
    assert late.status == 400
    assert late.json()["error"] == "invalid_grant"


def test_new_refresh_token_lives_14_days(driver: Driver, clock: FakeClock) -> None:
    first = driver.sign_in()
    second = driver.refresh(first["refresh_token"]).json()
    third = driver.refresh(first["refresh_token"]).json()  # still within the grace: a sibling token

    clock.advance(days=14, seconds=-1)
    assert driver.refresh(second["refresh_token"]).status == 200

    clock.advance(seconds=2)
    assert driver.refresh(third["refresh_token"]).status == 400


def test_access_token_expires_after_24_hours(driver: Driver, clock: FakeClock) -> None:
    tokens = driver.sign_in()

    clock.advance(hours=23, minutes=59)
    assert driver.graphql(tokens["access_token"], USER_QUERY).status == 200
    clock.advance(minutes=2)
    expired = driver.graphql(tokens["access_token"], USER_QUERY)

    assert expired.status == 401
    assert expired.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_an_access_token_is_not_a_refresh_token(driver: Driver) -> None:
    tokens = driver.sign_in()

    assert driver.refresh(tokens["access_token"]).status == 400


# -------------------------------------------------------------------------------------------------- revoke


def test_revoking_an_access_token(driver: Driver) -> None:
    tokens = driver.sign_in()

    assert driver.revoke(tokens["access_token"]).status == 200

    assert driver.graphql(tokens["access_token"], USER_QUERY).status == 401
    assert driver.refresh(tokens["refresh_token"]).status == 200


def test_revoking_a_refresh_token_revokes_its_grant(driver: Driver) -> None:
    tokens = driver.sign_in()
    rotated = driver.refresh(tokens["refresh_token"]).json()

    assert driver.revoke(rotated["refresh_token"]).status == 200

    assert driver.refresh(tokens["refresh_token"]).status == 400
    assert driver.refresh(rotated["refresh_token"]).status == 400
    assert driver.graphql(tokens["access_token"], USER_QUERY).status == 401
    assert driver.graphql(rotated["access_token"], USER_QUERY).status == 401


def test_revoking_an_unknown_token_is_fine(driver: Driver) -> None:
    assert driver.revoke("never-issued").status == 200


def test_revoke_requires_client_authentication(driver: Driver) -> None:
    tokens = driver.sign_in()

    assert driver.revoke(tokens["access_token"], client_auth=False).status == 401
    assert driver.graphql(tokens["access_token"], USER_QUERY).status == 200


# -------------------------------------------------------------------------------------------------- routing


def test_wrong_method_and_unknown_path(driver: Driver) -> None:
    wrong = driver.sandbox.handle("GET", "/api/v3/oauth2/token", {}, {}, b"", "10.1.1.1")
    unknown = driver.sandbox.handle("GET", "/api/v2/whatever", {}, {}, b"", "10.1.1.1")
    index = driver.sandbox.handle("GET", "/", {}, {}, b"", "10.1.1.1")

    assert wrong.status == 405
    assert wrong.headers["Allow"] == "POST"
    assert unknown.status == 404
    assert index.status == 200
    assert b"not affiliated" in index.body


def test_concurrent_first_sign_ins_create_one_account(driver: Driver, unique_user) -> None:
    # Given many threads signing the same new user in at once (the devserver is threaded)
    user = unique_user("racer")

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda _: driver.code(sandbox_user=user, sandbox_proposals="500"), range(16)))

    # Then there is one account and every code is distinct and redeemable once
    assert len(set(codes)) == 16
    assert driver.sandbox.account(user) is driver.sandbox.ensure_account(user)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda code: Driver(driver.sandbox, ip=code[:8]).exchange(code).status, codes)
        )
    assert statuses == [200] * 16
