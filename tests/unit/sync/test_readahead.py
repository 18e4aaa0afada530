"""ReadAhead: parts arrive in order, a part's failure is raised where it stopped, close() stops the reader."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from bidcraft.sync.readahead import ReadAhead


def _failing_after(count: int, error: Exception) -> Iterator[int]:
    yield from range(count)
    raise error


def test_parts_arrive_whole_and_in_order() -> None:
    with ReadAhead([range(3), iter(()), ["a", "b"]], depth=2) as reading:
        first, second, third = reading.parts()

        assert list(first) == [0, 1, 2]
        assert list(second) == []
        assert list(third) == ["a", "b"]


def test_a_failed_part_raises_where_it_stopped_and_the_next_part_still_comes() -> None:
    boom = RuntimeError("refused")
    with ReadAhead([_failing_after(2, boom), ["after"]]) as reading:
        failing, following = reading.parts()
        seen: list[int] = []
        with pytest.raises(RuntimeError) as caught:
            seen.extend(failing)

        assert seen == [0, 1]
        assert caught.value is boom
        assert list(following) == ["after"]


def test_close_stops_a_reader_that_would_never_end() -> None:
    produced = itertools.count()
    reading = ReadAhead([produced], depth=5)
    with reading:
        [endless] = reading.parts()
        assert list(itertools.islice(endless, 3)) == [0, 1, 2]

    assert reading.finished(timeout=2)
    assert next(produced) < 20  # it stopped at the bounded queue, not after reading on and on


def test_the_reader_runs_ahead_of_the_consumer() -> None:
    reading = ReadAhead([range(10)], depth=100)
    with reading:
        assert reading.finished(timeout=2)  # everything was read before anything was consumed
        [part] = reading.parts()
        assert list(part) == list(range(10))
