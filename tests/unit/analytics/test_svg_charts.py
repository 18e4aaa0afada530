"""Charts are standalone SVG: well-formed XML, the SVG namespace, a size, and no external references."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # parses only SVG these tests generated

import pytest

from bidcraft.analytics.reports import charts

SVG_NS = "{http://www.w3.org/2000/svg}"
FORBIDDEN_TAGS = {"script", "image", "foreignObject", "use", "style", "a", "iframe", "link"}


def _all_charts() -> list[charts.Chart]:
    hostile = '<script>alert("x")</script> & "quotes" ]]> \x01\x0b control'
    return [
        charts.bar_chart(
            "bars", "Bars & <stuff>", [hostile, "b", "c"], {"sent": [3, 0, 7], "won": [1, 0, 2]}
        ),
        charts.bar_chart("empty", "Nothing yet", [], {}),
        charts.line_chart("line", "Earnings", ["2025-01", "2025-02"], {"earnings": [1250.5, 0]}),
        charts.line_chart("flat", "All zero", ["a", "b", "c"], {"x": [0, 0, 0]}),
        charts.funnel_chart("funnel", "Funnel", [("Sent", 40), ("Viewed", 20), ("Won", 0)]),
        charts.funnel_chart("no-funnel", "Empty funnel", []),
        charts.bar_chart("days", "31 days", [str(d) for d in range(1, 32)], {"sent": list(range(31))}),
    ]


@pytest.mark.parametrize("chart", _all_charts(), ids=lambda c: c.id)
def test_chart_is_a_standalone_svg_document(chart: charts.Chart) -> None:
    # When
    root = ET.fromstring(chart.svg)  # noqa: S314 - our own output, no entities, no DTD

    # Then: an SVG root with an explicit size and viewBox, and a title
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("width")
    assert root.get("height")
    assert root.get("viewBox")
    assert root.find(f"{SVG_NS}title") is not None
    # and nothing that loads or runs anything
    for element in root.iter():
        assert element.tag.removeprefix(SVG_NS) not in FORBIDDEN_TAGS
        for name, value in element.attrib.items():
            assert "href" not in name
            assert not name.startswith("on")
            assert "url(" not in value
            assert "http" not in value or name == "xmlns"
    assert "<!DOCTYPE" not in chart.svg
    assert "<!ENTITY" not in chart.svg


def test_text_from_user_data_is_escaped_not_interpreted() -> None:
    # Given a category name that is markup
    chart = charts.bar_chart("c", "t", ["<script>x</script>"], {"sent": [1]})

    # When it is parsed
    root = ET.fromstring(chart.svg)  # noqa: S314 - our own output

    # Then it is text, not an element
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert "&lt;script&gt;" in chart.svg


def test_bars_scale_to_a_round_axis_maximum() -> None:
    chart = charts.bar_chart("c", "t", ["a", "b"], {"sent": [4, 2]})
    root = ET.fromstring(chart.svg)  # noqa: S314 - our own output
    bars = [e for e in root.iter(f"{SVG_NS}rect") if e.find(f"{SVG_NS}title") is not None]
    heights = [float(bar.get("height", "0")) for bar in bars]
    assert heights[0] == pytest.approx(2 * heights[1])


@pytest.mark.parametrize(
    ("value", "top"), [(0, 4), (3, 4), (4, 4), (5, 8), (13, 20), (99, 100), (1250.5, 2000), (4000, 4000)]
)
def test_nice_max(value: float, top: float) -> None:
    assert charts.nice_max(value) == top


@pytest.mark.parametrize(
    ("value", "text"), [(3, "3"), (3.0, "3"), (0.25, "0.25"), (1200, "1.2k"), (2_500_000, "2.5M")]
)
def test_format_value(value: float, text: str) -> None:
    assert charts.format_value(value) == text


def test_titles_can_be_dropped_for_the_pdf_renderer() -> None:
    chart = charts.funnel_chart("f", "Funnel", [("Sent", 1)])
    assert "<title>" not in charts.without_titles(chart.svg)
    ET.fromstring(charts.without_titles(chart.svg))  # noqa: S314 - still well-formed
