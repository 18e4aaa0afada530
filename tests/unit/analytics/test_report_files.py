"""Report files: CSV content (and formula neutralising), PDF bytes, chart set, month validation."""

from __future__ import annotations

import csv
import io

import pytest

from bidcraft.analytics.reports import csv_report, data, pdf
from bidcraft.errors import Unprocessable
from tests.unit.analytics.report_builders import report_data


def _tables(raw: bytes) -> list[list[list[str]]]:
    text = raw.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    tables: list[list[list[str]]] = [[]]
    for row in rows:
        if row:
            tables[-1].append(row)
        else:
            tables.append([])
    return tables


def test_csv_has_the_header_metrics_days_and_categories() -> None:
    # Given
    report = report_data()

    # When
    raw = csv_report.render(report)
    header, metric_rows, day_rows, category_rows = _tables(raw)

    # Then
    assert b"\r\n" in raw
    assert ["period", "2025-01"] in header
    assert metric_rows[0] == ["metric", "current", "previous", "change_pct", "direction"]
    by_name = {row[0]: row for row in metric_rows[1:]}
    assert by_name["proposals_sent"] == ["proposals_sent", "5", "4", "25.0", "up"]
    assert by_name["win_rate"] == ["win_rate", "0.2", "0.5", "-60.0", "down"]
    assert by_name["total_earnings"][1:3] == ["100.5", "0"]
    assert by_name["total_earnings"][3] == ""  # no percentage from zero
    assert day_rows[0] == ["date", "sent", "won", "earnings"]
    assert len(day_rows) == 1 + 31
    assert day_rows[2] == ["2025-01-02", "3", "1", "100.5"]
    assert category_rows == [["category", "sent", "won", "win_rate"], ["Web", "3", "1", "0.3333"]]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_neutralises_formulas_in_text(name: str) -> None:
    raw = csv_report.render(report_data({name: (1, 0)}))
    category_rows = _tables(raw)[3]
    assert category_rows[1][0] == "'" + name


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_NAMES = [
    "a;=cmd|' /C calc'!A0",  # de-DE / fr-FR Excel split unquoted cells on ';'
    "a,=cmd|' /C calc'!A0",
    " =1+1",
    "\u00a0=1+1",  # no-break space
    "\u2003\u3000+1",  # em space, ideographic space
    "\u200b@SUM(A1)",  # zero-width space
    "\r\n-2+3",
    '"quoted" =x',
]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_no_csv_cell_starts_a_formula_in_comma_or_semicolon_locales(name: str, delimiter: str) -> None:
    # Given a category name chosen by an attacker
    raw = csv_report.render(report_data({name: (1, 0)}))

    # When a spreadsheet app of either locale splits the file into cells
    text = raw.decode("utf-8").removeprefix("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]

    # Then no cell, leading whitespace of any kind aside, begins like a formula
    for cell in cells:
        if _is_number(cell):
            continue
        visible = cell.lstrip().lstrip("\u200b\u200c\u200d\u2060\ufeff")
        assert not visible.startswith(FORMULA_STARTS), (delimiter, cell)


def test_every_text_cell_is_quoted_and_numbers_are_not() -> None:
    raw = csv_report.render(report_data({"Web; Mobile": (3, 1)}))
    lines = raw.decode("utf-8").removeprefix("\ufeff").split("\r\n")
    assert '"category","sent","won","win_rate"' in lines
    assert '"Web; Mobile",3,1,0.3333' in lines
    assert '"period","2025-01"' in lines


def test_pdf_with_charts() -> None:
    report = report_data({"Développement web ✓": (3, 1)})  # outside Latin-1: drawn as '?'
    chart_list = data.report_charts(report)

    raw = pdf.render(report, chart_list)

    assert raw.startswith(b"%PDF-")
    assert raw.rstrip().endswith(b"%%EOF")
    assert [c.id for c in chart_list] == ["funnel", "daily_activity", "daily_earnings", "categories"]


def test_pdf_without_charts_is_smaller() -> None:
    report = report_data()
    assert len(pdf.render(report, [])) < len(pdf.render(report, data.report_charts(report)))


def test_latin1_replaces_what_the_core_fonts_cannot_draw() -> None:
    assert pdf.latin1("café — ✓") == "café ? ?"


@pytest.mark.parametrize(
    "period", ["2025-13", "2025-00", "25-01", "2025-1", "1969-12", "3000-01", "2025-01x"]
)
def test_bad_months_are_422(period: str) -> None:
    with pytest.raises(Unprocessable):
        data.month_range(period)


def test_month_range() -> None:
    assert [d.isoformat() for d in data.month_range("2024-02")] == ["2024-02-01", "2024-02-29"]


def test_report_title() -> None:
    assert report_data().title == "Monthly performance - January 2025"
