"""`LazyPattern`: a regular expression compiled on its first use, for patterns that only some texts need.

Compiling a large Unicode or case-insensitive alternation costs milliseconds of pure-Python work (`re`'s
parser and compiler), and a module's patterns are compiled when it is imported, i.e. by every cold start. A
pattern that only runs behind a cheap gate (the output check's e-mail pattern after an `@`, a timeline's once
a timeline was given) or only in one analysis is declared lazy, so a container whose requests never reach it
never compiles it. A pattern that every request runs is compiled at import like any other: deferring it would
only move the cost into the first request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any


class LazyPattern:
    """A regular expression compiled on first use (then exactly `re.compile(source, flags)`)."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int | re.RegexFlag = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def search(self, string: str) -> re.Match[str] | None:
        return self.compiled.search(string)

    def match(self, string: str) -> re.Match[str] | None:
        return self.compiled.match(string)

    def fullmatch(self, string: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(string)

    def findall(self, string: str) -> list[Any]:
        return self.compiled.findall(string)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string)

    def split(self, string: str) -> list[str]:
        return self.compiled.split(string)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str) -> str:
        return self.compiled.sub(repl, string)

    def subn(self, repl: str | Callable[[re.Match[str]], str], string: str) -> tuple[str, int]:
        return self.compiled.subn(repl, string)
