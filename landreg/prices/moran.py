"""Global Moran's I of a variable over k-nearest-neighbour weights, with a seeded permutation test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I and its permutation test.

    Attributes
    ----------
    moran_i : float
        ``(n / S0) * (z' W z) / (z' z)`` with ``z`` the deviations from the mean
        and ``W`` the row-standardised weights (so ``S0 = n``).
    expected_i : float
        ``-1 / (n - 1)``, the expectation under spatial randomness.
    p_value : float
        One-sided pseudo p-value ``(m + 1) / (permutations + 1)``, ``m`` the
        number of permuted I at least as extreme (in the observed direction),
        as esda computes ``p_sim``.
    z_score : float
        ``(I - mean) / std`` of the permuted values.
    permutations, k, n : int
    n_components : int
        Connected components of the weights graph (1 = fully connected).
    seed : int
    """

    moran_i: float
    expected_i: float
    p_value: float
    z_score: float
    permutations: int
    k: int
    n: int
    n_components: int
    seed: int


def knn_weights(xy: np.ndarray, *, k: int = 8) -> Any:
    """Row-standardised k-nearest-neighbour weights (libpysal) on points in metres.

    libpysal's warning about a weights graph that is not fully connected is
    silenced: the number of components is reported in :class:`MoranResult`.
    """
    from libpysal.weights import KNN

    w = KNN.from_array(np.asarray(xy, dtype=float), k=k, silence_warnings=True)
    w.transform = "r"
    return w


def _moran_stat(z: np.ndarray, sparse: Any) -> np.ndarray:
    """I for one vector ``z`` (n,) or a stack (m, n) of centred vectors; row-standardised W."""
    z2 = np.atleast_2d(z)
    lag = np.asarray(sparse.dot(z2.T)).T
    return np.sum(z2 * lag, axis=1) / np.sum(z2 * z2, axis=1)


def morans_i(
    values: np.ndarray,
    xy: np.ndarray | None = None,
    *,
    weights: Any = None,
    k: int = 8,
    permutations: int = 999,
    seed: int = 0,
) -> MoranResult:
    """Global Moran's I of ``values`` at points ``xy`` (EPSG:25832 metres).

    Parameters
    ----------
    values : array (n,)
        The values, one per point.
    xy : array (n, 2), optional
        Point coordinates; used to build :func:`knn_weights` when ``weights`` is None.
    weights : libpysal W, optional
        Weights to use as given (row-standardised here).
    k : int
        Neighbours for the KNN weights.
    permutations : int
        Random permutations of ``values`` for the pseudo p-value.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    MoranResult
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    if weights is None:
        if xy is None:
            raise TypeError("morans_i needs xy or weights")
        weights = knn_weights(xy, k=k)
    else:
        weights.transform = "r"
    if weights.n != n:
        raise ValueError(f"weights are for {weights.n} units but {n} values were given")
    sparse = weights.sparse
    z = y - y.mean()
    observed = float(_moran_stat(z, sparse)[0])
    rng = np.random.default_rng(seed)
    sims = np.empty(permutations)
    batch = 200
    for start in range(0, permutations, batch):
        m = min(batch, permutations - start)
        stack = np.stack([rng.permutation(z) for _ in range(m)])
        sims[start : start + m] = _moran_stat(stack, sparse)
    expected = -1.0 / (n - 1)
    above = np.sum(sims >= observed) if observed >= expected else np.sum(sims <= observed)
    std = sims.std()
    return MoranResult(
        moran_i=observed,
        expected_i=expected,
        p_value=float((above + 1) / (permutations + 1)),
        z_score=float((observed - sims.mean()) / std) if std > 0 else np.nan,
        permutations=permutations,
        k=int(getattr(weights, "k", k)),
        n=n,
        n_components=int(weights.n_components),
        seed=seed,
    )
