"""The framework-free response type of the sandbox and small builders for it."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass(frozen=True, slots=True)
class SandboxResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        """The body parsed as JSON (a convenience for tests and the devserver)."""
        return json.loads(self.body)


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> SandboxResponse:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return SandboxResponse(status, {"Content-Type": JSON_TYPE, **(headers or {})}, body)


def html_response(status: int, title: str, message: str) -> SandboxResponse:
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>"
        "<p><small>Upwork sandbox — a local test double, not Upwork.</small></p></body></html>"
    )
    return SandboxResponse(status, {"Content-Type": "text/html; charset=utf-8", **NO_STORE}, page.encode())


def redirect(location: str) -> SandboxResponse:
    return SandboxResponse(302, {"Location": location, **NO_STORE}, b"")


def oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> SandboxResponse:
    """An RFC 6749 §5.2 error body."""
    return json_response(
        status, {"error": error, "error_description": description}, {**NO_STORE, **(headers or {})}
    )


def too_many_requests() -> SandboxResponse:
    return json_response(
        429,
        {"errors": [{"message": "Rate limit exceeded", "extensions": {"code": "TOO_MANY_REQUESTS"}}]},
        {"Retry-After": "1"},
    )
