"""The report as CSV (RFC 4180, UTF-8 with BOM so spreadsheet apps pick the encoding, CRLF line ends).

Three tables, each with its own header row, separated by an empty line: the metrics (this month, the month
before, change), the days of the month, the top categories. Text cells that a spreadsheet would run as a
formula (`=`, `+`, `-`, `@`, tab, CR first) are prefixed with `'` (OWASP "CSV injection"): category names
come from user data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from bidcraft.analytics.reports.data import ReportData

CONTENT_TYPE = "text/csv; charset=utf-8"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Numbers as they are; text neutralised when a spreadsheet would evaluate it."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _rows(data: ReportData) -> Iterable[Sequence[object]]:
    summary = data.summary
    yield ("report", "monthly_performance")
    yield ("user_id", data.user_id)
    yield ("period", summary.period)
    yield ("from", summary.range.from_.isoformat())
    yield ("to", summary.range.to.isoformat())
    yield ()
    yield ("metric", "current", "previous", "change_pct", "direction")
    for name, trend in summary.trends.items():
        change = "" if trend.change_pct is None else trend.change_pct
        yield (name, getattr(summary.metrics, name), _number(trend.previous), change, trend.direction)
    yield ()
    yield ("date", "sent", "won", "earnings")
    for day in data.days:
        yield (day.date.isoformat(), day.sent, day.won, day.earnings)
    yield ()
    yield ("category", "sent", "won", "win_rate")
    for row in summary.top_categories:
        yield (row.category, row.sent, row.won, row.win_rate)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def render(data: ReportData) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _rows(data):
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
