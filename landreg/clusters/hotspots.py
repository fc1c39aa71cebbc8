"""Price hot and cold spots: Local Moran's I and Getis-Ord Gi* with seeded conditional permutations and FDR.

The statistics are those of PySAL ``esda`` (``Moran_Local`` with row-standardised
weights; ``G_Local(star=True)`` with the self weight 1 added to binary weights
before row standardisation), computed here in numpy so that the permutation
test is seeded with :func:`numpy.random.default_rng` and vectorised:

* ``I_i = (n - 1) z_i (W z)_i / sum(z²)`` with ``z = y - mean(y)``;
* ``G*_i = (W* y)_i / sum(y)``, its z-score from the analytical mean and variance;
* conditional randomisation: ``y_i`` fixed, its neighbours drawn from the other
  ``n - 1`` values; pseudo p-value ``(m + 1) / (P + 1)`` with ``m`` the draws at
  least as extreme in the observed direction ("folded", as esda's ``p_sim``);
* Benjamini–Hochberg false-discovery-rate threshold (``esda.fdr``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
from scipy import sparse, stats
from scipy.spatial import cKDTree

from landreg.json_values import frame_records


def knn_neighbours(xy: np.ndarray, *, k: int = 8) -> np.ndarray:
    """Indices (n, k) of each point's ``k`` nearest other points."""
    k = min(k, len(xy) - 1)
    _, idx = cKDTree(xy).query(xy, k=k + 1)
    return idx[:, 1:]


def _row_standardised(neighbours: np.ndarray, *, self_weight: bool) -> sparse.csr_matrix:
    n, k = neighbours.shape
    rows = np.repeat(np.arange(n), k)
    cols = neighbours.ravel()
    if self_weight:
        rows, cols = np.concatenate([rows, np.arange(n)]), np.concatenate([cols, np.arange(n)])
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return sparse.diags(1.0 / np.asarray(m.sum(axis=1)).ravel()) @ m


def _folded_p(sim: np.ndarray, observed: np.ndarray) -> np.ndarray:
    perms = sim.shape[1]
    larger = (sim >= observed[:, None]).sum(axis=1)
    low = (perms - larger) < larger
    larger = np.where(low, perms - larger, larger)
    return (larger + 1.0) / (perms + 1.0)


def _random_neighbour_values(
    y: np.ndarray, k: int, permutations: int, rng: np.random.Generator, *, reduce: str, chunk: int = 256
) -> np.ndarray:
    """(n, P) ``reduce`` (``"mean"`` or ``"sum"``) of the values of ``k`` random other observations per
    observation and permutation.

    The draws are those of ``argsort(rng.random((P, n - 1)))[:, :k]`` (without replacement), taken
    one permutation's row at a time, and the (n, P, k) values are reduced a chunk of observations
    at a time: memory grows with n × P, not n × P × k.
    """
    n = len(y)
    draws = np.empty((permutations, k), dtype=np.int64)
    for p in range(permutations):  # rng.random fills row by row: the same numbers as one (P, n - 1) call
        r = rng.random(n - 1)
        smallest = np.argpartition(r, k - 1)[:k] if k < n - 1 else np.arange(n - 1)
        draws[p] = smallest[np.argsort(r[smallest])]
    out = np.empty((n, permutations))
    for start in range(0, n, chunk):
        i = np.arange(start, min(n, start + chunk))[:, None, None]
        idx = draws[None, :, :] + (draws[None, :, :] >= i)  # skip observation i itself
        values = y[idx]
        out[start : start + len(i)] = values.mean(axis=2) if reduce == "mean" else values.sum(axis=2)
    return out


