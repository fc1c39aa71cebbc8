"""The synthetic summary counts exactly what is synthetic in the data used; real data gets no notice."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from landreg import open_registry
from landreg.layers.manifest import load_manifest
from landreg.provenance import registry_synthetic_summary, summarize_synthetic, synthetic_groups_of
from landreg.testing import make_plot_frame
from tests.conftest import LAYERS
from tests.landreg.provenance.conftest import EXAMPLE


def _example_rows() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)


def _outline_source(provenance) -> str:
    prov = provenance if isinstance(provenance, dict) else json.loads(provenance)
    return (prov.get("geometry") or prov.get("*") or {}).get("source", "")


def test_real_imported_registry_has_nothing_synthetic(real_registry_file):
    with open_registry(real_registry_file) as reg:
        summary = registry_synthetic_summary(reg, layers_dir=LAYERS)
        plots = reg.query_plots()
    assert len(plots) == len(_example_rows())
    assert not summary.any_synthetic
    assert summary.text() == "" and summary.text("nb") == "" and summary.lines() == []
    assert summary.get("plots").n_total == len(plots)
    assert summary.get("plots").sources == {EXAMPLE.name: len(plots)}
    prov = plots["provenance"].iloc[0]
    star = (prov if isinstance(prov, dict) else json.loads(prov))["*"]
    assert star["method"] == "imported" and star["file"] == EXAMPLE.name and star["mapping"] == "kommune-no"


def test_mixed_registry_counts_synthetic_values_exactly(mixed_registry_file, demo_registry_file):
    with open_registry(demo_registry_file) as demo:
        demo_plots = demo.query_plots()
        n_obs = len(demo.price_history())
        areas = demo.load_business_areas()
    outlines = [_outline_source(p) for p in areas["provenance"]]
    n_areas = sum(source == "synthetic" for source in outlines)
    rows = _example_rows()
    n_demo, n_real = len(demo_plots), len(rows)
    demo_priced = int((demo_plots["price_min_nok_m2"].notna() | demo_plots["price_max_nok_m2"].notna()).sum())
    real_priced = int((rows["pris"].str.strip() != "").sum())
    with open_registry(mixed_registry_file) as reg:
        summary = registry_synthetic_summary(reg)
    plots = summary.get("plots")
    assert (plots.n_synthetic, plots.n_total) == (n_demo, n_demo + n_real)
    assert plots.sources == {"synthetic": n_demo, EXAMPLE.name: n_real}
    prices = summary.get("prices")
    assert (prices.n_synthetic, prices.n_total) == (demo_priced, demo_priced + real_priced)
    assert f"prices: {demo_priced} of {demo_priced + real_priced} plots synthetic" in summary.text()
    assert f"priser: {demo_priced} av {demo_priced + real_priced} tomter syntetiske" in summary.text("nb")
    obs = summary.get("price observations")
    assert (obs.n_synthetic, obs.n_total) == (n_obs, n_obs)
    assert (summary.get("business areas").n_synthetic, summary.get("business areas").n_total) == (n_areas, len(areas))


def test_layers_used_by_the_enrichment_count_with_their_manifest_flag(demo_registry_file):
    manifest = load_manifest(LAYERS)
    with open_registry(demo_registry_file) as reg:
        summary = registry_synthetic_summary(reg, layers_dir=LAYERS)
        versions = reg.load_enrichment()["layer_versions"]
    specs = {s.id: s.synthetic for s in manifest.layers}
    used = {lid for v in versions.unique() for lid, ver in json.loads(v).items() if lid in specs and ver != "absent"}
    layers = summary.get("layers")
    assert layers.n_total == len(used)
    assert set(layers.synthetic_items) == {lid for lid in used if specs[lid]}
    assert "dem" in layers.synthetic_items  # the bundled DEM is synthetic: an analysis on it says so
    assert "layers: " in summary.text()


def test_synthetic_groups_of_one_plot_follow_its_field_provenance():
    record = {
        "provenance": {"*": {"source": "synthetic"}, "price_min_nok_m2": {"source": "Kari", "method": "edited"}},
        "price_min_nok_m2": 900.0,
        "price_max_nok_m2": None,
        "status": "available",
        "occupants": [],
    }
    groups = synthetic_groups_of(record)
    assert "prices" not in groups  # the only price value was edited
    assert "status" in groups and "firms" not in groups  # no firms: nothing to be synthetic


def test_summary_of_plots_without_provenance_is_an_error():
    frame = make_plot_frame(2, seed=3).drop(columns="provenance")
    with pytest.raises(ValueError, match="provenance"):
        summarize_synthetic(frame)


def test_unknown_language_and_group_are_errors():
    frame = make_plot_frame(2, seed=3)
    with pytest.raises(ValueError, match="field group"):
        summarize_synthetic(frame, groups=["colour"])
    with pytest.raises(ValueError, match="language"):
        summarize_synthetic(frame).text("de")


def test_observation_method_decides_over_source():
    obs = pd.DataFrame(
        {"source": ["synthetic", "synthetic", "Eiendomsverdi"], "method": [None, "observed", "observed"]}
    )
    count = summarize_synthetic(price_observations=obs).get("price observations")
    assert (count.n_synthetic, count.n_total) == (1, 3)
    assert count.text() == "price observations: 1 of 3 observations synthetic"
    assert count.text("nb") == "prisobservasjoner: 1 av 3 observasjoner syntetisk"
