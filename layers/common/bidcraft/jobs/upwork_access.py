"""Upwork for the jobs feature: whose token runs a search, and clients that go through the Upwork budget.

Credentials (docs/jobs.md, "Whose credentials"): a registry entry of scope `user:<id>` runs with that owner's
own token (`bidcraft.auth.upwork_tokens`), and its results go only to that owner's feed; scope `service` (the
default, `JOBS_UPWORK_CREDENTIALS=service`) runs with the service's client-credentials token, and its public
results are shared by every subscriber. Every request takes a slot of the
service-wide budget first (`bidcraft.upwork.budget`): the poller's with purpose `poll`, the routes' with
`interactive`.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bidcraft.jobs import filters
from bidcraft.jobs.settings import jobs as settings

if TYPE_CHECKING:
    import httpx2

    from bidcraft.upwork.graphql import UpworkGraphQL

SERVICE_TOKEN_MARGIN_SECONDS = 300
_override: httpx2.Client | None = None


def use_http_client(client: httpx2.Client | None) -> None:
    """Route the jobs feature's Upwork calls through `client` (tests, bench); `None` restores the default."""
    global _override
    _override = client


@functools.cache
def _http(purpose: str) -> httpx2.Client:
    from bidcraft.upwork import budget
    from bidcraft.upwork.http import make_client

    return make_client(before_request=budget.hook("poll" if purpose == "poll" else "interactive"))


def graphql(purpose: str = "interactive") -> UpworkGraphQL:
    from bidcraft.upwork.graphql import UpworkGraphQL

    http = _override if _override is not None else _http(purpose)
    return UpworkGraphQL(settings().upwork_api_url, http)


@dataclass
class _ServiceToken:
    value: str = field(default="", repr=False)
    expires_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


_service = _ServiceToken()


def service_token(now: float | None = None) -> str:
    """The service's own access token (OAuth 2.0 client-credentials grant), cached until 5 minutes before
    it expires. Only for `JOBS_UPWORK_CREDENTIALS=service`."""
    moment = time.time() if now is None else now
    with _service.lock:
        if _service.value and _service.expires_at - SERVICE_TOKEN_MARGIN_SECONDS > moment:
            return _service.value
        value, lifetime = _client_credentials()
        _service.value, _service.expires_at = value, moment + lifetime
        return value


def _client_credentials() -> tuple[str, int]:
    from bidcraft.auth import upwork_client
    from bidcraft.upwork.oauth import UpworkOAuth

    client_id, secret = upwork_client.credentials()
    http = _override if _override is not None else _http("poll")
    token = UpworkOAuth(settings().upwork_base_url, client_id, secret, http).client_credentials()
    lifetime = int(token.expires_at.timestamp() - time.time())
    return token.access_token.get_secret_value(), max(0, lifetime)


def token_for(scope: str) -> str:
    """The access token a registry entry runs with."""
    owner = filters.owner_of(scope)
    if owner is None:
        return service_token()
    from bidcraft.auth.upwork_tokens import get_valid_access_token

    return get_valid_access_token(owner)


def reset() -> None:
    """Forget the cached service token (tests)."""
    with _service.lock:
        _service.value, _service.expires_at = "", 0.0
