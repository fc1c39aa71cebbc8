"""Small vectorised helpers on arrays of LineStrings."""

from __future__ import annotations

import numpy as np
import shapely


def line_ends(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last vertex of every LineString.

    Parameters
    ----------
    geoms : array of LineString
        Non-empty lines (any CRS).

    Returns
    -------
    (ndarray, ndarray)
        Start and end points, ``(n, 2)`` each, in one vectorised pass over the coordinates
        (``shapely.get_point`` per line is several times slower on large arrays).
    """
    coords, index = shapely.get_coordinates(np.asarray(geoms, dtype=object), return_index=True)
    if len(coords) == 0:
        return np.empty((0, 2)), np.empty((0, 2))
    last = np.flatnonzero(np.r_[index[1:] != index[:-1], True])
    first = np.r_[0, last[:-1] + 1]
    return coords[first], coords[last]


def grid_keys(xy: np.ndarray, *, grid_m: float) -> np.ndarray:
    """One int64 per cell of a square grid of ``grid_m`` (points in the same cell get the same key).

    Parameters
    ----------
    xy : ndarray (n, 2)
        Projected coordinates in metres (EPSG:25832: |x|, |y| below 2^31 grid cells).
    grid_m : float
        Cell size.

    Returns
    -------
    ndarray of int64
        ``round(x / grid_m) * 2^32 + round(y / grid_m)``: a 1-D key, so ``np.unique`` and
        ``np.isin`` run on plain integers instead of rows.
    """
    cells = np.round(np.asarray(xy, dtype=float).reshape(-1, 2) / grid_m).astype(np.int64)
    return cells[:, 0] * (1 << 32) + cells[:, 1]
