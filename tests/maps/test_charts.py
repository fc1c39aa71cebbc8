"""Price charts: built without a GUI, saved as PNG and SVG, labelled with what of their data is synthetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from landreg.prices import (
    MixedPriceBasisError,
    build_price_observations,
    build_price_surface,
    compare_with_benchmarks,
    price_index,
)
from landreg.provenance import summarize_synthetic
from maps.charts import (
    chart_benchmarks,
    chart_cited_prices,
    chart_price_by_municipality,
    chart_price_index,
    chart_price_surface,
    save_chart,
)
from tests.landreg.prices.conftest import make_history, make_plots


@pytest.fixture
def observations():
    plots = make_plots([("p1", 100, "A", "industry"), ("p2", 200, "A", "industry"), ("p3", 300, "B", "office")])
    rows = []
    for year in (2020, 2021, 2022):
        for pid, price in (("p1", 1000.0), ("p2", 2000.0), ("p3", 400.0)):
            rows.append((pid, f"{year}-06-01", "asking", price * (1.05 ** (year - 2020)), "serviced", True))
    rows.append(("p1", "2022-06-01", "asking", 500.0, "raw", False))
    return build_price_observations(plots, make_history(rows)).assign(source="synthetic")


#: What a chart of invented prices says (counted from observations marked synthetic).
SYNTHETIC = summarize_synthetic(price_observations=pd.DataFrame({"source": ["synthetic"] * 3}))


def _check(fig, tmp_path, name):
    files = save_chart(fig, tmp_path / name)
    assert [f.suffix for f in files] == [".png", ".svg"]
    assert all(f.stat().st_size > 1000 for f in files)
    assert files[0].read_bytes()[:4] == b"\x89PNG"
    assert "price observations: 3 of 3 observations synthetic" in fig.get_supxlabel()


def test_chart_label_counts_the_synthetic_observations_drawn(observations):
    fig = chart_price_index(
        price_index(observations, basis="serviced"), synthetic=summarize_synthetic(price_observations=observations)
    )
    n = len(observations)
    assert f"price observations: {n} of {n} observations synthetic" in fig.get_supxlabel()
    real = observations.assign(source="Eiendomsverdi")
    fig = chart_price_index(price_index(real, basis="serviced"), synthetic=summarize_synthetic(price_observations=real))
    assert "ynthetic" not in (fig.get_supxlabel() or "")


def test_box_plot(observations, tmp_path):
    _check(chart_price_by_municipality(observations, basis="serviced", synthetic=SYNTHETIC), tmp_path, "box")
    with pytest.raises(MixedPriceBasisError):
        chart_price_by_municipality(observations, synthetic=SYNTHETIC)


def test_index_chart(observations, tmp_path):
    _check(chart_price_index(price_index(observations, basis="serviced"), synthetic=SYNTHETIC), tmp_path, "index")


def test_benchmark_chart_shows_missing(tmp_path):
    ref = {"price_nok_m2": 1800.0, "n_observations": 3, "year": 2026, "kind": "asking", "basis": "serviced"}
    fig = chart_benchmarks(compare_with_benchmarks(ref, benchmarks=["copenhagen", "gothenburg"]), synthetic=SYNTHETIC)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum("missing" in t for t in texts) == 2
    _check(fig, tmp_path, "bench")


def test_surface_map(tmp_path):
    points = pd.DataFrame(
        {"x": [500_250.0, 501_750.0], "y": [7_001_750.0, 7_000_250.0], "price_nok_m2": [1000.0, 2000.0]}
    )
    surface = build_price_surface(points, mask=shapely.box(500_000, 7_000_000, 502_000, 7_002_000))
    assert np.isfinite(surface.values_nok_m2).all()
    _check(chart_price_surface(surface, points=points, synthetic=SYNTHETIC), tmp_path, "surface")


def _all_text(fig) -> str:
    ax = fig.axes[0]
    return "\n".join([t.get_text() for t in ax.texts] + [ax.get_xlabel(), ax.get_title()])


def test_benchmark_chart_names_every_source(tmp_path):
    """Every figure drawn carries a number, and every number's source and URL is listed under the chart."""
    from landreg.prices import load_benchmarks

    ref = {"price_nok_m2": 1800.0, "n_observations": 3, "year": 2026, "kind": "asking", "basis": "serviced"}
    comparison = compare_with_benchmarks(ref)
    fig = chart_benchmarks(comparison, synthetic=SYNTHETIC)
    text = _all_text(fig)
    table = load_benchmarks()
    for url in table["url"].dropna():
        assert url in text
    bars = [t.get_text() for t in fig.axes[0].texts]
    assert len(bars) == int((comparison["figure"] != "").sum()) and all("[" in b for b in bars)
    assert any("(claim)" in b for b in bars) and any("not in NOK" in b for b in bars)
    assert "Claim, not a measurement" in text
    _check(fig, tmp_path, "bench_sources")


def test_cited_prices_chart_shows_real_points_beside_the_series(tmp_path):
    from landreg.prices import in_region_references

    cited = in_region_references()
    munis = sorted(set(cited["municipality_no"]))
    plots = make_plots([("m1", 100, "Malvik", "industry"), ("s1", 100, "Stjørdal", "industry")])
    plots["municipality_no"] = munis[:2] if len(munis) >= 2 else munis * 2
    rows = [
        (pid, f"{year}-06-01", "asking", 1000.0 + 30 * (year - 2015), "serviced", True)
        for pid in ("m1", "s1")
        for year in range(2012, 2022)
    ]
    fig = chart_cited_prices(build_price_observations(plots, make_history(rows)), synthetic=SYNTHETIC)
    text = _all_text(fig)
    for _, ref in cited.iterrows():
        assert ref["label"] in text and ref["url"] in text
    ax = fig.axes[0]
    assert len(ax.collections) >= len(cited)  # one marker per cited figure
    assert len(ax.lines) == len(set(plots["municipality_no"]))  # one synthetic line per municipality
    assert "synthetic" in ax.get_legend().get_texts()[0].get_text()
    _check(fig, tmp_path, "cited")
