"""A plot's terrain statistics do not depend on which other plots are computed with it (to the last bit)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine
from shapely import affinity

from landreg.crs import STORAGE_CRS
from landreg.enrich import cell_coverage, compute_terrain
from tests.landreg.enrich._data import write_dem

X0, Y0, PX = 565_500.0, 7_021_500.0, 25.0
TRANSFORM = Affine(PX, 0.0, X0, 0.0, -PX, Y0)


def _plots(n: int, *, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    geoms = []
    for _ in range(n):
        x, y = X0 + rng.uniform(100, 1300), Y0 - rng.uniform(100, 1300)
        box = shapely.box(x, y, x + rng.uniform(20, 160), y + rng.uniform(20, 120))
        geoms.append(affinity.rotate(box, rng.uniform(0, 90), origin="centroid"))
    return gpd.GeoDataFrame({"plot_id": [f"p{i}" for i in range(n)]}, geometry=geoms, crs=STORAGE_CRS)


def test_cell_coverage_of_a_polygon_is_the_same_alone_and_in_a_batch():
    geoms = _plots(60, seed=11).geometry.to_numpy()
    batch = cell_coverage(geoms, TRANSFORM)
    for i in range(len(geoms)):
        alone = cell_coverage(geoms[i : i + 1], TRANSFORM)
        mine = batch.polygon == i
        np.testing.assert_array_equal(batch.row[mine], alone.row)
        np.testing.assert_array_equal(batch.col[mine], alone.col)
        np.testing.assert_array_equal(batch.fraction[mine], alone.fraction)  # exact, not approximately


def test_terrain_of_a_subset_equals_the_whole_run_exactly(tmp_path):
    dem = write_dem(tmp_path / "dem.tif", origin=(X0, Y0), size=60, pixel_m=PX)
    plots = _plots(80, seed=5)
    whole = compute_terrain(plots, dem)
    rng = np.random.default_rng(2)
    for _ in range(4):
        rows = np.sort(rng.choice(len(plots), size=17, replace=False))
        part = compute_terrain(plots.iloc[rows], dem)
        pd.testing.assert_frame_equal(part, whole.iloc[rows], check_exact=True)
