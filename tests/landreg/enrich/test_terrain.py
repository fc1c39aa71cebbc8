"""Terrain statistics: exact coverage, agreement with exact references, no data never 0."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from shapely import affinity

from landreg.crs import STORAGE_CRS
from landreg.enrich import cell_coverage, compute_terrain, slope_deg_from_dem
from landreg.errors import CRSError
from tests.landreg.enrich._data import write_dem

X0, Y0, PX = 565_500.0, 7_021_500.0, 25.0
TRANSFORM = Affine(PX, 0.0, X0, 0.0, -PX, Y0)


def _plots(rng: np.random.Generator, n: int) -> gpd.GeoDataFrame:
    geoms = []
    for _ in range(n):
        x, y = X0 + rng.uniform(100, 1300), Y0 - rng.uniform(100, 1300)
        p = shapely.box(x, y, x + rng.uniform(20, 120), y + rng.uniform(20, 90))
        geoms.append(affinity.rotate(p, rng.uniform(0, 90), origin="centroid"))
    geoms[0] = geoms[0].difference(geoms[0].centroid.buffer(8))  # a hole
    geoms[1] = shapely.MultiPolygon([geoms[1], shapely.box(X0 + 1400, Y0 - 1400, X0 + 1430, Y0 - 1377)])
    return gpd.GeoDataFrame({"plot_id": [f"p{i}" for i in range(n)]}, geometry=geoms, crs=STORAGE_CRS)


def _exact_weights(geom):
    """Brute-force reference: intersect the polygon with every pixel box of its window (shapely)."""
    minx, miny, maxx, maxy = geom.bounds
    cols = np.arange(int((minx - X0) // PX), int(np.ceil((maxx - X0) / PX)))
    rows = np.arange(int((Y0 - maxy) // PX), int(np.ceil((Y0 - miny) / PX)))
    rr, cc = np.meshgrid(rows, cols, indexing="ij")
    boxes = shapely.box(X0 + cc * PX, Y0 - (rr + 1) * PX, X0 + (cc + 1) * PX, Y0 - rr * PX)
    area = shapely.area(shapely.intersection(geom, boxes))
    keep = area > 1e-9
    return rr[keep], cc[keep], area[keep]


def test_cell_coverage_is_exact():
    plots = _plots(np.random.default_rng(7), 40)
    cov = cell_coverage(plots.geometry.to_numpy(), TRANSFORM)
    for i, geom in enumerate(plots.geometry):
        rr, cc, area = _exact_weights(geom)
        mine = cov.polygon == i
        got = dict(zip(zip(cov.row[mine], cov.col[mine], strict=True), cov.fraction[mine] * PX * PX, strict=True))
        want = dict(zip(zip(rr, cc, strict=True), area, strict=True))
        assert set(got) == set(want)
        assert np.allclose([got[k] for k in want], list(want.values()), atol=1e-6)
        assert sum(got.values()) == pytest.approx(geom.area, rel=1e-9)


def test_zonal_statistics_equal_exact_reference(tmp_path):
    dem = write_dem(tmp_path / "dem.tif", origin=(X0, Y0), size=60, pixel_m=PX)
    plots = _plots(np.random.default_rng(3), 30)
    got = compute_terrain(plots, dem, steep_slope_deg=8.0, tile_px=16)  # small tiles: many batches
    with rasterio.open(dem) as src:
        z = src.read(1).astype(float)
    slope = slope_deg_from_dem(z, pixel_width_m=PX, pixel_height_m=PX)
    for i, geom in enumerate(plots.geometry):
        rr, cc, w = _exact_weights(geom)
        assert got["elevation_mean_m"].iloc[i] == pytest.approx(np.average(z[rr, cc], weights=w), rel=1e-9)
        assert got["elevation_min_m"].iloc[i] == pytest.approx(z[rr, cc].min())
        assert got["elevation_max_m"].iloc[i] == pytest.approx(z[rr, cc].max())
        assert got["slope_mean_deg"].iloc[i] == pytest.approx(np.average(slope[rr, cc], weights=w), rel=1e-9)
        assert got["slope_max_deg"].iloc[i] == pytest.approx(slope[rr, cc].max())
        assert got["steep_share"].iloc[i] == pytest.approx(w[slope[rr, cc] > 8.0].sum() / w.sum(), abs=1e-9)
    assert (got["terrain_status"] == "ok").all()
    assert got["steep_share"].between(0, 1).all() and (got["steep_share"] > 0).any()


def test_zonal_statistics_match_exactextract_within_one_percent(tmp_path):
    import exactextract

    dem = write_dem(tmp_path / "dem.tif", origin=(X0, Y0), size=60, pixel_m=PX)
    plots = _plots(np.random.default_rng(11), 30)
    got = compute_terrain(plots, dem)
    ref = exactextract.exact_extract(str(dem), plots, ["mean", "min", "max"], output="pandas")
    assert np.allclose(got["elevation_mean_m"], ref["mean"], rtol=0.01)
    assert np.allclose(got["elevation_mean_m"], ref["mean"], rtol=1e-6)  # in fact identical
    assert np.allclose(got["elevation_min_m"], ref["min"]) and np.allclose(got["elevation_max_m"], ref["max"])


def test_slope_of_a_plane_is_exact(tmp_path):
    path = tmp_path / "plane.tif"
    rows, cols = np.mgrid[0:40, 0:40]
    z = (cols * PX * 0.1 + rows * PX * 0.2).astype("float32")  # gradient (0.1, 0.2)
    with rasterio.open(
        path, "w", driver="GTiff", width=40, height=40, count=1, dtype="float32", crs="EPSG:25832", transform=TRANSFORM
    ) as dst:
        dst.write(z, 1)
    plot = gpd.GeoDataFrame(geometry=[shapely.box(X0 + 200, Y0 - 600, X0 + 480, Y0 - 310)], crs=STORAGE_CRS)
    want = np.degrees(np.arctan(np.hypot(0.1, 0.2)))
    out = compute_terrain(plot, path, steep_slope_deg=want - 1)
    assert out["slope_mean_deg"].iloc[0] == pytest.approx(want, rel=1e-5)
    assert out["steep_share"].iloc[0] == pytest.approx(1.0)
    assert compute_terrain(plot, path, steep_slope_deg=want + 1)["steep_share"].iloc[0] == 0.0


def test_outside_or_nodata_is_nan_with_status_never_zero(tmp_path):
    path = tmp_path / "holes.tif"
    z = np.full((40, 40), 50.0, dtype="float32")
    z[:, 20:] = -9999.0  # east half nodata
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=40,
        height=40,
        count=1,
        dtype="float32",
        crs="EPSG:25832",
        transform=TRANSFORM,
        nodata=-9999.0,
    ) as dst:
        dst.write(z, 1)
    plots = gpd.GeoDataFrame(
        {"plot_id": ["outside", "nodata", "half", "ok", "edge"]},
        geometry=[
            shapely.box(X0 - 500, Y0 + 100, X0 - 400, Y0 + 200),  # wholly outside the raster
            shapely.box(X0 + 700, Y0 - 300, X0 + 800, Y0 - 200),  # over nodata
            shapely.box(X0 + 450, Y0 - 300, X0 + 550, Y0 - 200),  # half on nodata
            shapely.box(X0 + 100, Y0 - 300, X0 + 200, Y0 - 200),
            shapely.box(X0 - 50, Y0 - 300, X0 + 50, Y0 - 200),  # half outside the raster
        ],
        crs=STORAGE_CRS,
    )
    out = compute_terrain(plots, path)
    assert out["terrain_status"].tolist() == ["no_data", "no_data", "partial", "ok", "partial"]
    for col in ("elevation_min_m", "elevation_mean_m", "elevation_max_m", "slope_mean_deg", "steep_share"):
        assert out[col].iloc[:2].isna().all(), col
    assert out["terrain_data_share"].tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0, 0.5])
    assert out["elevation_mean_m"].iloc[2:].tolist() == pytest.approx([50.0, 50.0, 50.0])
    assert out["slope_mean_deg"].iloc[3] == pytest.approx(0.0)


def test_dem_in_another_crs_is_refused(tmp_path):
    path = tmp_path / "wgs.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=Affine(0.01, 0.0, 10.0, 0.0, -0.01, 63.0),
    ) as dst:
        dst.write(np.zeros((4, 4), dtype="float32"), 1)
    plots = gpd.GeoDataFrame(geometry=[shapely.box(X0, Y0 - 100, X0 + 100, Y0)], crs=STORAGE_CRS)
    with pytest.raises(CRSError, match="EPSG:25832"):
        compute_terrain(plots, path)
