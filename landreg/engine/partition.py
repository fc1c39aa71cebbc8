"""Spatial partitions of plots: grid cells in Z order, cut into blocks of at most so many plots.

Each plot falls in the grid cell (``cell_m`` metres, EPSG:25832) of the centre of its bounds (from
the geometry, or from the registry's spatial index without reading the geometry);
cells are ordered along a Z-order (Morton) curve, so consecutive cells are near each other,
and the ordered plots are cut into blocks.  A block is a compact piece of the region: the
layers a worker reads for it (raster windows, hazard polygons) are local, and a criterion
that looks at neighbours reads them around the block's bounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

#: Grid cell size of the partitions (metres).
DEFAULT_CELL_M = 1_000.0


def _spread_bits(v: np.ndarray) -> np.ndarray:
    """Bits of 32-bit integers spread to the even bit positions of 64-bit ones."""
    x = v.astype(np.uint64) & np.uint64(0xFFFFFFFF)
    for shift, mask in (
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    ):
        x = (x | (x << np.uint64(shift))) & np.uint64(mask)
    return x


def grid_cell_keys(geometries: np.ndarray, *, cell_m: float = DEFAULT_CELL_M) -> np.ndarray:
    """Z-order key of the grid cell of each geometry's bounds centre (EPSG:25832 metres).

    Parameters
    ----------
    geometries : ndarray of shapely geometries
        In a projected CRS in metres (EPSG:25832); missing geometries share key 0.
    cell_m : float
        Grid cell size in metres.

    Returns
    -------
    ndarray of uint64
    """
    bounds = shapely.bounds(np.asarray(geometries, dtype=object))
    return cell_keys_from_xy((bounds[:, 0] + bounds[:, 2]) / 2.0, (bounds[:, 1] + bounds[:, 3]) / 2.0, cell_m=cell_m)


def cell_keys_from_xy(x_m: np.ndarray, y_m: np.ndarray, *, cell_m: float = DEFAULT_CELL_M) -> np.ndarray:
    """Z-order key of the grid cell of each point (EPSG:25832 metres); NaN points share key 0.

    Parameters
    ----------
    x_m, y_m : ndarray of float
        Easting and northing (e.g. the centres of the plots' bounds).
    cell_m : float
        Grid cell size in metres.

    Returns
    -------
    ndarray of uint64
    """
    cx, cy = np.asarray(x_m, dtype=float), np.asarray(y_m, dtype=float)
    ok = np.isfinite(cx) & np.isfinite(cy)
    if not ok.any():
        return np.zeros(len(cx), dtype=np.uint64)
    ix = np.floor((np.where(ok, cx, 0.0) - np.nanmin(cx[ok])) / cell_m).astype(np.int64)
    iy = np.floor((np.where(ok, cy, 0.0) - np.nanmin(cy[ok])) / cell_m).astype(np.int64)
    keys = _spread_bits(np.clip(ix, 0, None)) | (_spread_bits(np.clip(iy, 0, None)) << np.uint64(1))
    return np.where(ok, keys, np.uint64(0))


def spatial_partitions(frame: pd.DataFrame, *, max_plots: int, cell_m: float = DEFAULT_CELL_M) -> list[np.ndarray]:
    """Row positions of ``frame`` grouped into spatially compact blocks of at most ``max_plots`` rows.

    Parameters
    ----------
    frame : DataFrame
        Plots in EPSG:25832: a GeoDataFrame, or a frame of positions with ``x_m`` and ``y_m``
        (the centres of the plots' bounds, as ``plot_positions`` of a registry gives them).
    max_plots : int
        Largest block (at least 1).
    cell_m : float
        Grid cell size in metres.

    Returns
    -------
    list of ndarray of int
        Every row position exactly once; blocks in Z order of their cells, rows in frame order
        within a cell.
    """
    if len(frame) == 0:
        return []
    if "x_m" in frame.columns and "y_m" in frame.columns:
        keys = cell_keys_from_xy(frame["x_m"].to_numpy(), frame["y_m"].to_numpy(), cell_m=cell_m)
    else:
        keys = grid_cell_keys(frame.geometry.to_numpy(), cell_m=cell_m)
    order = np.argsort(keys, kind="stable")
    size = max(1, int(max_plots))
    return [order[start : start + size] for start in range(0, len(order), size)]
