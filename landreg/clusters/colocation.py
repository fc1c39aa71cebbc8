"""Co-location of related industries: local co-location quotients and the synergy criterion.

The local co-location quotient (Leslie & Kronenfeld 2011; Wang, Hu, Wang & Kong 2017)
of a point ``i`` towards category ``B`` is

    LCLQ_i = N_B,i / (N_B / (N - 1)),   N_B,i = sum_j w_ij [j in B] / sum_j w_ij,

over its ``k`` nearest firms ``j != i`` with adaptive Gaussian kernel weights
``w_ij = exp(-0.5 d_ij² / b_i²)`` (``b_i`` the distance to the k-th neighbour).
1 means as many ``B`` firms nearby as across the region; 2 twice as many.

For a *plot* (a candidate site, not a firm) the same ratio is taken around the
plot's representative point, over all firms, with ``N`` in place of ``N - 1``:
the synergy criterion is ``q / (1 + q)`` (0 = no related firm nearby, 0.5 = the
regional average, -> 1 = strongly clustered), 0 when no firm lies within
``max_distance_m``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from landreg.clusters.firms import firms_from_plots
from landreg.clusters.industries import is_related, related_codes
from landreg.scoring.context import ScoringContext, unscoreable_columns

DEFAULT_K = 10
DEFAULT_MAX_DISTANCE_M = 5_000.0


def _kernel(d: np.ndarray, *, max_distance_m: float) -> np.ndarray:
    """Adaptive Gaussian weights per row of distances ``d`` (n, k); inf distances get weight 0."""
    finite = np.isfinite(d) & (d <= max_distance_m)
    dd = np.where(finite, d, np.nan)
    band = np.nanmax(dd, axis=1, initial=0.0)
    band = np.where(band > 0, band, 1.0)[:, None]
    w = np.exp(-0.5 * (np.nan_to_num(dd, nan=0.0) / band) ** 2)
    return np.where(finite, w, 0.0)


def local_colocation_quotients(
    xy: np.ndarray,
    *,
    is_a: np.ndarray,
    is_b: np.ndarray,
    k: int = DEFAULT_K,
    max_distance_m: float = np.inf,
) -> np.ndarray:
    """LCLQ ``A -> B`` of every firm in ``A`` (NaN for the others).

    Parameters
    ----------
    xy : ndarray (n, 2)
        Firm coordinates in metres (EPSG:25832).
    is_a, is_b : ndarray of bool
        Category masks.
    k : int
        Neighbours (excluding the firm itself).
    max_distance_m : float
        Neighbours farther away get weight 0.

    Returns
    -------
    ndarray (n,)
    """
    n = len(xy)
    out = np.full(n, np.nan)
    n_b = int(is_b.sum())
    if n < 2 or n_b == 0 or not is_a.any():
        return out
    kk = min(k, n - 1)
    d, idx = cKDTree(xy).query(xy[is_a], k=kk + 1)
    d, idx = d[:, 1:], idx[:, 1:]  # drop the firm itself (distance 0, first)
    w = _kernel(d, max_distance_m=max_distance_m)
    wsum = w.sum(axis=1)
    local = np.divide((w * is_b[idx]).sum(axis=1), wsum, out=np.zeros(len(wsum)), where=wsum > 0)
    # a firm of A that is also B does not count itself in N_B
    n_b_i = n_b - (is_b[is_a]).astype(int)
    out[is_a] = local / (n_b_i / (n - 1))
    return out


def synergy_scores(
    plots: pd.DataFrame,
    *,
    industry_nace: Iterable[str],
    firms: pd.DataFrame,
    k: int = DEFAULT_K,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
) -> pd.Series:
    """Synergy of each plot for an industry: ``q / (1 + q)`` of the local quotient of related firms.

    Parameters
    ----------
    plots : GeoDataFrame
        Polygons in EPSG:25832.
    industry_nace : iterable of str
        NACE codes of the industry; related codes come from ``industries.toml``.
        Empty: every firm counts as related (q = 1 where firms are near, synergy 0.5).
    firms : GeoDataFrame
        Firm points of the whole region (:func:`~landreg.clusters.firms.firms_from_plots` of every
        live plot, sold and occupied ones included): the firms of the plots being scored alone
        would miss nearly all of them.
    k : int
        Number of nearest firms in the kernel (its bandwidth is the distance to the k-th).
    max_distance_m : float
        Synergy is 0 for a plot with no firm within this distance (metres).

    Returns
    -------
    Series
        Indexed like ``plots``, 0..1; NaN when there are no firms at all.
    """
    codes = related_codes(industry_nace)
    if len(firms) == 0:
        return pd.Series(np.nan, index=plots.index, name="synergy_score")
    fxy = np.column_stack([firms.geometry.x.to_numpy(), firms.geometry.y.to_numpy()])
    related = is_related(firms["nace"].to_numpy(), codes) if codes else np.ones(len(firms), dtype=bool)
    share = related.mean()
    pts = plots.geometry.representative_point()
    pxy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
    kk = min(k, len(firms))
    d, idx = cKDTree(fxy).query(pxy, k=kk)
    d, idx = d.reshape(len(pxy), kk), idx.reshape(len(pxy), kk)
    w = _kernel(d, max_distance_m=max_distance_m)
    wsum = w.sum(axis=1)
    local = np.divide(
        (w * related[np.minimum(idx, len(firms) - 1)]).sum(axis=1), wsum, out=np.zeros(len(wsum)), where=wsum > 0
    )
    q = local / share if share > 0 else np.zeros(len(local))
    return pd.Series(q / (1.0 + q), index=plots.index, name="synergy_score")


def scoring_context(
    plots: pd.DataFrame, *, industry_nace: Iterable[str], areas: pd.DataFrame | None = None
) -> ScoringContext:
    """What scores take from the whole registry: synergy of every plot and the criteria no plot can score.

    Build it from *every* live plot, before choosing the plots to score, so that a plot's
    score does not depend on which other plots are scored with it.

    Parameters
    ----------
    plots : GeoDataFrame
        Every live enriched plot of the registry (EPSG:25832), with ``plot_id`` and ``occupants``.
    industry_nace : iterable of str
        NACE codes of the industry the synergy is for (a profile's ``industry_nace``).
    areas : GeoDataFrame, optional
        Business areas; their firms not placed on a plot count too.

    Returns
    -------
    ScoringContext
    """
    firms = firms_from_plots(plots, areas=areas)
    synergy = synergy_scores(plots, industry_nace=industry_nace, firms=firms)
    by_plot = pd.Series(synergy.to_numpy(), index=plots["plot_id"].astype(str).to_numpy(), name="synergy_score")
    return ScoringContext(synergy_score=by_plot, not_applicable=unscoreable_columns(plots))
