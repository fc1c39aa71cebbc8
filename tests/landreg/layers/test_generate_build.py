"""The generator is deterministic, and a registry can be built from the layers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal

from landreg.demo.generate import generate
from landreg.errors import ConfigurationError
from landreg.layers import build_registry_from_layers, load_layer
from landreg.registry import open_registry

_LAYERS = ("plots", "price_history", "sales", "decisions", "road_projects")


def _read(path, layer):
    if layer in ("price_history", "sales", "decisions"):
        return pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    return gpd.read_file(path, layer=layer)


def test_generator_is_deterministic_and_matches_the_bundled_file(tmp_path, layers_dir):
    for run in ("a", "b"):
        generate(["demo"], layers_dir=layers_dir, out_dir=tmp_path / run)
    for layer in _LAYERS:
        a = _read(tmp_path / "a" / "demo_plots.gpkg", layer)
        b = _read(tmp_path / "b" / "demo_plots.gpkg", layer)
        bundled = _read(layers_dir / "demo_plots.gpkg", layer)
        if isinstance(a, gpd.GeoDataFrame):
            assert_geodataframe_equal(a, b)
            assert_geodataframe_equal(a, bundled)
        else:
            pd.testing.assert_frame_equal(a, b)
            pd.testing.assert_frame_equal(a, bundled)


def test_unknown_stage_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="unknown stage"):
        generate(["nope"], out_dir=tmp_path)


def test_build_registry_from_layers_fills_an_empty_registry(tmp_path, layers_dir):
    steps = []
    with open_registry(tmp_path / "r.gpkg", create=True) as reg:
        summary = build_registry_from_layers(reg, layers_dir=layers_dir, progress=lambda s, d, t: steps.append(s))
        plots = load_layer("demo_plots", layers_dir=layers_dir)
        prices = load_layer("price_history", layers_dir=layers_dir)
        assert summary.plots == len(plots) == reg.count_plots()
        assert summary.prices == len(prices) == len(reg.price_history())
        assert summary.business_areas == len(reg.load_business_areas()) == 20
        assert summary.decisions == len(reg.load_decisions()) == 1
        assert summary.road_projects == len(reg.load_road_projects()) == 2
        stored = reg.query_plots().set_index("plot_id")
        assert set(stored.index) == set(plots["plot_id"])
        assert (stored["area_m2"] - plots.set_index("plot_id").area.reindex(stored.index)).abs().max() < 0.01
        locked = stored[stored["business_area_id"] == "torgard"]
        assert set(locked["status"]) == {"locked"}
        assert reg.get_decision("torgard_freight_terminal").status == "pending"
        tor = reg.get_plot(locked.index[0])
        assert tor.is_synthetic() and tor.decision_id == "torgard_freight_terminal"
        assert {"business_area", "decisions", "road_projects", "plots", "prices"} <= set(steps)
        with pytest.raises(ConfigurationError, match="not empty"):
            build_registry_from_layers(reg, layers_dir=layers_dir)


def test_create_registry_from_layers_builds_a_whole_file_or_none(tmp_path, layers_dir):
    from landreg.analysis import load_enriched_plots
    from landreg.enrich import enriched_plots
    from landreg.errors import NotEnrichedError
    from landreg.layers import create_registry_from_layers

    path = tmp_path / "bare.gpkg"
    created = create_registry_from_layers(path, layers_dir=layers_dir, enrich=False)
    assert created.path == path and created.enrich is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bare.gpkg"]
    with open_registry(path) as reg:
        assert created.build.plots == created.summary.n_live == reg.count_plots() > 0
        with pytest.raises(NotEnrichedError):
            load_enriched_plots(reg)
        assert len(enriched_plots(reg)) == reg.count_plots()  # the plain join: plots without derived values
    with pytest.raises(FileExistsError, match="already exists"):
        create_registry_from_layers(path, layers_dir=layers_dir, enrich=False)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "layers.toml").write_text("not [ toml", encoding="utf-8")
    with pytest.raises(ConfigurationError):
        create_registry_from_layers(tmp_path / "never.gpkg", layers_dir=broken)
    assert not any(p.name.startswith("never.gpkg") for p in tmp_path.iterdir())
