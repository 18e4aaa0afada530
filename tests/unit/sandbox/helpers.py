"""Helpers for the Upwork sandbox tests: a controllable clock and a driver that signs in over `handle()`."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from devserver.sandbox import SandboxResponse, UpworkSandbox

CLIENT_ID = "bidcraft-local"
CLIENT_SECRET = "local-secret-0123456789"
REDIRECT_URI = "http://localhost:3000/auth/upwork/callback"
# RFC 7636 Appendix B
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
FORM = {"content-type": "application/x-www-form-urlencoded"}


class FakeClock:
    def __init__(self, start: datetime = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Driver:
    """Talks to a sandbox the way an HTTP client would; each call comes from its own IP unless told."""

    sandbox: UpworkSandbox
    ip: str = "10.0.0.1"

    def authorize(self, **overrides: str | None) -> SandboxResponse:
        params: dict[str, Any] = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "state": "state-123",
            "code_challenge": CHALLENGE,
            "code_challenge_method": "S256",
        }
        params.update(overrides)
        query = {key: [value] for key, value in params.items() if value is not None}
        return self.sandbox.handle("GET", "/ab/account-security/oauth2/authorize", query, {}, b"", self.ip)

    def code(self, **overrides: str | None) -> str:
        response = self.authorize(**overrides)
        assert response.status == 302, response.body
        return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]

    def token(
        self, form: dict[str, str], *, headers: dict[str, str] | None = None, client_auth: bool = True
    ) -> SandboxResponse:
        body = dict(form)
        if client_auth:
            body.update({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
        return self.sandbox.handle(
            "POST", "/api/v3/oauth2/token", {}, {**FORM, **(headers or {})}, urlencode(body).encode(), self.ip
        )

    def exchange(
        self, code: str, verifier: str = VERIFIER, redirect_uri: str = REDIRECT_URI
    ) -> SandboxResponse:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        return self.token(form)

    def sign_in(self, user: str | None = None, proposals: int | None = None) -> dict[str, Any]:
        overrides = {"sandbox_user": user, "sandbox_proposals": None if proposals is None else str(proposals)}
        response = self.exchange(self.code(**overrides))
        assert response.status == 200, response.body
        return response.json()

    def service_token(self) -> str:
        """The service's own token (client-credentials grant)."""
        response = self.token({"grant_type": "client_credentials"})
        assert response.status == 200, response.body
        return str(response.json()["access_token"])

    def publish(self, body: dict[str, Any]) -> SandboxResponse:
        """`POST /_jobs`: publish a job posting now."""
        headers = {"content-type": "application/json"}
        return self.sandbox.handle("POST", "/_jobs", {}, headers, json.dumps(body).encode(), self.ip)

    def refresh(self, refresh_token: str) -> SandboxResponse:
        return self.token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def revoke(self, token: str, *, client_auth: bool = True) -> SandboxResponse:
        body = {"token": token}
        if client_auth:
            body.update({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
        return self.sandbox.handle(
            "POST", "/api/v3/oauth2/token/revoke", {}, dict(FORM), urlencode(body).encode(), self.ip
        )

    def graphql(
        self,
        access_token: str | None,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        ip: str | None = None,
    ) -> SandboxResponse:
        headers = {"content-type": "application/json"}
        if access_token is not None:
            headers["authorization"] = f"Bearer {access_token}"
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        return self.sandbox.handle("POST", "/graphql", {}, headers, body, ip or self.ip)


def budget(seconds: float) -> float:
    """A time limit for performance checks, relaxed when a tracer (coverage, a debugger) slows every line."""
    traced = sys.gettrace() is not None or "coverage" in sys.modules
    return seconds * 10 if traced else seconds
