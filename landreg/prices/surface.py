"""A price surface: NOK/m² interpolated over the region and written as a GeoTIFF (EPSG:25832).

Inverse-distance weighting (IDW) is the default: the value at a pixel centre
is ``sum(w_i v_i) / sum(w_i)`` with ``w_i = 1 / d_i ** power`` over the data
points (power 2 by default; all points, or the ``k`` nearest).  At a data point
(``d = 0``) it returns that point's value exactly (the mean when several points
coincide).  Ordinary kriging (``method="kriging"``) uses pykrige, an optional
extra.  Pixels outside the mask (the land of the ten Trondheimsregionen
municipalities) are nodata.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landreg.crs import STORAGE_CRS
from landreg.prices.errors import InsufficientPriceDataError

SURFACE_METHODS = ("idw", "kriging")
NODATA = -9999.0


@dataclass(frozen=True)
class PriceSurface:
    """An interpolated price raster.

    Attributes
    ----------
    values_nok_m2 : ndarray (rows, cols), float32
        NaN outside the mask.
    transform : affine.Affine
        Pixel -> EPSG:25832 coordinates (north-up).
    pixel_size_m : float
    method : str
    crs : str
    n_points : int
    """

    values_nok_m2: np.ndarray
    transform: Any
    pixel_size_m: float
    method: str
    crs: str
    n_points: int

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in EPSG:25832."""
        rows, cols = self.values_nok_m2.shape
        t = self.transform
        return (t.c, t.f + rows * t.e, t.c + cols * t.a, t.f)

    def pixel_centres(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y (EPSG:25832) of every pixel centre, shaped like the raster."""
        rows, cols = self.values_nok_m2.shape
        t = self.transform
        xs = t.c + (np.arange(cols) + 0.5) * t.a
        ys = t.f + (np.arange(rows) + 0.5) * t.e
        return np.meshgrid(xs, ys)


def idw_interpolate(
    xy: np.ndarray,
    values: np.ndarray,
    targets: np.ndarray,
    *,
    power: float = 2.0,
    k: int | None = None,
) -> np.ndarray:
    """Inverse-distance-weighted values at ``targets``; exact at the data points.

    Parameters
    ----------
    xy : array (n, 2)
        Data points (metres).
    values : array (n,)
        The value at each data point.
    targets : array (m, 2)
        Points to interpolate at (metres, same CRS as ``xy``).
    power : float
        Weights ``1 / d ** power``.
    k : int, optional
        Use only the ``k`` nearest points (all points when None).

    Returns
    -------
    array (m,)
    """
    from scipy.spatial import cKDTree

    xy = np.asarray(xy, dtype=float)
    values = np.asarray(values, dtype=float)
    targets = np.asarray(targets, dtype=float).reshape(-1, 2)
    if len(xy) == 0:
        raise InsufficientPriceDataError("IDW needs at least one data point")
    k = len(xy) if k is None else min(int(k), len(xy))
    out = np.empty(len(targets))
    if k == len(xy):  # every point counts: distances to all of them, a block of targets at a time
        return _idw_all(xy, values, targets, power=power, out=out)
    tree = cKDTree(xy)
    for start in range(0, len(targets), 4096):
        d, idx = tree.query(targets[start : start + 4096], k=k)
        d, idx = d.reshape(len(d), -1), idx.reshape(len(idx), -1)
        v = values[idx]
        zero = d == 0
        with np.errstate(divide="ignore"):
            w = np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, d) ** power)
        interp = np.sum(w * v, axis=1) / np.sum(w, axis=1)
        exact = zero.any(axis=1)
        if exact.any():
            interp[exact] = np.sum(np.where(zero, v, 0.0), axis=1)[exact] / zero.sum(axis=1)[exact]
        out[start : start + len(d)] = interp
    return out


#: Target-to-point distances computed at once by :func:`_idw_all` (memory: 8 bytes each, a few arrays).
_BLOCK_DISTANCES = 1_000_000


def _idw_all(xy: np.ndarray, values: np.ndarray, targets: np.ndarray, *, power: float, out: np.ndarray) -> np.ndarray:
    """IDW over every point (what a nearest-``k`` query with ``k = n`` gives, without sorting each target's points)."""
    step = max(1, _BLOCK_DISTANCES // len(xy))
    for start in range(0, len(targets), step):
        t = targets[start : start + step]
        dx, dy = t[:, 0:1] - xy[:, 0], t[:, 1:2] - xy[:, 1]
        d2 = dx * dx + dy * dy  # squared distances: 1 / d ** power = d2 ** (-power / 2)
        zero = d2 == 0
        d2[zero] = 1.0
        w = np.reciprocal(d2, out=d2) if power == 2 else np.power(d2, -power / 2, out=d2)
        w[zero] = 0.0
        interp = (w @ values) / w.sum(axis=1)
        exact = zero.any(axis=1)
        if exact.any():
            interp[exact] = (zero[exact] @ values) / zero[exact].sum(axis=1)
        out[start : start + len(t)] = interp
    return out


def plot_price_points(observations: pd.DataFrame, *, statistic: str = "median") -> pd.DataFrame:
    """One point per plot (its centroid ``x``, ``y``) with the plot's median (or mean) ``price_nok_m2``."""
    grouped = observations.groupby("plot_id", sort=True)
    return grouped.agg(x=("x", "first"), y=("y", "first"), price_nok_m2=("price_nok_m2", statistic)).reset_index()


def region_mask(*, layers_dir: str | Path) -> Any:
    """The land of the ten Trondheimsregionen municipalities (one shapely geometry, EPSG:25832)."""
    import geopandas as gpd

    from landreg.layers.load import load_layer

    municipalities = load_layer("municipalities", layers_dir=layers_dir)
    if not isinstance(municipalities, gpd.GeoDataFrame):
        raise TypeError(f"layer 'municipalities' must be a vector layer, got {type(municipalities).__name__}")
    inside = municipalities[municipalities["trondheimsregionen"].astype(bool)]
    return inside.geometry.union_all()


def build_price_surface(
    points: pd.DataFrame,
    *,
    mask: Any = None,
    bounds: tuple[float, float, float, float] | None = None,
    pixel_size_m: float = 500.0,
    method: str = "idw",
    power: float = 2.0,
    k: int | None = None,
    variogram_model: str = "spherical",
) -> PriceSurface:
    """Interpolate ``price_nok_m2`` of ``points`` onto a grid, masked to ``mask``.

    Parameters
    ----------
    points : DataFrame
        ``x``, ``y`` (EPSG:25832) and ``price_nok_m2`` (e.g. :func:`plot_price_points`).
        One like-for-like price class is expected; select it first.
    mask : shapely geometry, optional
        Area to keep (EPSG:25832), e.g. :func:`region_mask`; pixels whose centre
        lies outside are nodata.  Its bounds give the grid when ``bounds`` is None.
    bounds : (minx, miny, maxx, maxy), optional
        Grid extent; snapped outwards to multiples of ``pixel_size_m``.
    pixel_size_m : float
        Pixel size in metres.
    method : {"idw", "kriging"}
        Inverse distance weighting or ordinary kriging (pykrige).
    power : float
        IDW power (see :func:`idw_interpolate`).
    k : int, optional
        IDW: use only the ``k`` nearest points (see :func:`idw_interpolate`).
    variogram_model : str
        pykrige variogram model for ``method="kriging"``.

    Returns
    -------
    PriceSurface
    """
    from affine import Affine
    from rasterio.features import geometry_mask

    if method not in SURFACE_METHODS:
        raise ValueError(f"method must be one of {SURFACE_METHODS}, got {method!r}")
    pts = points[np.isfinite(points["price_nok_m2"].to_numpy(dtype=float))]
    if len(pts) == 0:
        raise InsufficientPriceDataError("price surface: no points with a price")
    xy = pts[["x", "y"]].to_numpy(dtype=float)
    if bounds is None:
        bounds = tuple(mask.bounds) if mask is not None else (*xy.min(axis=0), *xy.max(axis=0))
    size = float(pixel_size_m)
    minx, miny = np.floor(bounds[0] / size) * size, np.floor(bounds[1] / size) * size
    maxx, maxy = np.ceil(bounds[2] / size) * size, np.ceil(bounds[3] / size) * size
    cols, rows = max(round(float(maxx - minx) / size), 1), max(round(float(maxy - miny) / size), 1)
    transform = Affine(size, 0.0, minx, 0.0, -size, maxy)  # rasterio's from_origin warns with affine 3
    inside = np.ones((rows, cols), dtype=bool)
    if mask is not None:
        inside = geometry_mask([mask], out_shape=(rows, cols), transform=transform, invert=True)
    xs = minx + (np.arange(cols) + 0.5) * size
    ys = maxy - (np.arange(rows) + 0.5) * size
    gx, gy = np.meshgrid(xs, ys)
    targets = np.column_stack([gx[inside], gy[inside]])
    price = pts["price_nok_m2"].to_numpy(dtype=float)
    if method == "idw":
        est = idw_interpolate(xy, price, targets, power=power, k=k)
    else:
        est = _krige(xy, price, targets, variogram_model=variogram_model)
    grid = np.full((rows, cols), np.nan, dtype=np.float32)
    grid[inside] = est
    return PriceSurface(grid, transform, size, method, STORAGE_CRS.to_string(), len(pts))


def _krige(xy: np.ndarray, values: np.ndarray, targets: np.ndarray, *, variogram_model: str) -> np.ndarray:
    try:
        from pykrige.ok import OrdinaryKriging
    except ImportError as exc:  # optional extra
        raise ImportError("ordinary kriging needs pykrige: pip install pykrige") from exc
    ok = OrdinaryKriging(xy[:, 0], xy[:, 1], values, variogram_model=variogram_model)
    est, _ = ok.execute("points", targets[:, 0], targets[:, 1])
    return np.asarray(est, dtype=float)


def save_price_surface(surface: PriceSurface, path: str | Path, *, synthetic: Any = None) -> Path:
    """Write the surface as a single-band float32 GeoTIFF (EPSG:25832, nodata -9999, deflate).

    Parameters
    ----------
    surface : PriceSurface
        The surface.
    path : str or Path
        The GeoTIFF to write.
    synthetic : SyntheticSummary, optional
        What is synthetic in the observations the surface came from
        (:func:`landreg.provenance.summarize_synthetic`); when anything is, the file's tags
        ``SYNTHETIC_NOTICE`` and ``SYNTHETIC_NOTICE_NB`` say so.

    Returns
    -------
    Path
        The written file.
    """
    import rasterio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = np.where(np.isnan(surface.values_nok_m2), NODATA, surface.values_nok_m2).astype(np.float32)
    profile = {
        "driver": "GTiff",
        "height": data.shape[0],
        "width": data.shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": surface.crs,
        "transform": surface.transform,
        "nodata": NODATA,
        "compress": "deflate",
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(1, units="NOK/m2", method=surface.method, n_points=str(surface.n_points))
        if synthetic is not None and synthetic.any_synthetic:
            dst.update_tags(SYNTHETIC_NOTICE=synthetic.text(), SYNTHETIC_NOTICE_NB=synthetic.text("nb"))
    return path