def local_moran(
    y: np.ndarray, *, neighbours: np.ndarray, permutations: int = 999, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Local Moran's I, folded pseudo p-values and quadrants (1 HH, 2 LH, 3 LL, 4 HL) on kNN weights.

    Parameters
    ----------
    y : ndarray (n,)
        The values, one per point.
    neighbours : ndarray (n, k)
        From :func:`knn_neighbours` (equal weights 1/k after row standardisation).
    permutations : int
        Conditional permutations for the pseudo p-values.
    seed : int
        Seed of :func:`numpy.random.default_rng`: the same seed gives the same p-values.
    """
    y = np.asarray(y, dtype=float)
    n, k = neighbours.shape
    z = y - y.mean()
    den = (z * z).sum()
    w = _row_standardised(neighbours, self_weight=False)
    lag = w @ z
    moran_i = (n - 1) * z * lag / den
    quadrant = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
    p = np.full(n, np.nan)
    if permutations:
        rng = np.random.default_rng(seed)
        sim_lag = _random_neighbour_values(z, k, permutations, rng, reduce="mean")
        sim = (n - 1) * z[:, None] * sim_lag / den
        p = _folded_p(sim, moran_i)
    return moran_i, p, quadrant


def local_gistar(
    y: np.ndarray, *, neighbours: np.ndarray, permutations: int = 999, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Getis-Ord Gi* (self included, row-standardised), its analytical z-score and folded pseudo p-values."""
    y = np.asarray(y, dtype=float)
    n, k = neighbours.shape
    w = _row_standardised(neighbours, self_weight=True)
    total = y.sum()
    g = (w @ y) / total
    mean = total / n
    var = (y**2).sum() / n - mean**2
    card = np.asarray(w.sum(axis=1)).ravel()
    expected = card / n
    variance = card * (n - card) / (n - 1) / n**2 * var / mean**2
    zs = (g - expected) / np.sqrt(variance)
    p = np.full(n, np.nan)
    if permutations:
        rng = np.random.default_rng(seed)
        sim = (_random_neighbour_values(y, k, permutations, rng, reduce="sum") + y[:, None]) / (k + 1) / total
        p = _folded_p(sim, g)
    return g, zs, p


def fdr_threshold(p: np.ndarray, *, alpha: float = 0.05) -> float:
    """Benjamini–Hochberg p-value cut-off (as ``esda.fdr``; ``alpha / n`` when nothing passes)."""
    p = np.sort(np.asarray(p, dtype=float))
    n = len(p)
    passed = p <= alpha * np.arange(1, n + 1) / n
    return float(p[np.flatnonzero(passed)[-1]]) if passed.any() else alpha / n


@dataclass
class HotSpots:
    """Price hot and cold spots per priced plot.

    Attributes
    ----------
    frame : GeoDataFrame
        ``price_nok_m2``, ``moran_i``, ``moran_p``, ``moran_quadrant`` (HH, LH, LL, HL),
        ``gi_star``, ``gi_z``, ``gi_p``, ``moran_class`` and ``gi_class`` (``hot``, ``cold``,
        ``high_outlier``, ``low_outlier`` or ``not_significant`` after the FDR threshold).
    params : dict
        k, permutations, seed, alpha and the FDR thresholds.
    """

    frame: gpd.GeoDataFrame
    params: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable (no geometries)."""
        cols = [
            "plot_id",
            "code",
            "business_area_id",
            "price_nok_m2",
            "moran_i",
            "moran_p",
            "moran_quadrant",
            "moran_class",
            "gi_star",
            "gi_z",
            "gi_p",
            "gi_class",
        ]
        return {"params": self.params, "plots": frame_records(self.frame, columns=cols)}


def price_hotspots(
    plots: gpd.GeoDataFrame,
    *,
    k: int = 8,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    value: str = "price_nok_m2",
) -> HotSpots:
    """Local Moran and Gi* of the asking price over k-nearest-neighbour weights, FDR-corrected.

    Parameters
    ----------
    plots : GeoDataFrame
        EPSG:25832; plots without a price are left out.
    k : int
        Nearest neighbours in the weights.
    permutations : int
        Conditional permutations for the pseudo p-values.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    alpha : float
        False-discovery rate for a significant hot or cold spot.
    value : str
        Column to test (derived from min/max asking price when absent).

    Returns
    -------
    HotSpots
    """
    from landreg.prices.asking import price_nok_m2

    y_all = plots[value].to_numpy(dtype=float) if value in plots.columns else price_nok_m2(plots)
    keep = np.isfinite(y_all)
    frame = plots[keep].copy()
    frame[value] = y_all[keep]
    pts = frame.geometry.representative_point()
    xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
    nb = knn_neighbours(xy, k=k)
    moran_i, mp, quad = local_moran(frame[value].to_numpy(), neighbours=nb, permutations=permutations, seed=seed)
    g, gz, gp = local_gistar(frame[value].to_numpy(), neighbours=nb, permutations=permutations, seed=seed + 1)
    m_cut, g_cut = fdr_threshold(mp, alpha=alpha), fdr_threshold(gp, alpha=alpha)
    frame["moran_i"], frame["moran_p"] = moran_i, mp
    frame["moran_quadrant"] = np.array(["", "HH", "LH", "LL", "HL"], dtype=object)[quad]
    names = {1: "hot", 2: "low_outlier", 3: "cold", 4: "high_outlier"}
    frame["moran_class"] = [names[q] if p <= m_cut else "not_significant" for q, p in zip(quad, mp, strict=True)]
    frame["gi_star"], frame["gi_z"], frame["gi_p"] = g, gz, gp
    frame["gi_class"] = np.where(gp <= g_cut, np.where(gz > 0, "hot", "cold"), "not_significant")
    frame["gi_p_norm"] = stats.norm.sf(np.abs(gz))
    params = {
        "k": int(nb.shape[1]),
        "permutations": permutations,
        "seed": seed,
        "alpha": alpha,
        "moran_fdr_threshold": m_cut,
        "gi_fdr_threshold": g_cut,
        "n": len(frame),
    }
    return HotSpots(frame=gpd.GeoDataFrame(frame, geometry="geometry", crs=plots.crs), params=params)
