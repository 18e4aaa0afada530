"""The HTTP client and the retry policy shared by the OAuth and GraphQL clients."""

from __future__ import annotations

import email.utils
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx2

from bidcraft.upwork.errors import UpworkError, UpworkRateLimited

logger = logging.getLogger(__name__)

USER_AGENT = "bidcraft/0.1 (+https://bidcraft.dev)"


def make_client(
    timeout: float = 10.0,
    transport: httpx2.BaseTransport | None = None,
    *,
    before_request: Callable[[httpx2.Request], None] | None = None,
) -> httpx2.Client:
    """An httpx2 client for Upwork: JSON, no redirects followed, no proxy settings from the environment.

    `before_request` runs before every request sent, retries included: the deployed clients pass
    `bidcraft.upwork.budget.before_request`, the service-wide Upwork call budget. Caching one per container
    is the caller's business (`functools.cache` around a getter).
    """
    return httpx2.Client(
        event_hooks={"request": [before_request]} if before_request is not None else None,
        timeout=httpx2.Timeout(timeout, connect=min(timeout, 5.0)),
        transport=transport,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=False,
        trust_env=False,
    )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most `max_tries` attempts on 429/5xx; waits `Retry-After` (up to `max_delay`) or backs off."""

    max_tries: int = 3
    base_delay: float = 0.5
    max_delay: float = 5.0

    def backoff(self, attempt: int) -> float:
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)


def retry_after(response: httpx2.Response) -> float | None:
    """`Retry-After` in seconds (delta-seconds or an HTTP date), None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _retryable(response: httpx2.Response) -> bool:
    return response.status_code == 429 or response.status_code >= 500


def send(
    request: Callable[[], httpx2.Response],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    what: str,
    retry_transport_errors: bool,
) -> httpx2.Response:
    """Run `request` with bounded retries; the last response is returned as is (the caller maps it)."""
    for attempt in range(1, policy.max_tries + 1):
        last = attempt == policy.max_tries
        try:
            response = request()
        except httpx2.TransportError as exc:
            if last or not retry_transport_errors:
                raise UpworkError(f"Upwork is unreachable ({what})") from exc
            logger.warning("upwork %s: %s, retrying", what, type(exc).__name__)
            sleep(policy.backoff(attempt))
            continue
        if last or not _retryable(response):
            return response
        wait = retry_after(response)
        if wait is not None and wait > policy.max_delay:
            return response  # asks for longer than we may wait: give up now, the caller reports Retry-After
        logger.info("upwork %s: HTTP %s, retry %d", what, response.status_code, attempt)
        sleep(policy.backoff(attempt) if wait is None else wait)
    raise AssertionError("unreachable")  # pragma: no cover


def raise_for_throttling(response: httpx2.Response, what: str) -> None:
    """429 → `UpworkRateLimited`, 5xx → `UpworkError`: the outcomes that are the same for every endpoint."""
    if response.status_code == 429:
        wait = retry_after(response)
        raise UpworkRateLimited(
            f"Upwork rate limit reached ({what})",
            retry_after=max(1, math.ceil(wait if wait is not None else 1)),
            upstream_status=429,
        )
    if response.status_code >= 500:
        raise UpworkError(
            f"Upwork failed with HTTP {response.status_code} ({what})", upstream_status=response.status_code
        )
