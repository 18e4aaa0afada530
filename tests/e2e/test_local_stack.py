"""The local stack as a newcomer meets it: `make dev`, then HTTP."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2

from tests.e2e.conftest import LocalStackProcess

AUTHORIZE_PATH = "/_sandbox/upwork/ab/account-security/oauth2/authorize"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value for name, value in attrs if name in ("src", "href") and value]


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def test_health_answers_ok_with_a_version(http: httpx2.Client) -> None:
    response = http.get("/health")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok"
    assert isinstance(body["version"], str)
    assert body["version"]
    assert response.headers.get("x-request-id")


def test_openapi_document_is_openapi_3_1_json(http: httpx2.Client) -> None:
    response = http.get("/openapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert "/health" in document["paths"]


def test_docs_are_html_that_fetch_nothing_from_other_hosts(http: httpx2.Client, base_url: str) -> None:
    response = http.get("/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    own_host = urlsplit(base_url).netloc
    foreign = [
        url
        for url in re.findall(r"https?://[^\s\"'<>)]+", html)
        if urlsplit(url).netloc not in (own_host, "")
    ]
    assert foreign == []
    parser = _Links()
    parser.feed(html)
    assert parser.links, "Swagger UI loads its assets from our own origin"
    for link in parser.links:
        asset = http.get(httpx2.URL(f"{base_url}/docs/").join(link))
        assert asset.status_code == 200, link


def test_unknown_route_is_a_404_problem_with_a_request_id(http: httpx2.Client) -> None:
    response = http.get("/no/such/route", headers={"X-Request-Id": "e2e-unknown-route-1"})

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["x-request-id"] == "e2e-unknown-route-1"
    problem = response.json()
    assert problem["status"] == 404
    assert problem["type"].startswith("https://bidcraft.dev/problems/")
    assert "Traceback" not in response.text


def test_status_lists_what_is_emulated(http: httpx2.Client) -> None:
    response = http.get("/_local/status")

    assert response.status_code == 200
    status = response.json()
    assert status["aws"]["emulator"] == "moto (in-process)"
    assert set(status["tables"]) >= {"UsersTable", "AnalyticsTable", "AuditTable", "IdempotencyTable"}
    assert status["queues"]["EventsQueue"]["redrive_policy"]["maxReceiveCount"] == 5
    assert status["sandbox"]["client_id"]


def test_sandbox_authorize_redirects_with_code_and_state(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    client_id = http.get("/_local/status").json()["sandbox"]["client_id"]
    _, challenge = _pkce()
    state = secrets.token_urlsafe(16)
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": local_stack.redirect_uri,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "sandbox_user": f"e2e-{secrets.token_hex(4)}",
        "sandbox_proposals": "3",
    }

    response = http.get(f"{AUTHORIZE_PATH}?{urlencode(query)}")

    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == local_stack.redirect_uri
    params = parse_qs(location.query)
    assert params["state"] == [state]
    assert params["code"][0]


def test_cors_preflight_is_answered_for_a_local_origin(http: httpx2.Client) -> None:
    response = http.options(
        "/api/dashboard/main",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )

    # answered from template.yaml's CORS settings (the OpenAPI extension of the HttpApi's body)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert response.headers["access-control-allow-methods"] == "GET,POST,PUT,PATCH,DELETE,OPTIONS"
    assert response.headers["access-control-max-age"] == "600"
    exposed = http.get("/health", headers={"Origin": "http://localhost:5173"}).headers
    assert "www-authenticate" in exposed["access-control-expose-headers"].split(",")


def test_schedule_of_an_unknown_function_is_404(http: httpx2.Client) -> None:
    response = http.post("/_local/schedule/NoSuchFunction")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_sign_in_with_the_sandbox_through_the_auth_function(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    init = http.post("/auth/upwork/init", json={"redirect_uri": local_stack.redirect_uri})
    assert init.status_code == 200, init.text
    authorization_url = init.json()["authorization_url"]
    assert authorization_url.startswith(f"{local_stack.base_url}/_sandbox/upwork/")

    redirect = http.get(f"{authorization_url}&sandbox_user=e2e-{secrets.token_hex(4)}&sandbox_proposals=5")
    assert redirect.status_code == 302
    params = parse_qs(urlsplit(redirect.headers["location"]).query)

    callback = http.get(
        "/auth/upwork/callback", params={"code": params["code"][0], "state": params["state"][0]}
    )
    assert callback.status_code == 200, callback.text
    tokens = callback.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["access_token"]
    me = http.get("/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200, me.text
