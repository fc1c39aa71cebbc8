"""The synthetic price generator reproduces the cited in-region price levels (Sveberg 2018, Vegsletta 2019)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from landreg.demo.generate import generate
from landreg.demo.plots import DEMO_FILE
from landreg.demo.prices import CALIBRATION_REFERENCES, calibration_anchors, serviced_level_nok_m2
from landreg.prices import load_price_references

LAYERS = Path(__file__).resolve().parents[3] / "layers"
#: How far the generated level may be from the cited figure.
TOLERANCE = 0.10


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Plots and price history generated from the bundled business areas into a temporary folder."""
    out = tmp_path_factory.mktemp("demo")
    generate(["demo"], layers_dir=LAYERS, out_dir=out)
    plots = gpd.read_file(out / DEMO_FILE, layer="plots", engine="pyogrio")
    history = gpd.read_file(out / DEMO_FILE, layer="price_history", engine="pyogrio")
    return plots, pd.DataFrame(history)


def _level_in_year(prices: pd.DataFrame, year: int) -> tuple[float, int]:
    """Level in ``year`` of a log-linear trend fitted to dated prices (least squares), and the count."""
    years = pd.to_datetime(prices["observed_on"]).dt.year.to_numpy(dtype=float)
    log_price = np.log(prices["price_nok_m2"].to_numpy(dtype=float))
    _slope, intercept = np.polyfit(years - year, log_price, 1)
    return float(np.exp(intercept)), len(prices)


def test_anchors_are_the_cited_figures():
    refs = load_price_references().set_index("id")
    for anchor in calibration_anchors():
        cited = refs.loc[list(anchor.reference_ids)]
        assert cited["in_region"].all() and (cited["currency"] == "NOK").all()
        assert anchor.level_nok_m2 == pytest.approx(cited["figure"].mean())
        assert anchor.year == int(cited["year"].iloc[0])
        assert cited["url"].str.startswith("http").all() and cited["quote"].str.len().gt(20).all()
    assert {a.area_id for a in calibration_anchors()} == set(CALIBRATION_REFERENCES)


@pytest.mark.parametrize("area_id", sorted(CALIBRATION_REFERENCES))
def test_generated_series_reproduces_cited_level(generated, area_id):
    plots, history = generated
    anchor = next(a for a in calibration_anchors() if a.area_id == area_id)
    ids = set(plots.loc[plots["business_area_id"] == area_id, "plot_id"])
    prices = history[history["plot_id"].isin(ids) & (history["kind"] == "asking") & (history["basis"] == "serviced")]
    level, n = _level_in_year(prices, anchor.year)
    assert n >= 10, f"too few serviced asking prices in {area_id} to check the calibration ({n})"
    assert level == pytest.approx(anchor.level_nok_m2, rel=TOLERANCE), (
        f"{area_id}: generated serviced asking level in {anchor.year} is {level:.0f} NOK/m², "
        f"cited {anchor.level_nok_m2:.0f} NOK/m² ({', '.join(anchor.reference_ids)})"
    )


def test_generated_prices_stay_labelled_synthetic(generated):
    _plots, history = generated
    assert set(history["source"]) == {"synthetic"}


def test_other_areas_follow_the_regional_level():
    anchors = calibration_anchors()
    for year in (2012, 2018, 2026):
        regional = np.mean([serviced_level_nok_m2(a.area_id, year=year) for a in anchors])
        assert serviced_level_nok_m2("sluppen", year=year) > regional > serviced_level_nok_m2("frosta", year=year)


def test_unknown_area_names_the_fix():
    with pytest.raises(KeyError, match="RELATIVE_LEVEL"):
        serviced_level_nok_m2("atlantis")


def test_manifest_describes_the_calibration():
    """The manifest says the prices are synthetic *and* calibrated, naming every cited figure used."""
    from landreg.layers.manifest import load_manifest

    spec = load_manifest(LAYERS).get("price_history")
    assert spec.synthetic and "not calibrated" not in spec.source and "calibrated" in spec.source
    refs = load_price_references().set_index("id")
    for anchor in calibration_anchors():
        for figure in refs.loc[list(anchor.reference_ids), "figure"]:
            assert f"{figure:,.0f}".replace(",", " ") in spec.source
        assert str(anchor.year) in spec.source
