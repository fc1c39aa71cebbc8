"""The example files follow their recipe (examples/README.md) on the bundled demonstration plots."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from landreg.crs import STORAGE_CRS
from landreg.layers import load_layer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _heg_001() -> shapely.Geometry:
    plots = load_layer("demo_plots", layers_dir=ROOT / "layers")
    return plots.set_index("code").geometry["HEG-001"]


def test_split_line_crosses_the_middle_of_heg_001():
    plot = _heg_001()
    minx, miny, maxx, maxy = plot.bounds
    line = gpd.read_file(EXAMPLES / "heg-001-split-line.geojson").to_crs(STORAGE_CRS).geometry.iloc[0]
    expected = shapely.LineString([((minx + maxx) / 2, miny - 20), ((minx + maxx) / 2, maxy + 20)])
    assert shapely.hausdorff_distance(line, expected) < 0.01
    assert len(shapely.get_parts(shapely.ops.split(plot, line))) == 2


def test_parts_are_the_south_and_north_halves_of_heg_001():
    plot = _heg_001()
    parts = gpd.read_file(EXAMPLES / "heg-001-parts.geojson").to_crs(STORAGE_CRS).set_index("code").geometry
    assert sorted(parts.index) == ["HEG-001-N", "HEG-001-S"]
    middle_y = (plot.bounds[1] + plot.bounds[3]) / 2
    assert abs(parts["HEG-001-S"].bounds[3] - middle_y) < 0.01
    assert abs(parts["HEG-001-N"].bounds[1] - middle_y) < 0.01
    assert shapely.symmetric_difference(shapely.union_all(parts.values), plot).area < 0.5
