"""Helpers for the Upwork client tests: a clock whose sleep moves time, and a sandbox sign-in over HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

from bidcraft.upwork import UpworkGraphQL, UpworkOAuth, UpworkTokens, authorize_url, make_client

BASE_URL = "http://127.0.0.1:3000/_sandbox/upwork"
CLIENT_ID = "bidcraft-local"
CLIENT_SECRET = "local-secret-0123456789"
REDIRECT_URI = "http://localhost:3000/auth/upwork/callback"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 Appendix B
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@dataclass
class Clock:
    """Injected as both clock and sleep: a retry that waits moves time forward, nothing really sleeps."""

    now: datetime = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def authorization_code(http: httpx2.Client, state: str = "st", **sandbox: str) -> str:
    """What a browser does: open the authorize URL, follow nothing, read the code off the redirect."""
    url = authorize_url(BASE_URL, CLIENT_ID, REDIRECT_URI, state, CHALLENGE, extra=sandbox)
    response = http.get(url)
    assert response.status_code == 302, response.text
    params = parse_qs(urlsplit(response.headers["location"]).query)
    assert params["state"] == [state]
    return params["code"][0]


def sign_in(oauth: UpworkOAuth, http: httpx2.Client, **sandbox: str) -> UpworkTokens:
    return oauth.exchange_code(authorization_code(http, **sandbox), VERIFIER, REDIRECT_URI)


def scripted(responses: list[Any], seen: list[httpx2.Request] | None = None) -> httpx2.MockTransport:
    """A transport that answers with `responses` in order (an exception instance is raised instead)."""
    queue = list(responses)

    def handler(request: httpx2.Request) -> httpx2.Response:
        if seen is not None:
            seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return httpx2.MockTransport(handler)


def graphql_client(transport: httpx2.BaseTransport, clock: Clock) -> UpworkGraphQL:
    return UpworkGraphQL(BASE_URL, make_client(transport=transport), sleep=clock.sleep, clock=clock)
