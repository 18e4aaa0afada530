"""Fixed-window rate limits per operation class, counted atomically in DynamoDB.

One `UpdateItem` per request: `ADD c 1` conditioned on `c < limit`, so two callers at `limit - 1` cannot both
pass (no read-then-write). The window start is part of the key, so correctness never waits for TTL deletion.
Limits come from `RATE_LIMIT_<CLASS>` (requests per minute), as API.md says.

When DynamoDB refuses the count: a missing table or a denied permission is a misconfiguration — 500, an error
log line and the `Misconfiguration` metric (`bidcraft.misconfiguration`) — because it would let every request
through forever. Throttling or an outage fails *open*, loudly (an error line and the `RateLimiterFailedOpen`
metric): the limiter guards capacity and must not take the API down with it (docs/analytics.md).

The counter is the `RateWindow` model of `bidcraft.tables.users`. Every function that limits requests has
bearer routes, so it loads that table's models with the function anyway (the session check,
`http.guard.load_verifier`): importing it here costs nothing more. `hit` calls the model's PynamoDB
connection (`update_item`) because it needs `UPDATED_NEW` and must not load a partial item into a model.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from bidcraft import aws, clock, config, misconfiguration
from bidcraft.errors import RateLimited, ServiceUnavailable
from bidcraft.tables.base import STORAGE_ERRORS
from bidcraft.tables.users import RateWindow

WINDOW_SECONDS = 60
AI_OPERATIONS = "ai_operations"
AUTH = "auth"
API = "api"
CLASSES = (AI_OPERATIONS, AUTH, API)
COMPONENT = "rate_limiter"
FAILED_OPEN_METRIC = "RateLimiterFailedOpen"

logger = logging.getLogger(__name__)


class RateLimitSettings(config.BaseSettings):
    rate_limit_ai_operations: int = 30
    rate_limit_auth: int = 60
    rate_limit_api: int = 600


class RateState(NamedTuple):  # immutable; cheaper to define than a frozen dataclass (every cold start)
    limit: int
    remaining: int
    reset: int  # seconds until the window resets

    @property
    def exceeded(self) -> bool:
        return self.remaining <= 0

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(0, self.remaining)),
            "RateLimit-Reset": str(self.reset),
        }


def limit_for(op_class: str) -> int:
    settings = config.load(RateLimitSettings)
    return int(getattr(settings, f"rate_limit_{op_class}"))


def _window(now_epoch: int) -> tuple[int, int]:
    start = now_epoch - now_epoch % WINDOW_SECONDS
    return start, start + WINDOW_SECONDS - now_epoch


def hit(op_class: str, subject: str, *, now_epoch: int | None = None) -> RateState:
    """Count one request of `subject` (a user id or client IP) against `op_class`; 429 when over."""
    limit = limit_for(op_class)
    now_epoch = clock.epoch(clock.now()) if now_epoch is None else now_epoch
    start, reset = _window(now_epoch)
    try:
        result: dict[str, Any] = RateWindow._get_connection().update_item(
            *RateWindow.key(op_class, subject, start),
            actions=[RateWindow.c.add(1), RateWindow.expires_at.set(start + 2 * WINDOW_SECONDS)],
            condition=RateWindow.c.does_not_exist() | (RateWindow.c < limit),
            return_values="UPDATED_NEW",
        )
    except STORAGE_ERRORS as exc:
        if aws.error_code(exc) == "ConditionalCheckFailedException":
            raise RateLimited(
                f"Rate limit for {op_class} exceeded; retry in {reset} s",
                retry_after=reset,
                limit=limit,
                reset=reset,
            ) from exc
        if misconfiguration.is_misconfiguration(exc):  # no table, or the role may not write it: fail closed
            raise misconfiguration.report(COMPONENT, exc) from exc
        # Throttled or unavailable: the limiter protects capacity, it must not take the API down with it.
        # Fail open, loudly (an error line and a metric).
        _failed_open(op_class, exc)
        return RateState(limit=limit, remaining=limit, reset=reset)
    used = int(result["Attributes"]["c"]["N"])
    return RateState(limit=limit, remaining=limit - used, reset=reset)


def _failed_open(op_class: str, exc: Exception) -> None:
    code = aws.error_code(exc) or type(exc).__name__
    logger.error("rate limiter failed open", extra={"op_class": op_class, "error": code})
    misconfiguration.meter(COMPONENT, metric=FAILED_OPEN_METRIC)


def peek(op_class: str, subject: str, *, now_epoch: int | None = None) -> RateState:
    """The current window's state without counting a request (for `GET /api/security/rate-limits`)."""
    limit = limit_for(op_class)
    now_epoch = clock.epoch(clock.now()) if now_epoch is None else now_epoch
    start, reset = _window(now_epoch)
    try:
        item = RateWindow.get(*RateWindow.key(op_class, subject, start), consistent_read=True)
    except RateWindow.DoesNotExist:
        item = None
    except STORAGE_ERRORS as exc:
        if misconfiguration.is_misconfiguration(exc):
            raise misconfiguration.report(COMPONENT, exc) from exc
        raise ServiceUnavailable("Rate limits cannot be read right now") from exc
    used = int(item.c or 0) if item is not None else 0
    return RateState(limit=limit, remaining=max(0, limit - used), reset=reset)
