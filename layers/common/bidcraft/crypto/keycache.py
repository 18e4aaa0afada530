"""A small, bounded, thread-safe in-memory cache of plaintext data keys (per Lambda container).

Two maps, both LRU-bounded and time-limited:
- encryption keys, one per (key id, user id, purpose): reused for at most `max_uses` seals and `ttl` seconds,
  so a burst of writes for one user costs one `GenerateDataKey`, and no data key ever serves two users or two
  purposes;
- decryption keys, keyed by the KMS-encrypted data key + key id + context: a read right after a write, or
  repeated reads of one record, cost no `Decrypt`.

Python cannot reliably wipe `bytes`; "dropping" a key means removing every reference to it (eviction, expiry,
`clear`). Key material is never logged: entries have no useful `repr`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

DEFAULT_TTL_SECONDS = 300.0
DEFAULT_MAX_USES = 100
DEFAULT_MAX_ENTRIES = 256


@dataclass(slots=True)
class DataKey:
    plaintext: bytes = field(repr=False)
    encrypted: bytes = field(repr=False)
    created: float
    uses: int = 0


class DataKeyCache:
    def __init__(
        self,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_uses: int = DEFAULT_MAX_USES,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_uses = max_uses
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._encrypt: OrderedDict[Hashable, DataKey] = OrderedDict()
        self._decrypt: OrderedDict[Hashable, DataKey] = OrderedDict()

    def _fresh(self, entry: DataKey, now: float) -> bool:
        return now - entry.created < self._ttl

    def _put(self, table: OrderedDict[Hashable, DataKey], key: Hashable, entry: DataKey) -> None:
        table[key] = entry
        table.move_to_end(key)
        while len(table) > self._max_entries:
            table.popitem(last=False)

    def take_for_encryption(self, context: Hashable) -> DataKey | None:
        """A cached data key for `context` with one use counted, or None (caller asks KMS for a new one)."""
        now = self._clock()
        with self._lock:
            entry = self._encrypt.get(context)
            if entry is None:
                return None
            if not self._fresh(entry, now) or entry.uses >= self._max_uses:
                del self._encrypt[context]
                return None
            entry.uses += 1
            self._encrypt.move_to_end(context)
            return entry

    def add_for_encryption(self, context: Hashable, plaintext: bytes, encrypted: bytes) -> DataKey:
        """Cache a new data key for `context` (counting the use the caller is about to make)."""
        entry = DataKey(plaintext=plaintext, encrypted=encrypted, created=self._clock(), uses=1)
        with self._lock:
            self._put(self._encrypt, context, entry)
            # The data key just generated also decrypts what it seals: no Decrypt call for a read-after-write.
            self._put(self._decrypt, (encrypted, context), DataKey(plaintext, encrypted, entry.created))
        return entry

    def get_for_decryption(self, encrypted: bytes, context: Hashable) -> bytes | None:
        now = self._clock()
        with self._lock:
            key = (encrypted, context)
            entry = self._decrypt.get(key)
            if entry is None:
                return None
            if not self._fresh(entry, now):
                del self._decrypt[key]
                return None
            self._decrypt.move_to_end(key)
            return entry.plaintext

    def add_for_decryption(self, encrypted: bytes, context: Hashable, plaintext: bytes) -> None:
        with self._lock:
            self._put(self._decrypt, (encrypted, context), DataKey(plaintext, encrypted, self._clock()))

    def clear(self) -> None:
        with self._lock:
            self._encrypt.clear()
            self._decrypt.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._encrypt) + len(self._decrypt)
