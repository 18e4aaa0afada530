"""Per-request facts taken from the API Gateway event: request id, client IP, user agent, bearer token."""

from __future__ import annotations

import re
from typing import Any

from bidcraft.caller import RequestMeta

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def header(event: dict[str, Any], name: str) -> str | None:
    headers = event.get("headers") or {}
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return str(value)
    return None


def request_id(event: dict[str, Any]) -> str:
    """The client's `X-Request-Id` when it is a sane token, else API Gateway's own request id."""
    sent = header(event, "x-request-id")
    if sent and _SAFE_REQUEST_ID.match(sent):
        return sent
    context = event.get("requestContext") or {}
    return str(context.get("requestId") or "local")


def source_ip(event: dict[str, Any]) -> str:
    """API Gateway's view of the caller's address; a client-sent X-Forwarded-For is never trusted."""
    return str(((event.get("requestContext") or {}).get("http") or {}).get("sourceIp") or "unknown")


def user_agent(event: dict[str, Any]) -> str:
    ua = ((event.get("requestContext") or {}).get("http") or {}).get("userAgent") or header(
        event, "user-agent"
    )
    return str(ua or "")[:512]


def bearer_token(event: dict[str, Any]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None when absent or of another scheme."""
    value = header(event, "authorization")
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def body_size(event: dict[str, Any]) -> int:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return len(body) * 3 // 4
    return len(body.encode("utf-8"))


def meta(event: dict[str, Any]) -> RequestMeta:
    """Where the request came from, for the audit trail (API Gateway's view, never client-sent headers)."""
    return RequestMeta(ip=source_ip(event), user_agent=user_agent(event), request_id=request_id(event))
