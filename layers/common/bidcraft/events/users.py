"""Which Bidcraft user an Upwork freelancer id belongs to (the users table's `UPWORK#<id>` mapping).

A found mapping never changes (one user per Upwork account), so it is cached per container for a while;
"not found" is never cached: the freelancer may sign up any moment.
"""

from __future__ import annotations

import threading
import time

_TTL_SECONDS = 600.0
_MAX_ENTRIES = 10_000
_lock = threading.Lock()
_cache: dict[str, tuple[float, str]] = {}


def user_for_freelancer(freelancer_id: str) -> str | None:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(freelancer_id)
        if hit and now - hit[0] < _TTL_SECONDS:
            return hit[1]
    from bidcraft.users import store  # the auth domain owns the users table

    user_id = store.find_by_upwork_id(freelancer_id)
    if user_id is not None:
        with _lock:
            if len(_cache) >= _MAX_ENTRIES:
                _cache.clear()
            _cache[freelancer_id] = (now, user_id)
    return user_id


def reset() -> None:
    with _lock:
        _cache.clear()
