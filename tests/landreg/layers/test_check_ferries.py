"""``landreg layers check`` reports car-ferry ends that meet no road; the bundled network has none."""

from __future__ import annotations

import geopandas as gpd
import shapely
from click.testing import CliRunner

from landreg.cli.layers_cmd import layers_group
from landreg.enrich.network import DEFAULT_FERRY_CONNECT_TOLERANCE_M
from landreg.layers import check_layers

X, Y = 560_000.0, 7_030_000.0
_LAYER = """[[layer]]
id = "roads"
file = "net.gpkg"
layer = "roads"
crs = "EPSG:25832"
kind = "vector"
role = "network"
source = "test"
license = "CC0"
attribution = "test"
synthetic = true
description = "built in a test"
"""


def _folder(tmp_path, *, far_end_gap_m: float):
    """Two roads across a fjord and a ferry: its west end 80 m from the road, its east end ``far_end_gap_m`` away."""
    roads = gpd.GeoDataFrame(
        {"typeVeg": ["enkelBilveg", "enkelBilveg", "bilferje"], "speed_kmh": [80.0, 80.0, 15.0]},
        geometry=[
            shapely.LineString([(X - 5000, Y), (X, Y)]),
            shapely.LineString([(X + 7000 + far_end_gap_m, Y), (X + 12000, Y)]),
            shapely.LineString([(X + 80, Y), (X + 7000, Y)]),
        ],
        crs="EPSG:25832",
    )
    roads.to_file(tmp_path / "net.gpkg", layer="roads", engine="pyogrio")
    (tmp_path / "layers.toml").write_text(_LAYER, encoding="utf-8")
    return tmp_path


def test_check_reports_a_dangling_ferry_end_where_it_is(tmp_path):
    folder = _folder(tmp_path, far_end_gap_m=DEFAULT_FERRY_CONNECT_TOLERANCE_M + 300)
    problems = check_layers(folder)
    assert [(p.record, p.field) for p in problems] == [("layer 'roads'", "ferry")]
    assert "1 car-ferry end(s)" in problems[0].message
    assert f"({X + 7000:.0f}, {Y:.0f})" in problems[0].message  # the east end, not the joined west end
    result = CliRunner().invoke(layers_group, ["--layers", str(folder), "check"])
    assert result.exit_code == 1
    assert "ferry" in result.output and "Traceback" not in result.output


def test_check_accepts_ferry_ends_within_the_tolerance(tmp_path):
    assert check_layers(_folder(tmp_path, far_end_gap_m=DEFAULT_FERRY_CONNECT_TOLERANCE_M - 100)) == []


def test_bundled_roads_have_no_dangling_ferry_end(layers_dir):
    assert not [p for p in check_layers(layers_dir) if p.field == "ferry"]
