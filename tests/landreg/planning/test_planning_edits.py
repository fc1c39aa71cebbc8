"""Split and merge from the command line: lineage, history, version conflicts, clear errors."""

from __future__ import annotations

import geopandas as gpd
import shapely

from landreg.registry import open_registry

from .conftest import EXAMPLES


def test_split_by_line_then_merge_back(demo_path, run):
    with open_registry(demo_path) as reg:
        parent = reg.get_plot_by_code("HEG-001")  # sold: its synthetic sale is its second version
    res = run(
        "split",
        "HEG-001",
        "--by",
        EXAMPLES / "heg-001-split-line.geojson",
        "--version",
        parent.version,
        "--registry",
        demo_path,
        "--actor",
        "kari",
    )
    assert res.exit_code == 0, res.output
    assert "HEG-001-1" in res.output and "HEG-001-2" in res.output
    with open_registry(demo_path) as reg:
        kids = [reg.get_plot_by_code(c) for c in ("HEG-001-1", "HEG-001-2")]
        ended = reg.get_plot(parent.plot_id)
    assert ended.valid_to is not None
    assert all(k.previously_part_of == [parent.plot_id] for k in kids)
    assert abs(sum(k.area_m2 for k in kids) - parent.area_m2) < 1.0
    res = run("history", "HEG-001-1", "--registry", demo_path)
    assert f"split from {parent.plot_id}" in res.output and "by kari" in res.output
    res = run("history", parent.plot_id, "--registry", demo_path)
    assert "split into HEG-001-1, HEG-001-2" in res.output

    res = run(
        "merge", "HEG-001-1", "HEG-001-2", "--version", 1, "--version", 1, "--code", "HEG-001", "--registry", demo_path
    )
    assert res.exit_code == 0, res.output
    with open_registry(demo_path) as reg:
        merged = reg.get_plot_by_code("HEG-001")
        assert merged.plot_id != parent.plot_id
        assert sorted(merged.previously_part_of) == sorted(k.plot_id for k in kids)
        assert shapely.equals_exact(merged.geometry.normalize(), parent.geometry.normalize(), tolerance=0.01) or (
            merged.geometry.symmetric_difference(parent.geometry).area < 1.0
        )
    res = run("history", "HEG-001-1", "--registry", demo_path)
    assert "merged into HEG-001" in res.output


def test_split_into_parts_with_codes(demo_path, run):
    with open_registry(demo_path) as reg:
        version = reg.get_plot_by_code("HEG-001").version
    res = run(
        "split", "HEG-001", "--parts", EXAMPLES / "heg-001-parts.geojson", "--version", version, "--registry", demo_path
    )
    assert res.exit_code == 0, res.output
    parts = gpd.read_file(EXAMPLES / "heg-001-parts.geojson")
    with open_registry(demo_path) as reg:
        for code in parts["code"]:
            assert reg.get_plot_by_code(code).version == 1


def test_conflicts_and_bad_input_are_refused_without_writing(demo_path, run, tmp_path):
    line = EXAMPLES / "heg-001-split-line.geojson"
    with open_registry(demo_path) as reg:
        stored = reg.query_plots().set_index("code")
    heg, versions = stored.geometry, stored["version"].astype(int)
    v = versions["HEG-001"]
    blade = gpd.read_file(line).to_crs(25832).geometry.iloc[0]
    heg = heg[heg.index.str.startswith("HEG-")]
    missed = next(c for c in sorted(heg.index) if not heg[c].intersects(blade))  # a plot the line does not cut
    apart = [c for c in sorted(heg.index) if c != missed and heg[c].distance(heg[missed]) > 1.0]
    res = run("split", "HEG-001", "--by", line, "--version", v + 1, "--registry", demo_path)
    assert res.exit_code == 1 and f"version {v + 1}" in res.output and f"holds version {v}" in res.output
    res = run("split", missed, "--by", line, "--version", versions[missed], "--registry", demo_path)
    assert res.exit_code == 1 and "does not cut" in res.output
    res = run("split", "HEG-001", "--parts", line, "--version", v, "--registry", demo_path)
    assert res.exit_code == 1 and "expected a Polygon" in res.output and "LineString" in res.output
    res = run("split", "HEG-001", "--version", v, "--registry", demo_path)
    assert res.exit_code != 0 and "--by" in res.output
    res = run(
        "merge",
        missed,
        apart[0],
        "--version",
        versions[missed],
        "--version",
        versions[apart[0]],
        "--registry",
        demo_path,
    )
    assert res.exit_code == 1 and "only touching plots can be merged" in res.output
    res = run("merge", missed, apart[0], "--version", versions[missed], "--registry", demo_path)
    assert res.exit_code == 1 and "one version per plot" in res.output
    no_crs = tmp_path / "line.csv"
    no_crs.write_text(f'wkt\n"{blade.wkt}"\n', encoding="utf-8")  # the same line in EPSG:25832, no CRS said
    res = run("split", "HEG-001", "--by", no_crs, "--version", v, "--registry", demo_path)
    assert res.exit_code == 1 and "need a CRS" in res.output
    res = run("split", "HEG-001", "--by", no_crs, "--crs", "EPSG:25832", "--version", v, "--registry", demo_path)
    assert res.exit_code == 0, res.output
    with open_registry(demo_path) as reg:
        assert reg.get_plot_by_code(missed).version == versions[missed]
