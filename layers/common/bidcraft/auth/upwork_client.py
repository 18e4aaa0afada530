"""The Upwork OAuth and GraphQL clients the auth domain uses, built on first use.

The HTTP client is created once per container and can be swapped for tests (`use_http_client`, e.g. an
`httpx2.Client` over `httpx2.MockTransport` that calls the sandbox). Client credentials come from the Secrets
Manager secret at `UPWORK_CLIENT_SECRET_ARN` (`{"client_id", "client_secret"}`) on every build, so the
5-minute secret cache is the only thing between a rotation and its use.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from bidcraft import secrets
from bidcraft.auth import settings
from bidcraft.errors import ConfigurationError

if TYPE_CHECKING:
    import httpx2

    from bidcraft.upwork.budget import Purpose
    from bidcraft.upwork.graphql import UpworkGraphQL
    from bidcraft.upwork.oauth import UpworkOAuth

_override: httpx2.Client | None = None


def use_http_client(client: httpx2.Client | None) -> None:
    """Route every Upwork call through `client` (tests); `None` restores the default."""
    global _override
    _override = client


@functools.cache
def _default_http(purpose: Purpose) -> httpx2.Client:
    from bidcraft.upwork import budget
    from bidcraft.upwork.http import make_client

    return make_client(before_request=budget.hook(purpose))  # every Upwork call takes a budget slot


def http(purpose: Purpose = "interactive") -> httpx2.Client:
    """The HTTP client for Upwork calls made for `purpose` (`sync` for the sync worker's reads, which yield
    part of every second to people waiting: `bidcraft.upwork.budget`)."""
    return _override if _override is not None else _default_http(purpose)


def credentials() -> tuple[str, str]:
    document = secrets.get_json(settings.upwork().upwork_client_secret_arn)
    client_id, client_secret = document.get("client_id"), document.get("client_secret")
    if (
        not isinstance(client_id, str)
        or not client_id
        or not isinstance(client_secret, str)
        or not client_secret
    ):
        raise ConfigurationError("The Upwork client secret is malformed")
    return client_id, client_secret


def client_id() -> str:
    return credentials()[0]


def oauth() -> UpworkOAuth:
    from bidcraft.upwork.oauth import UpworkOAuth

    cid, secret = credentials()
    return UpworkOAuth(settings.upwork().upwork_base_url, cid, secret, http())


def graphql(purpose: Purpose = "interactive") -> UpworkGraphQL:
    from bidcraft.upwork.graphql import UpworkGraphQL

    return UpworkGraphQL(settings.upwork().upwork_api_url, http(purpose))
