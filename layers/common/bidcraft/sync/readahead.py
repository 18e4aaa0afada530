"""Read Upwork ahead of the apply: one background thread pages through the parts of a sync while the caller
applies what came before.

A sync is Upwork-bound (~150 requests for 5,000 proposals at Upwork's 40 per page and 10 requests per second)
and DynamoDB-bound (~350 transactions); reading ahead overlaps the two instead of adding them. The parts are
read one after another, in the order the caller consumes them, so Upwork sees one request at a time as before.

Each part ends with exactly one marker: its end, or the exception that stopped it (raised in the caller's
thread at the same point, so the caller's per-part handling is unchanged). `close()` stops the reader early.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

DEPTH = 4000  # records held at most: enough to cover a page while a chunk is applied, bounded in memory
_PUT_WAIT = 0.25  # seconds between checks of `close()` while the queue is full


class _End:
    pass


@dataclass(frozen=True, slots=True)
class _Failed:
    error: Exception


_END = _End()


class ReadAhead:
    def __init__(self, parts: Sequence[Iterable[Any]], *, depth: int = DEPTH) -> None:
        self._parts = list(parts)
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump, name="upwork-read-ahead", daemon=True)

    def __enter__(self) -> ReadAhead:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading (the reader finishes its current request, then exits)."""
        self._stop.set()

    def finished(self, timeout: float) -> bool:
        """Whether the reader has exited, waiting up to `timeout` seconds for it."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_PUT_WAIT)
                return True
            except queue.Full:
                continue
        return False

    def _pump(self) -> None:
        for records in self._parts:
            try:
                for record in records:
                    if not self._put(record):
                        return
            except Exception as exc:  # deliberately broad: raised by the caller where the part stopped
                if not self._put(_Failed(exc)):
                    return
                continue
            if not self._put(_END):
                return

    def parts(self) -> list[Iterator[Any]]:
        """One iterator per part, to be consumed in order (each may be abandoned after an exception)."""
        return [self._part() for _ in self._parts]

    def _part(self) -> Iterator[Any]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
