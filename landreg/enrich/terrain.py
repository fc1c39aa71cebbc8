"""Terrain per plot from a DEM: elevation, slope and the share of steep ground, coverage-weighted.

* Each cell counts with the exact fraction of it that the plot covers
  (:func:`~landreg.enrich.coverage.cell_coverage`), so means and shares are
  exact area-weighted values; min and max are over every cell the plot
  touches (coverage > 0), as in exactextract.
* Slope (degrees) is ``arctan(|∇z|)`` with :func:`numpy.gradient` (central
  differences) using the pixel size; it needs a cell's four neighbours, so it
  is missing next to nodata and on the raster's outermost cells.
* Plots are processed in batches by raster tile: plots are grouped by the
  ``tile_px`` tile their window starts in, one window covering the group (plus
  a one-cell halo for the gradient) is read, slope is computed on it once,
  and all the group's cells are gathered with fancy indexing.
* Cells outside the raster or nodata are left out.  A plot with no cell of
  data gets NaN and ``terrain_status = "no_data"`` — never 0; one with some
  gets its statistics over the part with data and ``"partial"``
  (``terrain_data_share`` says how much); otherwise ``"ok"``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio.windows import Window

from landreg.crs import STORAGE_CRS, to_storage_crs
from landreg.enrich.coverage import cell_coverage, polygon_windows
from landreg.errors import CRSError

DEFAULT_STEEP_SLOPE_DEG = 10.0
DEFAULT_TILE_PX = 1024
#: Plots whose data covers less than this share of their area are "partial".
FULL_DATA_SHARE = 0.999
TERRAIN_COLUMNS = (
    "elevation_min_m",
    "elevation_mean_m",
    "elevation_max_m",
    "slope_mean_deg",
    "slope_max_deg",
    "steep_share",
    "terrain_data_share",
    "terrain_status",
)


def _read_window(src: rasterio.DatasetReader, row0: int, col0: int, row1: int, col1: int) -> np.ndarray:
    """Band 1 over the window (may reach outside the raster) as float64, NaN outside and on nodata."""
    out = np.full((row1 - row0, col1 - col0), np.nan)
    r0, c0 = max(row0, 0), max(col0, 0)
    r1, c1 = min(row1, src.height), min(col1, src.width)
    if r1 > r0 and c1 > c0:
        data = src.read(1, window=Window(c0, r0, c1 - c0, r1 - r0), masked=True)
        out[r0 - row0 : r1 - row0, c0 - col0 : c1 - col0] = data.astype(float).filled(np.nan)
    return out


def slope_deg_from_dem(elevation: np.ndarray, *, pixel_width_m: float, pixel_height_m: float) -> np.ndarray:
    """Slope in degrees by central differences (NaN where a neighbour is missing, and on the border)."""
    dz_dy, dz_dx = np.gradient(elevation, pixel_height_m, pixel_width_m)
    slope = np.degrees(np.arctan(np.hypot(dz_dx, dz_dy)))
    slope[0, :] = slope[-1, :] = np.nan
    slope[:, 0] = slope[:, -1] = np.nan
    return slope


def _segment_reduce(values: np.ndarray, starts: np.ndarray, present: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    """``ufunc.reduceat`` over each polygon's cells (contiguous); NaN for polygons without cells or data."""
    out = np.full(len(present), np.nan)
    if len(values):
        red = ufunc.reduceat(values, starts[present])
        out[present] = np.where(np.isfinite(red), red, np.nan)
    return out


