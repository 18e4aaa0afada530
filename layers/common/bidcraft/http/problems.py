"""RFC 9457 problem documents: the one place where errors become HTTP responses."""

from __future__ import annotations

import json
from typing import Any

from bidcraft.errors import PROBLEM_BASE, DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def document(error: DomainError, request_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "request_id": request_id,
    }
    if error.errors:
        body["errors"] = error.errors
    return body


def proxy_response(error: DomainError, request_id: str) -> dict[str, Any]:
    """A payload-2.0 Lambda proxy response for errors raised before the resolver runs."""
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": PROBLEM_CONTENT_TYPE, **error.headers},
        "body": json.dumps(document(error, request_id)),
        "isBase64Encoded": False,
    }


def validation_errors(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic errors → `[{"loc": [...], "msg": str}]`, without echoing input values or internals."""
    return [
        {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "invalid"))} for err in raw
    ]
