"""Charts as standalone SVG documents, written by hand (no plotting library, nothing fetched).

Every chart is one self-contained `<svg>` (SVG 1.1, `xmlns` set, explicit size and `viewBox`, a `<title>` for
screen readers) using only shapes and text: no scripts, no `<image>`, no links, no external fonts or style
sheets, so it can be inlined in a web page, saved as a file or embedded in the PDF report as is. All text is
XML-escaped; category names come from user data.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 320
_MARGIN_LEFT = 56
_MARGIN_RIGHT = 16
_MARGIN_TOP = 40
_MARGIN_BOTTOM = 56
_FONT = "Helvetica, Arial, sans-serif"
PALETTE = ("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d")
_AXIS = "#6b7280"
_GRID = "#e5e7eb"
_TEXT = "#111827"
_MAX_X_LABELS = 12
_MAX_LABEL_CHARS = 18


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Text safe as XML character data or a double-quoted attribute (characters XML forbids dropped)."""
    return html.escape(_NOT_XML.sub("", text), quote=True)


def quoteattr(text: str) -> str:
    return f'"{escape(text)}"'


@dataclass(frozen=True)
class Chart:
    id: str
    type: str
    title: str
    svg: str


def _num(value: float) -> str:
    """Coordinates: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_value(value: float) -> str:
    """Axis and bar labels: 1200 → 1.2k, 3.0 → 3, 0.25 → 0.25."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if magnitude >= 1_000:
        return f"{value / 1_000:.1f}".rstrip("0").rstrip(".") + "k"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL_CHARS else label[: _MAX_LABEL_CHARS - 3] + "..."


def nice_max(value: float, ticks: int = 4) -> float:
    """A round axis maximum ≥ value split into `ticks` round steps (1, 2, 2.5, 5 times 10^n, at least 1)."""
    if value <= 0 or not math.isfinite(value):
        return float(ticks)
    raw_step = value / ticks
    exponent = math.floor(math.log10(raw_step))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        step = max(1.0, factor * 10**exponent)
        if step * ticks >= value:
            return step * ticks
    return 10.0 ** (exponent + 1) * ticks  # pragma: no cover - the loop always returns


def _text(x: float, y: float, content: str, *, size: int = 11, anchor: str = "middle", **attrs: str) -> str:
    extra = "".join(f" {name.replace('_', '-')}={quoteattr(value)}" for name, value in attrs.items())
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-family={quoteattr(_FONT)} font-size="{size}" '
        f'fill="{_TEXT}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'
    )


def _document(title: str, body: list[str], *, width: int = WIDTH, height: int = HEIGHT) -> str:
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">',
            f"<title>{escape(title)}</title>",
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
            _text(width / 2, 22, title, size=14, font_weight="bold"),
            *body,
            "</svg>",
        ]
    )


def _legend(names: Sequence[str], y: float) -> list[str]:
    parts: list[str] = []
    x = float(_MARGIN_LEFT)
    for index, name in enumerate(names):
        color = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="10" height="10" fill="{color}"/>')
        parts.append(_text(x + 14, y, _short(name), size=11, anchor="start"))
        x += 24 + 7 * len(_short(name))
    return parts


def _axes(top: float) -> tuple[list[str], float, float, float]:
    """Grid, y axis labels; returns (elements, plot left, plot width, plot height)."""
    left = float(_MARGIN_LEFT)
    plot_width = WIDTH - _MARGIN_LEFT - _MARGIN_RIGHT
    plot_height = HEIGHT - _MARGIN_TOP - _MARGIN_BOTTOM
    parts: list[str] = []
    for step in range(5):
        value = top * step / 4
        y = _MARGIN_TOP + plot_height - plot_height * step / 4
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" y2="{_num(y)}" '
            f'stroke="{_GRID if step else _AXIS}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, format_value(value), size=10, anchor="end"))
    return parts, left, float(plot_width), float(plot_height)


