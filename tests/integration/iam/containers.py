"""One warm "container" per function for the in-process caches that save AWS calls.

In Lambda every function has its own containers, so each one reads its secrets, asks KMS for its data keys and
looks up its users itself — and needs the IAM permissions for it. In the test process all handlers share the
layer's module-level caches, so a secret read by AuthFunction would be served from cache to AiFunction and
AiFunction's `secretsmanager:GetSecretValue` would never be observed. These patches key those caches by the
function being invoked (outside invocations: one shared scope), which is what Lambda does; `clear()` still
clears everything, so the suite's own cache resets keep working.

Scoped caches: `bidcraft.secrets._cache` (secret values), `bidcraft.crypto.envelope._cache()` (KMS data keys),
`bidcraft.events.users._cache` (Upwork id → user). `install` returns notes for caches it could not scope.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Hashable
from typing import Any

import pytest

from tests.integration.iam.recorder import current_function


class FunctionScopedDict(dict[Any, Any]):
    """A dict whose keys are silently prefixed with the current function (the parts of the dict API that
    module-level caches use: get, [], in, del, pop; len and clear see every function's entries)."""

    @staticmethod
    def _scoped(key: Hashable) -> tuple[str | None, Hashable]:
        return (current_function(), key)

    def get(self, key: Hashable, default: Any = None) -> Any:
        return super().get(self._scoped(key), default)

    def __getitem__(self, key: Hashable) -> Any:
        return super().__getitem__(self._scoped(key))

    def __setitem__(self, key: Hashable, value: Any) -> None:
        super().__setitem__(self._scoped(key), value)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(self._scoped(key))

    def __delitem__(self, key: Hashable) -> None:
        super().__delitem__(self._scoped(key))

    def pop(self, key: Hashable, *default: Any) -> Any:
        return super().pop(self._scoped(key), *default)


class FunctionScopedKeyCache:
    """Stands in for envelope's single `DataKeyCache`: one real cache per function."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._caches: dict[str | None, Any] = {}
        self._lock = threading.Lock()

    def _current(self) -> Any:
        scope = current_function()
        with self._lock:
            if scope not in self._caches:
                self._caches[scope] = self._factory()
            return self._caches[scope]

    def clear(self) -> None:
        with self._lock:
            caches = list(self._caches.values())
        for cache in caches:
            cache.clear()

    def __len__(self) -> int:
        with self._lock:
            return sum(len(cache) for cache in self._caches.values())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current(), name)


def install(patch: pytest.MonkeyPatch) -> list[str]:
    notes: list[str] = []
    for module_name in ("bidcraft.secrets", "bidcraft.events.users"):
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            notes.append(f"{module_name}: not importable ({exc}); its cache is shared by every function")
            continue
        if not isinstance(getattr(module, "_cache", None), dict):
            notes.append(
                f"{module_name}._cache is not a dict any more: its cache is shared by every function"
            )
            continue
        patch.setattr(module, "_cache", FunctionScopedDict())
    try:
        envelope = importlib.import_module("bidcraft.crypto.envelope")
        from bidcraft.crypto.keycache import DataKeyCache
    except ImportError as exc:
        notes.append(f"bidcraft.crypto.envelope: not importable ({exc})")
        return notes
    if not callable(getattr(envelope, "_cache", None)):
        notes.append("bidcraft.crypto.envelope._cache() is gone: data keys are shared by every function")
        return notes
    scoped = FunctionScopedKeyCache(DataKeyCache)

    def cache() -> FunctionScopedKeyCache:
        return scoped

    cache.cache_clear = scoped.clear  # type: ignore[attr-defined]
    patch.setattr(envelope, "_cache", cache)
    return notes
