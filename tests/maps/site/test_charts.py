"""The inline SVG charts: accessible markup, bars and points in proportion to the values, the table behind each."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from maps.site.charts import column_chart, hbar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _svg(chart):
    return ET.fromstring(str(chart.svg))


def _text(v):
    return "–" if v is None else f"{v:.1f} daa"


def test_bars_are_an_image_named_by_title_and_desc_with_widths_in_proportion():
    chart = hbar_chart(
        ["Ledig", "Solgt", "Låst"],
        [100.0, 250.0, None],
        chart_id="c1",
        title="Dekar etter status",
        description="Ledig: 100 daa; Solgt: 250 daa",
        columns=("Status", "Dekar"),
        value_text=_text,
    )
    svg = _svg(chart)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Dekar etter status" and svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}desc").text.startswith("Ledig: 100 daa") and svg.find(f"{SVG}desc").get("id") == "c1-desc"
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[2] == 0.0  # unknown: no bar
    assert widths[1] / widths[0] == pytest.approx(2.5)
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Låst" in labels and "250.0 daa" in labels and "–" in labels
    assert chart.rows == (("Ledig", "100.0 daa"), ("Solgt", "250.0 daa"), ("Låst", "–"))
    assert chart.columns == ("Status", "Dekar")


def test_columns_and_line_put_each_value_at_its_height():
    values = [10.0, 40.0, 20.0]
    kwargs = dict(
        chart_id="c2",
        title="Opptak per år",
        description="…",
        columns=("År", "Dekar"),
        value_text=_text,
        axis_text=lambda v: f"{v:g}",
    )
    bars = _svg(column_chart(["2020", "2021", "2022"], values, **kwargs))
    heights = [float(r.get("height")) for r in bars.iter(f"{SVG}rect")]
    assert heights[1] / heights[0] == pytest.approx(4.0) and heights[2] / heights[0] == pytest.approx(2.0)
    assert {"2020", "2021", "2022", "0", "50"} <= {t.text for t in bars.iter(f"{SVG}text")}  # nice top: 50
    line = _svg(column_chart(["2020", "2021", "2022"], values, **{**kwargs, "line": True}))
    assert len(list(line.iter(f"{SVG}circle"))) == 3 and line.find(f"{SVG}polyline") is not None


def test_text_is_escaped_and_lengths_must_match():
    chart = hbar_chart(
        ["<b>&"], [1.0], chart_id="x", title="a<b", description="d&", columns=("a", "b"), value_text=_text
    )
    ET.fromstring(str(chart.svg))  # well-formed: the markup characters were escaped
    assert "<b>&" not in str(chart.svg)
    with pytest.raises(ValueError, match="2 labels but 1 values"):
        hbar_chart(["a", "b"], [1.0], chart_id="x", title="t", description="d", columns=("a", "b"), value_text=_text)