def _x_labels(labels: Sequence[str], centers: Sequence[float]) -> list[str]:
    widest = max((len(_short(label)) for label in labels), default=1)
    room = (WIDTH - _MARGIN_LEFT - _MARGIN_RIGHT) / (widest * 6.5 + 8)  # labels that fit side by side
    every = max(1, math.ceil(len(labels) / max(1.0, min(room, _MAX_X_LABELS))))
    baseline = HEIGHT - _MARGIN_BOTTOM + 16
    return [
        _text(x, baseline, _short(label), size=10)
        for index, (label, x) in enumerate(zip(labels, centers, strict=True))
        if index % every == 0
    ]


def bar_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]]
) -> Chart:
    """Grouped vertical bars: one group per label, one bar per series."""
    names = list(series)
    top = nice_max(max((float(v) for values in series.values() for v in values), default=0.0))
    parts, left, plot_width, plot_height = _axes(top)
    slot = plot_width / max(1, len(labels))
    bar_width = max(1.0, slot * 0.8 / max(1, len(names)))
    centers: list[float] = []
    for index in range(len(labels)):
        group_left = left + slot * index + slot * 0.1
        centers.append(left + slot * index + slot / 2)
        for series_index, name in enumerate(names):
            value = float(series[name][index])
            height = plot_height * value / top
            x = group_left + bar_width * series_index
            y = _MARGIN_TOP + plot_height - height
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar_width)}" height="{_num(height)}" '
                f'fill="{PALETTE[series_index % len(PALETTE)]}"><title>{escape(labels[index])} '
                f"{escape(name)}: {escape(format_value(value))}</title></rect>"
            )
    parts.extend(_x_labels(labels, centers))
    if len(names) > 1:
        parts.extend(_legend(names, HEIGHT - 12))
    return Chart(id=chart_id, type="bar", title=title, svg=_document(title, parts))


def line_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]]
) -> Chart:
    """One polyline (with point markers) per series over the labels."""
    names = list(series)
    top = nice_max(max((float(v) for values in series.values() for v in values), default=0.0))
    parts, left, plot_width, plot_height = _axes(top)
    slot = plot_width / max(1, len(labels))
    centers = [left + slot * index + slot / 2 for index in range(len(labels))]
    for series_index, name in enumerate(names):
        color = PALETTE[series_index % len(PALETTE)]
        points = [
            (x, _MARGIN_TOP + plot_height - plot_height * float(v) / top)
            for x, v in zip(centers, series[name], strict=True)
        ]
        if points:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for (x, y), value in zip(points, series[name], strict=True):
            parts.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{color}">'
                f"<title>{escape(name)}: {escape(format_value(float(value)))}</title></circle>"
            )
    parts.extend(_x_labels(labels, centers))
    if len(names) > 1:
        parts.extend(_legend(names, HEIGHT - 12))
    return Chart(id=chart_id, type="line", title=title, svg=_document(title, parts))


def funnel_chart(chart_id: str, title: str, stages: Sequence[tuple[str, float]]) -> Chart:
    """Horizontal bars, widest first, each labelled with its count and share of the first stage."""
    first = float(stages[0][1]) if stages else 0.0
    widest = max((float(v) for _, v in stages), default=0.0) or 1.0
    label_width = 120.0
    plot_width = WIDTH - label_width - _MARGIN_RIGHT - 80
    row = (HEIGHT - _MARGIN_TOP - 16) / max(1, len(stages))
    parts: list[str] = []
    for index, (name, raw) in enumerate(stages):
        value = float(raw)
        width = plot_width * value / widest
        y = _MARGIN_TOP + row * index + row * 0.15
        height = row * 0.7
        x = label_width + (plot_width - width) / 2
        share = f" ({value / first * 100:.0f}%)" if first and index else ""
        parts.append(_text(label_width - 8, y + height / 2 + 4, _short(name), size=11, anchor="end"))
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{_num(height)}" '
            f'fill="{PALETTE[index % len(PALETTE)]}"/>'
        )
        caption = format_value(value) + share
        parts.append(_text(label_width + plot_width + 8, y + height / 2 + 4, caption, anchor="start"))
    return Chart(id=chart_id, type="funnel", title=title, svg=_document(title, parts))


_TITLE_ELEMENT = re.compile(r"<title>[^<]*</title>")


def without_titles(svg: str) -> str:
    """The chart without its `<title>` tooltips (the PDF renderer has no use for them)."""
    return _TITLE_ELEMENT.sub("", svg)
