"""Domain errors: every failure the service reports to a client is one of these.

Domain code raises them; `bidcraft.http.problems` turns them into RFC 9457 problem documents in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

PROBLEM_BASE = "https://bidcraft.dev/problems/"  # + slug: the `type` of a problem document (RFC 9457)


class DomainError(Exception):
    """A failure with a stable problem type, an HTTP status and a client-safe detail."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        slug: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        self.detail = detail or self.title
        if slug:
            self.slug = slug  # type: ignore[misc]
        if title:
            self.title = title  # type: ignore[misc]
        self.headers: dict[str, str] = dict(headers or {})
        self.errors = [dict(e) for e in errors] if errors else None
        super().__init__(self.detail)


class BadRequest(DomainError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str | None = None, *, token_sent: bool = False, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        challenge = 'Bearer error="invalid_token"' if token_sent else "Bearer"
        self.headers.setdefault("WWW-Authenticate", challenge)


class InvalidSignature(DomainError):
    """401 for a bad webhook signature: no bearer challenge, the receiver is not a bearer route."""

    status, slug, title = 401, "invalid-signature", "Invalid signature"


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(DomainError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"

    def __init__(self, detail: str | None = None, *, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers["Allow"] = ", ".join(sorted(set(allowed)))


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(DomainError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(DomainError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class Unprocessable(DomainError):
    status, slug, title = 422, "validation-error", "Validation failed"


class Locked(DomainError):
    status, slug, title = 423, "account-locked", "Account temporarily locked"

    def __init__(self, detail: str | None = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.retry_after = max(1, int(retry_after))
        self.headers["Retry-After"] = str(self.retry_after)


class RateLimited(DomainError):
    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(
        self, detail: str | None = None, *, retry_after: int, limit: int, reset: int, **kwargs: Any
    ) -> None:
        super().__init__(detail, **kwargs)
        self.retry_after = max(1, int(retry_after))
        self.headers.update(
            {
                "Retry-After": str(self.retry_after),
                "RateLimit-Limit": str(limit),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(max(0, int(reset))),
            }
        )


class UpstreamError(DomainError):
    status, slug, title = 502, "upstream-error", "Upstream service failed"


class UpstreamThrottled(DomainError):
    status, slug, title = 503, "upstream-throttled", "Upstream service is throttling us"

    def __init__(self, detail: str | None = None, *, retry_after: int = 30, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.retry_after = max(1, int(retry_after))
        self.headers["Retry-After"] = str(self.retry_after)


class ServiceUnavailable(DomainError):
    """A dependency of ours (KMS, DynamoDB) failed: fail closed, let the client retry."""

    status, slug, title = 503, "service-unavailable", "Service temporarily unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int = 5, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers["Retry-After"] = str(max(1, int(retry_after)))


class ConfigurationError(DomainError):
    """The function is deployed without a setting it needs: an operator's problem, never the client's."""

    status, slug, title = 500, "misconfigured", "Service misconfigured"
