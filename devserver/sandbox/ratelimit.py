"""Sliding one-second window per source IP, as Upwork documents for its API (10 requests per second).

Deterministic with an injected clock: a request at time `t` is admitted when fewer than `limit` admitted
requests of the same IP lie in `(t - window, t]`. Rejected requests are not counted, so a client that waits
`Retry-After` always gets through.
"""

from __future__ import annotations

import threading
from collections import deque


class SlidingWindowLimiter:
    def __init__(self, limit: int = 10, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float) -> bool:
        """Record a request of `key` at `now` (seconds) if it is within the limit; False when it is not."""
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle keys so the map cannot grow without bound
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
            return True
