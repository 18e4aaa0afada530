"""AWS clients, created on first use and cached per container.

boto3 honours `AWS_ENDPOINT_URL` (and per-service variants), which is how the local stack and the
integration tests point every client at the emulator. Only storage adapters call this module.
"""

from __future__ import annotations

import functools
from typing import Any

from botocore.config import Config

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    tcp_keepalive=True,
)


@functools.cache
def client(service: str) -> Any:
    import boto3  # boto3 session set-up is paid by the first caller, not at import

    return boto3.session.Session().client(service, config=_CONFIG)  # type: ignore[call-overload]


def error_code(exc: Exception) -> str:
    """The AWS error code of a botocore ClientError (never its message text), or ''."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def reset() -> None:
    """Drop cached clients (tests that move the endpoint)."""
    client.cache_clear()
