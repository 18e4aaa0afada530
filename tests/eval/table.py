"""One row of the evaluation table: a figure, its target, and whether it meets it."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_OPS: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, "<=": operator.le}

MARK_BEGIN = "<!-- eval:begin -->"
MARK_END = "<!-- eval:end -->"


@dataclass(frozen=True)
class Row:
    part: str  # analysis, safety, prediction, …
    metric: str  # what is measured, in words
    value: float
    op: str  # ">=" or "<="
    target: float
    n: int  # how many labelled samples the figure stands on

    @property
    def passed(self) -> bool:
        return _OPS[self.op](self.value, self.target)


def render(rows: Iterable[Row]) -> str:
    """A Markdown table, one line per figure."""
    lines = ["| part | metric | value | target | n | ok |", "|---|---|---:|---:|---:|:-:|"]
    for row in rows:
        ok = "yes" if row.passed else "**NO**"
        lines.append(
            f"| {row.part} | {row.metric} | {row.value:.3f} | {row.op} {row.target:g} | {row.n} | {ok} |"
        )
    return "\n".join(lines)


def splice(document: str, table: str) -> str:
    """`document` with the text between the eval markers replaced by `table` (markers appended if absent)."""
    block = f"{MARK_BEGIN}\n{table}\n{MARK_END}"
    if MARK_BEGIN in document and MARK_END in document:
        head, _, rest = document.partition(MARK_BEGIN)
        _, _, tail = rest.partition(MARK_END)
        return f"{head}{block}{tail}"
    return f"{document.rstrip()}\n\n{block}\n"
