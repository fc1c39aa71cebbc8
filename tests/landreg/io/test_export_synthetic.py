"""Exports name what is synthetic, from each plot's provenance: a column, GeoPackage metadata, GeoTIFF tags."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyogrio
import rasterio

from landreg import export_plots, open_registry
from landreg.prices import build_price_surface, load_price_observations, plot_price_points, save_price_surface
from landreg.provenance import summarize_synthetic
from tests.landreg.provenance.conftest import mixed_registry_file, real_registry_file  # noqa: F401 (fixtures)


def _stars(frame: pd.DataFrame) -> list[str]:
    return [(p if isinstance(p, dict) else json.loads(p)).get("*", {}).get("source") for p in frame["provenance"]]


def test_export_of_real_plots_has_no_synthetic_mark(real_registry_file, tmp_path):  # noqa: F811
    with open_registry(real_registry_file) as reg:
        n = export_plots(reg, tmp_path / "real.gpkg")
        export_plots(reg, tmp_path / "real.csv")
    assert pyogrio.read_info(tmp_path / "real.gpkg", layer="plots")["layer_metadata"] in (None, {})
    table = pd.read_csv(tmp_path / "real.csv")
    assert len(table) == n and table["synthetic"].isna().all()


def test_export_of_a_mixed_registry_marks_each_synthetic_plot(mixed_registry_file, tmp_path):  # noqa: F811
    with open_registry(mixed_registry_file) as reg:
        plots = reg.query_plots()
        export_plots(reg, tmp_path / "mixed.gpkg")
        export_plots(reg, tmp_path / "mixed.csv")
    n_synthetic = sum(s == "synthetic" for s in _stars(plots))
    table = pd.read_csv(tmp_path / "mixed.csv")
    marked = table["synthetic"].fillna("").str.split(", ").map(lambda groups: "plots" in groups)
    assert int(marked.sum()) == n_synthetic and len(table) == len(plots)
    meta = pyogrio.read_info(tmp_path / "mixed.gpkg", layer="plots")["layer_metadata"]
    assert f"plots: {n_synthetic} of {len(plots)} plots synthetic" in meta["SYNTHETIC_NOTICE"]
    assert f"tomter: {n_synthetic} av {len(plots)} tomter syntetiske" in meta["SYNTHETIC_NOTICE_NB"]
    counts = {c["what"]: c for c in json.loads(meta["SYNTHETIC_COUNTS"])}
    assert counts["plots"]["n_synthetic"] == n_synthetic
    with open_registry(tmp_path / "again.gpkg", create=True) as reg:  # the derived column is ignored on import
        frame = pyogrio.read_dataframe(tmp_path / "mixed.gpkg", layer="plots").head(3)
        assert len(reg.add_plots(frame.drop(columns=["plot_id"]), actor="test")) == 3


def test_price_surface_tags_say_what_is_synthetic(mixed_registry_file, tmp_path):  # noqa: F811
    with open_registry(mixed_registry_file) as reg:
        obs = load_price_observations(reg)
    obs = obs[(obs["kind"] == "asking") & (obs["basis"] == "serviced")]
    surface = build_price_surface(plot_price_points(obs), pixel_size_m=2000)
    path = save_price_surface(surface, tmp_path / "s.tif", synthetic=summarize_synthetic(price_observations=obs))
    with rasterio.open(path) as src:
        tags = src.tags()
    n = int((obs["source"] == "synthetic").sum())
    assert f"price observations: {n} of {len(obs)} observations synthetic" in tags["SYNTHETIC_NOTICE"]
    real = obs.assign(source="Eiendomsverdi salgsdata")  # the same points from a real source
    path = save_price_surface(surface, tmp_path / "r.tif", synthetic=summarize_synthetic(price_observations=real))
    with rasterio.open(path) as src:
        assert "SYNTHETIC_NOTICE" not in src.tags() and np.isfinite(src.read(1, masked=True).max())
