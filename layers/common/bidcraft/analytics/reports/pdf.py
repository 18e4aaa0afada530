"""The report as PDF (fpdf2, imported here only: no other code path pays for it).

A4 portrait: title and period, the metrics table (this month, the month before, change), the top categories
and, when asked, the charts — the same standalone SVGs the API returns, drawn as vector graphics by fpdf2.
The PDF core fonts cover Latin-1 only and no font files ship with the function, so text outside Latin-1 (for
instance in category names) is shown as `?` rather than failing the report.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bidcraft.analytics.reports import charts
from bidcraft.analytics.reports.data import ReportData

if TYPE_CHECKING:
    from fpdf import FPDF

CONTENT_TYPE = "application/pdf"
_LABELS = {
    "proposals_sent": "Proposals sent",
    "proposals_viewed": "Proposals viewed",
    "interviews": "Interviews",
    "proposals_won": "Proposals won",
    "win_rate": "Win rate",
    "view_rate": "View rate",
    "interview_rate": "Interview rate",
    "total_earnings": "Earnings (USD)",
    "payments_count": "Payments",
    "average_rate": "Average hourly rate (USD)",
    "active_contracts": "Active contracts",
}
_RATES = frozenset({"win_rate", "view_rate", "interview_rate"})
_MONEY = frozenset({"total_earnings", "average_rate"})


def latin1(text: str) -> str:
    """Text the core fonts can draw: anything outside Latin-1 becomes `?`."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _value(name: str, value: float) -> str:
    if name in _RATES:
        return f"{value * 100:.1f}%"
    if name in _MONEY:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _change(change_pct: float | None, direction: str) -> str:
    if change_pct is None:
        return "new"
    arrow = {"up": "+", "down": "", "flat": ""}[direction]
    return f"{arrow}{change_pct:.1f}%"


def _table(pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.set_fill_color(229, 231, 235)
    for text, width in zip(header, widths, strict=True):
        pdf.cell(width, 7, latin1(text), border=1, fill=True, align="C")
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    for row in rows:
        for index, (text, width) in enumerate(zip(row, widths, strict=True)):
            pdf.cell(width, 6.5, latin1(text), border=1, align="L" if index == 0 else "R")
        pdf.ln()


def render(data: ReportData, chart_list: Sequence[charts.Chart]) -> bytes:
    from fpdf import FPDF  # heavy: imported on the report path only

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(latin1(data.title))
    pdf.set_author("Bidcraft")
    pdf.set_creator("Bidcraft")
    pdf.set_creation_date(data.generated_at)
    pdf.add_page()

    summary = data.summary
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.cell(0, 10, latin1(data.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.set_text_color(75, 85, 99)
    details = (
        f"User {data.user_id}  |  {summary.range.from_.isoformat()} to {summary.range.to.isoformat()}"
        f"  |  generated {data.generated_at.strftime('%Y-%m-%d %H:%M')} UTC"
    )
    pdf.cell(0, 6, latin1(details), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)

    pdf.set_font("Helvetica", style="B", size=13)
    pdf.cell(0, 8, "Summary", new_x="LMARGIN", new_y="NEXT")
    rows = [
        (
            _LABELS.get(name, name),
            _value(name, trend.current),
            _value(name, trend.previous),
            _change(trend.change_pct, trend.direction),
        )
        for name, trend in summary.trends.items()
    ]
    _table(pdf, ("Metric", "This month", "Previous month", "Change"), rows, (70, 40, 40, 30))

    if summary.top_categories:
        pdf.ln(4)
        pdf.set_font("Helvetica", style="B", size=13)
        pdf.cell(0, 8, "Top categories", new_x="LMARGIN", new_y="NEXT")
        category_rows = [
            (row.category, f"{row.sent:,}", f"{row.won:,}", f"{row.win_rate * 100:.1f}%")
            for row in summary.top_categories
        ]
        _table(pdf, ("Category", "Sent", "Won", "Win rate"), category_rows, (70, 40, 40, 30))

    for index, chart in enumerate(chart_list):
        if index % 2 == 0:
            pdf.add_page()
        svg = latin1(charts.without_titles(chart.svg)).encode("utf-8")
        pdf.image(io.BytesIO(svg), x=15, w=180)
        pdf.ln(6)

    return bytes(pdf.output())
