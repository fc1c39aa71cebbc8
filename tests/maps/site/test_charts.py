"""The inline SVG charts: accessible markup, bars and points in proportion to the values, the table behind each."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from maps.site.charts import column_chart, hbar_chart, stacked_column_chart

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


def test_stacked_columns_pile_the_parts_in_proportion_with_a_legend_and_every_value_in_the_table():
    chart = stacked_column_chart(
        ["2024", "2025"],
        [("Ledig nå", "#1a7a3a", [30.0, 10.0]), ("Solgt", "#555555", [10.0, None])],
        chart_id="c3",
        title="Ledig areal over tid",
        description="…",
        category="År",
        value_text=_text,
        axis_text=lambda v: f"{v:g}",
        extra=[("År med tilbud", ["4,0 år", "–"])],
    )
    svg = _svg(chart)
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Ledig areal over tid"
    bars = [r for r in svg.iter(f"{SVG}rect") if float(r.get("width")) > 14]  # not the legend's swatches
    assert [r.get("fill") for r in bars] == ["#1a7a3a", "#555555", "#1a7a3a"]  # 2025 has no sold part
    first, sold, second = (float(r.get("height")) for r in bars)
    assert first / sold == pytest.approx(3.0) and first / second == pytest.approx(3.0)
    assert float(bars[1].get("y")) + sold == pytest.approx(float(bars[0].get("y")))  # sold sits on available
    assert {"Ledig nå", "Solgt", "2024", "2025", "0", "50"} <= {t.text for t in svg.iter(f"{SVG}text")}  # top: 50
    assert chart.columns == ("År", "Ledig nå", "Solgt", "År med tilbud")
    assert chart.rows == (("2024", "30.0 daa", "10.0 daa", "4,0 år"), ("2025", "10.0 daa", "–", "–"))
    with pytest.raises(ValueError, match="one value per label"):
        stacked_column_chart(
            ["2024"], [("Solgt", "#555555", [1.0, 2.0])], chart_id="c4", title="t", description="d",
            category="År", value_text=_text, axis_text=str,
        )  # fmt: skip
