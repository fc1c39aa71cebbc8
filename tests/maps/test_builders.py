"""Unit tests of the map builders, the compact plot encoding, classes and the CLI."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from landreg.analysis import area_statistics
from landreg.analysis import run_registry_scenario as scenario_report
from landreg.testing import make_plot_frame
from maps import build_overview_map, build_plot_map, build_scenario_map
from maps.assets import offline_map
from maps.elements import PlotLayer
from maps.encode import encode_polygons
from maps.sources import region_isochrones
from maps.style import classify_categories, classify_values


def _payload(m) -> dict:
    layers = [c for c in m._children.values() if isinstance(c, PlotLayer)]
    assert len(layers) == 1
    return json.loads(layers[0].payload)


def _decode(rings: list[int], scale: int) -> np.ndarray:
    return np.cumsum(np.asarray(rings).reshape(-1, 2), axis=0) / scale


def test_encode_polygons_round_trips_within_precision():
    plots = make_plot_frame(5, seed=3).to_crs("EPSG:4326")
    polys = [*plots.geometry.values, shapely.MultiPolygon([plots.geometry.iloc[0], plots.geometry.iloc[1]])]
    encoded = encode_polygons(polys, decimals=5)
    assert len(encoded) == 6 and len(encoded[-1]) == 2
    for geom, enc in zip(polys[:5], encoded[:5], strict=True):
        xy = _decode(enc[0][0], 10**5)
        exterior = np.asarray(geom.exterior.coords)[:-1]
        assert xy.shape == exterior.shape
        assert np.abs(xy - exterior).max() <= 0.5e-5 + 1e-12


def test_classes_score_bands_and_missing():
    c = classify_values([5.0, 25.0, 55.0, 99.0, np.nan], title="Score", kind="score")
    assert c.codes.tolist() == [0, 1, 2, 4, -1]
    assert len(c.colors) == 5 and c.legend.items[0][1] == "0 – 20"
    assert c.legend.items[-1][1].startswith("no value")
    q = classify_values(np.arange(100.0), title="Price", kind="price", k=4)
    assert sorted(set(q.codes.tolist())) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="unknown class scheme"):
        classify_values([1.0, 2.0], title="x", scheme="Bogus")
    s = classify_categories(["sold", "available", "sold"], title="Status")
    assert [label for _, label in s.legend.items] == ["available", "sold"]


@pytest.mark.parametrize("color_by", ["score", "price", "status"])
def test_plot_map_draws_every_plot_with_popup_data(scores, context, color_by):
    m = build_plot_map(scores, color_by=color_by, context=context)
    data = _payload(m)
    frame = scores.frame
    assert len(data["geoms"]) == len(frame)
    assert data["columns"]["code"] == frame["code"].tolist()
    assert len(data["columns"]["cls"]) == len(frame) and max(data["columns"]["cls"]) < len(data["colors"])
    crit = [c[0] for c in data["criteria"]]
    assert crit == [c[len("contrib_") :] for c in frame.columns if c.startswith("contrib_")]
    i = int(np.flatnonzero(~frame["excluded"].to_numpy())[0])
    assert sum(data["columns"]["contrib"][i]) == pytest.approx(frame["score"].iloc[i], abs=0.1 * len(crit))
    assert sum(c[2] for c in data["criteria"]) == pytest.approx(100, abs=0.5)
    html = m.get_root().render()
    n_synthetic = sum(
        json.loads(p)["*"]["source"] == "synthetic" if isinstance(p, str) else p["*"]["source"] == "synthetic"
        for p in frame["provenance"]
    )
    for text in (
        "L.control.layers",
        "L.control.scale",
        "landreg.SearchControl",
        "landreg.LegendControl",
        "© Kartverket",
        f"plots: {n_synthetic} of {len(frame)} plots synthetic",  # counted from the plots' provenance
    ):
        assert text in html


def test_plot_map_scores_unscored_plots_and_rejects_bad_colouring(registry):
    from landreg.enrich import enriched_plots

    plots = enriched_plots(registry).head(30)
    m = build_plot_map(plots, profile="office")
    assert _payload(m)["profile"].startswith("office profile")
    with pytest.raises(ValueError, match="color_by"):
        build_plot_map(plots, color_by="height")


def test_plot_map_layers_isochrones_price_and_hazards(scores, context, layers_dir):
    from landreg.analysis import asking_price_surface, price_hotspot_frame

    iso = region_isochrones(context, target="port")
    surface = asking_price_surface(scores.frame, layers_dir=layers_dir)
    hot = price_hotspot_frame(scores.frame, permutations=99)
    m = build_plot_map(scores, context=context, isochrones=iso, price_surface=surface, hotspots=hot, lang="en")
    html = m.get_root().render()
    for name in (
        "Travel time to port",
        "Price surface (NOK/m²)",
        "Price hot and cold spots",
        "Quick clay hazard zones",
        "Flood zones",
        "Protected areas",
        "Business areas",
        "Web base map (online only)",
    ):
        assert name in html


def test_overview_map_carries_area_statistics(scores, context):
    stats = area_statistics(scores, areas=context.get("business_areas"))
    assert set(stats["area_id"]) == set(context.get("business_areas")["area_id"])
    html = build_overview_map(context, area_stats=stats, lang="en").get_root().render()
    assert "effective daa" in html and "Destinations" in html
    assert "Torgård" in html or "Torg\\u00e5rd" in html


def test_scenario_map_marks_changed_plots(registry, context, layers_dir):
    report = scenario_report(registry, "torgard-terminal-built", layers_dir=layers_dir, profile="logistics")
    plots = registry.query_plots().merge(
        report.plots.drop(columns=["code", "municipality_no", "business_area_id", "area_daa"]), on="plot_id"
    )
    m = build_scenario_map(plots, context=context, notes=report.notes)
    data = _payload(m)
    levels = data["columns"]["status_change"]["levels"]
    assert "locked → reserved" in levels
    changed = sum(1 for c in data["columns"]["cls"] if c == 0)  # class 0 = "status changed"
    assert changed == int((plots["status_before"] != plots["status_after"]).sum()) > 0


def test_plot_map_shows_the_score_of_the_score_list(registry, layers_dir):
    from landreg.analysis import score_registry
    from maps import plot_map_from_registry

    m = plot_map_from_registry(
        registry, layers_dir=layers_dir, profile="office", status=["available"], price_layers=False, web_tiles=False
    )
    data = _payload(m)
    listed = score_registry(registry, profile="office", statuses=["available"]).frame.set_index("code")["score"]
    shown = dict(zip(data["columns"]["code"], data["columns"]["score"], strict=True))
    assert len(shown) == len(listed) > 0
    for code, score in shown.items():
        assert score == pytest.approx(listed[code], abs=0.051)


def test_plot_map_marks_a_criterion_that_is_not_applicable(scores, context):
    data = _payload(build_plot_map(scores, color_by="score", context=context))  # logistics
    criteria = {c[0]: (c[1], c[2]) for c in data["criteria"]}
    label, max_points = criteria["access_freight_terminal"]
    assert "not applicable" in label and max_points == 0
    assert sum(p for _, p in criteria.values()) == pytest.approx(100, abs=0.5)


def test_scenario_map_title_and_legend_are_plain_text(registry, layers_dir):
    from maps import scenario_map_from_registry

    m = scenario_map_from_registry(
        registry, "torgard-terminal-built", layers_dir=layers_dir, profile="logistics", web_tiles=False
    )
    html = m.get_root().render()
    assert (
        "Rail freight terminal at Torgård: built · " in html or "Rail freight terminal at Torg\\u00e5rd: built" in html
    )
    assert "plots changed" in html and "godsterminal: built" in html
    for token in ("{&#x27;", "{'", "removed []", "[&#x27;", "&#x27;built&#x27;"):
        assert token not in html, token


def test_ten_thousand_plots_stay_under_five_megabytes(tmp_path):
    plots = make_plot_frame(10_000, seed=7, cell_m=60.0)
    rng = np.random.default_rng(0)
    plots["score"] = rng.uniform(0, 100, len(plots))
    plots["rank"] = plots["score"].rank(ascending=False)
    for c in ("price", "access_motorway", "size", "slope", "hazards", "readiness", "road_ready", "synergy"):
        plots[f"contrib_{c}"] = rng.uniform(0, 12, len(plots))
    m = build_plot_map(plots, color_by="score", profile="logistics")
    path = tmp_path / "big.html"
    m.save(str(path))
    size = path.stat().st_size
    assert size < 5_000_000, f"{size / 1e6:.2f} MB"
    assert len(_payload(m)["geoms"]) == 10_000


def test_offline_map_inline_and_served_assets():
    inline = offline_map((10.0, 63.0, 11.0, 64.0), title="t").get_root().render()
    assert "<script src=" not in inline and "L.Control.extend" in inline and "data:image/png;base64" in inline
    served = offline_map(assets="/maps/static").get_root().render()
    assert '<script src="/maps/static/leaflet/leaflet.js"></script>' in served
    assert re.search(r"(cdn|jsdelivr|jquery|bootstrap|fontawesome)", served.lower()) is None


def test_cli_writes_standalone_maps(enriched_registry_path, layers_dir, tmp_path):
    from maps.cli import map_group

    runner = CliRunner()
    for args in (
        ["overview"],
        ["plots", "--color-by", "price", "--profile", "logistics", "--status", "available"],
        ["scenario", "torgard-terminal-not-built"],
    ):
        out = tmp_path / f"{args[0]}.html"
        result = runner.invoke(
            map_group, [*args, "--registry", str(enriched_registry_path), "--layers", str(layers_dir), "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 100_000 and "leaflet" in out.read_text(encoding="utf-8")[:400_000].lower()
    bad = runner.invoke(
        map_group,
        [
            "scenario",
            "no-such-thing",
            "--registry",
            str(enriched_registry_path),
            "--layers",
            str(layers_dir),
            "-o",
            str(tmp_path / "x.html"),
        ],
    )
    assert bad.exit_code == 1 and "unknown scenario 'no-such-thing'" in bad.output
    assert "Error" not in bad.output and "Traceback" not in bad.output
