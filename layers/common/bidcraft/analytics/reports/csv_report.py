"""The report as CSV (RFC 4180, UTF-8 with BOM so spreadsheet apps pick the encoding, CRLF line ends).

Three tables, each with its own header row, separated by an empty line: the metrics (this month, the month
before, change), the days of the month, the top categories. Category names come from user data, so against
CSV (formula) injection (OWASP "CSV Injection"):
- every text cell is quoted (numbers are not), so a `;` or `,` inside one never splits it, whichever list
  separator the reader's locale uses (de-DE and fr-FR Excel split on `;`);
- a text cell whose first visible character is `=`, `+`, `-`, `@`, tab or CR — after any leading whitespace
  (Unicode spaces such as NBSP included) and invisible format characters (zero-width space, BOM) — is
  prefixed with `'`, which spreadsheet apps show as text and never evaluate.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

from bidcraft.analytics.reports.data import ReportData

CONTENT_TYPE = "text/csv; charset=utf-8"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _invisible(char: str) -> bool:
    """Whitespace of any kind (NBSP, em space, ...) or a format character (zero-width space, BOM)."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def safe_cell(value: object) -> object:
    """Numbers as they are; text neutralised when a spreadsheet would evaluate it."""
    if not isinstance(value, str):
        return value
    first = next((char for char in value if not _invisible(char)), "")
    if value.startswith(_FORMULA_STARTS) or first.startswith(_FORMULA_STARTS):
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
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    for row in _rows(data):
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
