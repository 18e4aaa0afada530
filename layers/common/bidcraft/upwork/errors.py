"""Upwork failures as domain errors: the problem handler turns them into 502/503 (or 400 for a bad grant).

`detail` is client-safe: it never carries tokens, codes or client secrets — only Upwork's own error text.
"""

from __future__ import annotations

from typing import Any

from bidcraft.errors import UpstreamError, UpstreamThrottled


class UpworkError(UpstreamError):
    """Upwork failed or answered something we cannot use (502). `code` is Upwork's error code, if any."""

    slug, title = "upwork-error", "Upwork request failed"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        upstream_status: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(detail, **kwargs)
        self.code = code
        self.upstream_status = upstream_status


class UpworkAuthError(UpworkError):
    """Upwork rejected a token or our client credentials (401/403, `UNAUTHENTICATED`, `invalid_client`)."""

    slug, title = "upwork-auth-failed", "Upwork rejected the authorization"


class UpworkPermissionError(UpworkError):
    """Upwork refused one read (`FORBIDDEN`, `PERMISSION_DENIED`): typically a scope the API key lacks. The
    token itself is fine, so other reads go on."""

    slug, title = "upwork-permission-denied", "Upwork did not allow this read"


class UpworkGrantError(UpworkAuthError):
    """`invalid_grant`: the code or refresh token is unknown, expired, used or revoked: sign in again."""

    status, slug, title = 400, "invalid-grant", "Upwork authorization is invalid or expired"


class UpworkRateLimited(UpstreamThrottled, UpworkError):
    """Upwork kept answering 429 after our retries (503 with `Retry-After`)."""

    slug, title = "upwork-throttled", "Upwork is rate limiting us"


class UpworkNotFound(UpworkError):
    """Upwork has no such object (a job posting that was removed or never existed): 404."""

    status, slug, title = 404, "upwork-not-found", "Not found on Upwork"
