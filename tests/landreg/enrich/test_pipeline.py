"""Storage of derived attributes, incremental enrichment, the CLI and the bundled layers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from landreg.enrich import EnrichParams, enrich_registry, enriched_plots
from landreg.errors import PlotNotFoundError
from landreg.testing import make_plot_frame
from tests.landreg.enrich._data import write_layers
from tests.landreg.enrich.conftest import derived_registry_class

REPO_LAYERS = Path(__file__).resolve().parents[3] / "layers"


@pytest.fixture
def layers_dir(tmp_path):
    return write_layers(tmp_path / "layers")


@pytest.fixture
def loaded(derived_registry):
    ids = derived_registry.add_plots(make_plot_frame(9, seed=1), actor="test")
    return derived_registry, ids


def test_save_and_load_enrichment_round_trip(loaded):
    reg, ids = loaded
    assert reg.load_enrichment().empty
    frame = pd.DataFrame(
        {
            "plot_id": ids[:2],
            "plot_version": [1, 1],
            "layer_versions": [{"a": "1"}, {"a": "1"}],
            "x_travel_time_s": [12.5, np.nan],
            "x_status": ["ok", "no_data"],
            "flag": [True, False],
        }
    )
    assert reg.save_enrichment(frame) == 2
    got = reg.load_enrichment()
    assert got["plot_id"].tolist() == sorted(ids[:2])
    row = got.set_index("plot_id").loc[ids[1]]
    assert np.isnan(row["x_travel_time_s"]) and row["x_status"] == "no_data" and row["flag"] is False
    assert json.loads(row["layer_versions"]) == {"a": "1"}
    # upsert, and a new column appears
    reg.save_enrichment(frame.iloc[:1].assign(x_travel_time_s=99.0, extra_m=1.0))
    got = reg.load_enrichment().set_index("plot_id")
    assert got.loc[ids[0], "x_travel_time_s"] == 99.0 and got.loc[ids[0], "extra_m"] == 1.0
    assert len(got) == 2
    kind = reg._conn.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'plot_enrichment'").fetchone()
    assert kind == ("attributes",)
    with pytest.raises(PlotNotFoundError):
        reg.save_enrichment(frame.assign(plot_id="nope"))
    assert reg.delete_enrichment([ids[0]]) == 1


def test_enrich_registry_is_incremental(loaded, layers_dir):
    reg, ids = loaded
    done = []
    report = enrich_registry(reg, layers_dir=layers_dir, progress=done.append)
    assert report.n_computed == 9 and report.n_unchanged == 0 and sum(done) == 9
    first = reg.load_enrichment().set_index("plot_id")
    assert (first["access_status"] == "ok").all()
    assert (first["terrain_status"] == "ok").all()
    assert set(first["quick_clay_status"]) <= {"inside", "clear", "not_checked"}
    assert "flood_status" in first.columns and (first["flood_status"] == "not_checked").all()  # layer absent
    versions = json.loads(first["layer_versions"].iloc[0])
    assert versions["flood"] == "absent" and len(versions["roads"]) == 64 and "enrich_params" in versions

    report = enrich_registry(reg, layers_dir=layers_dir)
    assert report.n_computed == 0 and report.n_unchanged == 9

    plot = reg.get_plot(ids[4])
    moved = shapely.affinity.translate(plot.geometry, 5.0, 3.0)
    reg.update_plot(ids[4], {"geometry": moved}, expected_version=plot.version, actor="test", crs="EPSG:25832")
    report = enrich_registry(reg, layers_dir=layers_dir)
    assert report.n_computed == 1 and report.n_unchanged == 8
    second = reg.load_enrichment().set_index("plot_id")
    changed = second["computed_at"] != first["computed_at"]
    assert changed[changed].index.tolist() == [ids[4]]
    assert second.loc[ids[4], "plot_version"] == 2

    # a changed parameter (part of the fingerprint) or --force recomputes everything
    assert enrich_registry(reg, layers_dir=layers_dir, params=EnrichParams(steep_slope_deg=5)).n_computed == 9
    assert (
        enrich_registry(reg, layers_dir=layers_dir, params=EnrichParams(steep_slope_deg=5), force=True).n_computed == 9
    )


def test_layer_change_recomputes_all_and_ended_plots_drop_out(loaded, layers_dir):
    reg, ids = loaded
    enrich_registry(reg, layers_dir=layers_dir)
    (layers_dir / "layers.toml").write_text(
        (layers_dir / "layers.toml").read_text().replace('description = "built in a test"', 'description = "edited"', 1)
    )
    assert enrich_registry(reg, layers_dir=layers_dir).n_computed == 9
    plot = reg.get_plot(ids[0])
    reg.end_plot(ids[0], expected_version=plot.version, actor="test", reason="gone")
    report = enrich_registry(reg, layers_dir=layers_dir)
    assert report.n_removed == 1 and report.n_plots == 8 and report.n_computed == 0


def test_enriched_plots_joins_only_current_versions(loaded, layers_dir):
    reg, ids = loaded
    enrich_registry(reg, layers_dir=layers_dir)
    joined = enriched_plots(reg)
    assert len(joined) == 9 and joined.crs.to_epsg() == 25832
    assert joined["city_centre_travel_time_s"].notna().all()
    plot = reg.get_plot(ids[2])
    reg.update_plot(
        ids[2],
        {"geometry": shapely.affinity.translate(plot.geometry, 2.0, 0.0)},
        expected_version=plot.version,
        actor="test",
        crs="EPSG:25832",
    )
    joined = enriched_plots(reg).set_index("plot_id")
    assert np.isnan(joined.loc[ids[2], "city_centre_travel_time_s"])  # stale row not shown
    assert joined.drop(index=ids[2])["city_centre_travel_time_s"].notna().all()


def test_cli_enrich(monkeypatch, tmp_path, layers_dir):
    import landreg.registry
    from landreg.cli.enrich_cmd import enrich_cmd

    cls = derived_registry_class()
    path = tmp_path / "cli.gpkg"
    with cls.create(path) as reg:
        reg.add_plots(make_plot_frame(4, seed=2), actor="test")
    monkeypatch.setattr(
        landreg.registry,
        "open_registry",
        lambda p, **kw: cls.open(
            p, **{k: v for k, v in kw.items() if k in ("busy_timeout_s", "journal_mode", "overlap_tolerance_m2")}
        ),
    )
    runner = CliRunner()
    out = runner.invoke(enrich_cmd, ["--registry", str(path), "--layers", str(layers_dir)])
    assert out.exit_code == 0, out.output
    assert "4 enriched" in out.output and "road graph" in out.output
    out = runner.invoke(enrich_cmd, ["--registry", str(path), "--layers", str(layers_dir)])
    assert "0 enriched, 4 unchanged" in out.output
    out = runner.invoke(enrich_cmd, ["--registry", str(path), "--layers", str(layers_dir), "--force"])
    assert "4 enriched" in out.output
    out = runner.invoke(enrich_cmd, ["--registry", str(path), "--layers", str(tmp_path / "nowhere")])
    assert out.exit_code == 1 and "layers.toml" in out.output


def test_enrich_registry_built_from_bundled_layers(tmp_path):
    from landreg.layers.build import build_registry_from_layers

    with derived_registry_class().create(tmp_path / "region.gpkg") as reg:
        build_registry_from_layers(reg, layers_dir=REPO_LAYERS, actor="test")
        report = enrich_registry(reg, layers_dir=REPO_LAYERS)
        assert report.n_computed == report.n_plots > 0
        assert 0.5 < report.network_summary.main_node_share <= 1
        joined = enriched_plots(reg)
    ok = joined["access_status"] == "ok"
    assert ok.mean() > 0.9
    assert (joined.loc[ok, "airport_travel_time_s"] > 0).all()
    assert (joined["terrain_status"] != "no_data").all()
    for layer in ("quick_clay", "flood", "protected_area"):
        assert set(joined[f"{layer}_status"]) <= {"inside", "clear", "not_checked"}
    assert (joined["quick_clay_status"] == "not_checked").any() and (joined["quick_clay_status"] == "inside").any()