def compute_terrain(
    plots: gpd.GeoDataFrame,
    dem_path: str | Path,
    *,
    steep_slope_deg: float = DEFAULT_STEEP_SLOPE_DEG,
    tile_px: int = DEFAULT_TILE_PX,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Coverage-weighted elevation and slope statistics per plot.

    Parameters
    ----------
    plots : GeoDataFrame
        Plot polygons with a declared CRS (EPSG:25832 after transform).
    dem_path : str or Path
        A single-band, north-up GeoTIFF in EPSG:25832 (metres), with nodata declared when it has any.
    steep_slope_deg : float
        Threshold for ``steep_share`` (share of the plot's area steeper than this).
    tile_px : int
        Plots are read and processed in groups by tiles of this many cells.
    progress : callable, optional
        Called with the number of plots finished after each group.

    Returns
    -------
    DataFrame
        Indexed like ``plots``: ``elevation_min_m``, ``elevation_mean_m``,
        ``elevation_max_m``, ``slope_mean_deg``, ``slope_max_deg``,
        ``steep_share`` (0–1), ``terrain_data_share`` and ``terrain_status``
        (``ok``, ``partial``, ``no_data``).

    Raises
    ------
    CRSError
        When the DEM is not in EPSG:25832.
    """
    plots = to_storage_crs(plots, where="plots")
    geoms = plots.geometry.to_numpy()
    n = len(geoms)
    res = {c: np.full(n, np.nan) for c in TERRAIN_COLUMNS if c != "terrain_status"}
    res["terrain_data_share"] = np.zeros(n)
    with rasterio.open(dem_path) as src:
        if src.crs is None or not STORAGE_CRS.equals(src.crs.to_wkt()):
            raise CRSError(f"DEM {Path(dem_path).name} is in {src.crs}; expected EPSG:25832 (reproject it first)")
        transform = src.transform
        pixel_m2 = abs(transform.a * transform.e)
        usable = ~(plots.geometry.isna() | plots.geometry.is_empty).to_numpy()
        idx_all = np.flatnonzero(usable)
        windows = polygon_windows(geoms[idx_all], transform)
        tile = (windows[:, 0] // tile_px) * 1_000_003 + windows[:, 1] // tile_px
        order = np.argsort(tile, kind="stable")
        bounds = np.flatnonzero(np.diff(tile[order])) + 1
        for group in np.split(order, bounds):
            if not len(group):
                continue
            win = windows[group]
            r0, c0 = int(win[:, 0].min()) - 1, int(win[:, 1].min()) - 1
            r1, c1 = int(win[:, 2].max()) + 1, int(win[:, 3].max()) + 1
            elevation = _read_window(src, r0, c0, r1, c1)
            slope = slope_deg_from_dem(elevation, pixel_width_m=transform.a, pixel_height_m=-transform.e)
            _group_stats(
                geoms[idx_all[group]],
                win,
                transform,
                elevation,
                slope,
                (r0, c0),
                pixel_m2,
                steep_slope_deg,
                idx_all[group],
                res,
            )
            if progress is not None:
                progress(len(group))
    status = np.where(
        res["terrain_data_share"] <= 0,
        "no_data",
        np.where(res["terrain_data_share"] < FULL_DATA_SHARE, "partial", "ok"),
    ).astype(object)
    out = pd.DataFrame({c: res[c] for c in TERRAIN_COLUMNS if c != "terrain_status"}, index=plots.index)
    out["terrain_status"] = status
    return out[list(TERRAIN_COLUMNS)]


def _group_stats(
    geoms: np.ndarray,
    windows: np.ndarray,
    transform: rasterio.Affine,
    elevation: np.ndarray,
    slope: np.ndarray,
    origin: tuple[int, int],
    pixel_m2: float,
    steep_slope_deg: float,
    target: np.ndarray,
    res: dict[str, np.ndarray],
) -> None:
    cov = cell_coverage(geoms, transform, windows=windows)
    k = len(geoms)
    z = elevation[cov.row - origin[0], cov.col - origin[1]]
    s = slope[cov.row - origin[0], cov.col - origin[1]]
    w = cov.fraction * pixel_m2
    has_z, has_s = np.isfinite(z), np.isfinite(s)
    area = np.bincount(cov.polygon, weights=w, minlength=k)
    area_z = np.bincount(cov.polygon, weights=np.where(has_z, w, 0.0), minlength=k)
    area_s = np.bincount(cov.polygon, weights=np.where(has_s, w, 0.0), minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_z = np.bincount(cov.polygon, weights=np.where(has_z, w * z, 0.0), minlength=k) / area_z
        mean_s = np.bincount(cov.polygon, weights=np.where(has_s, w * s, 0.0), minlength=k) / area_s
        steep = np.bincount(cov.polygon, weights=np.where(has_s & (s > steep_slope_deg), w, 0.0), minlength=k) / area_s
        share = np.where(area > 0, area_z / area, 0.0)
    counts = np.bincount(cov.polygon, minlength=k)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    present = counts > 0
    ok_z, ok_s = area_z > 0, area_s > 0
    res["elevation_min_m"][target] = np.where(
        ok_z, _segment_reduce(np.where(has_z, z, np.inf), starts, present, np.minimum), np.nan
    )
    res["elevation_max_m"][target] = np.where(
        ok_z, _segment_reduce(np.where(has_z, z, -np.inf), starts, present, np.maximum), np.nan
    )
    res["elevation_mean_m"][target] = np.where(ok_z, mean_z, np.nan)
    res["slope_mean_deg"][target] = np.where(ok_s, mean_s, np.nan)
    res["slope_max_deg"][target] = np.where(
        ok_s, _segment_reduce(np.where(has_s, s, -np.inf), starts, present, np.maximum), np.nan
    )
    res["steep_share"][target] = np.where(ok_s, steep, np.nan)
    res["terrain_data_share"][target] = share
