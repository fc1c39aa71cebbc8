"""The IDW surface equals the input at the sample points; the GeoTIFF is masked and in EPSG:25832."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely

from landreg.prices import build_price_surface, idw_interpolate, save_price_surface


def test_idw_exact_at_points_and_mean_halfway():
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]])
    values = np.array([10.0, 20.0, 40.0])
    assert idw_interpolate(xy, values, xy) == pytest.approx(values)
    # halfway between the first two: their weights are equal, the third is farther
    mid = idw_interpolate(xy[:2], values[:2], np.array([[50.0, 0.0]]))
    assert mid == pytest.approx([15.0])
    # power 2 by hand: distances 50, 50, sqrt(50² + 100²)
    d = np.array([50.0, 50.0, np.hypot(50, 100)])
    w = 1 / d**2
    assert idw_interpolate(xy, values, np.array([[50.0, 0.0]])) == pytest.approx([np.sum(w * values) / w.sum()])


def test_idw_coincident_points_average():
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0]])
    assert idw_interpolate(xy, np.array([1.0, 3.0, 9.0]), np.array([[0.0, 0.0]])) == pytest.approx([2.0])


def test_surface_equals_input_at_pixel_centres_and_masks(tmp_path):
    # points at pixel centres of a 500 m grid starting at (500 000, 7 000 000)
    points = pd.DataFrame(
        {
            "x": [500_250.0, 501_750.0, 500_750.0],
            "y": [7_001_750.0, 7_000_250.0, 7_000_750.0],
            "price_nok_m2": [1000.0, 2000.0, 1500.0],
        }
    )
    mask = shapely.box(500_000, 7_000_000, 502_000, 7_002_000).difference(
        shapely.box(501_500, 7_001_500, 502_000, 7_002_000)
    )
    surface = build_price_surface(points, mask=mask, pixel_size_m=500)
    grid = surface.values_nok_m2
    assert grid.shape == (4, 4)
    assert grid[0, 0] == pytest.approx(1000.0)  # row 0 is the north edge
    assert grid[3, 3] == pytest.approx(2000.0)
    assert grid[2, 1] == pytest.approx(1500.0)
    assert np.isnan(grid[0, 3])  # outside the mask
    path = save_price_surface(surface, tmp_path / "surface.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 25832
        assert src.res == (500.0, 500.0)
        assert src.nodata == -9999.0
        band = src.read(1, masked=True)
        assert band.mask[0, 3] and not band.mask[0, 0]
        assert band[3, 3] == pytest.approx(2000.0)


def test_kriging_with_pykrige():
    rng = np.random.default_rng(0)
    points = pd.DataFrame({"x": rng.uniform(0, 5000, 30), "y": rng.uniform(0, 5000, 30)})
    points["price_nok_m2"] = 1000 + points["x"] / 10
    surface = build_price_surface(points, bounds=(0, 0, 5000, 5000), pixel_size_m=1000, method="kriging")
    assert np.isfinite(surface.values_nok_m2).all()
    assert 900 < np.nanmean(surface.values_nok_m2) < 1600
