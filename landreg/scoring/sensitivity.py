"""Rank stability under weight uncertainty: a seeded, vectorised Monte Carlo over the weights.

Each draw multiplies every active weight by an independent factor drawn
uniformly from ``[1 - spread, 1 + spread]`` and rescales the weights to sum 1;
the criterion values stay as scored.  Scores of all plots for a block of draws
are one matrix product, ranks come from one ``argsort`` per block, and only
running sums and a percentile histogram are kept (memory ``O(n_plots * 100)``,
not ``O(n_plots * n_draws)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from landreg.json_values import frame_records
from landreg.scoring.score import ScoreResult

_BINS = 100


@dataclass
class SensitivityResult:
    """Rank statistics per scored plot over the draws.

    Attributes
    ----------
    frame : DataFrame
        Indexed like the scored plots (excluded plots left out): ``rank`` (with the profile's
        weights), ``rank_mean``, ``rank_std``, ``rank_min``, ``rank_max``, ``pct_p05`` / ``pct_p95``
        (5th / 95th percentile of the plot's percentile position, 1 % resolution; 100 = best),
        ``top_decile_share`` (share of draws in the best 10 %), ``top_n_share`` and
        ``stability`` (``1 - (pct_p95 - pct_p05) / 100``).
    n_draws, seed : int
    spread : float
    top_n : int
    """

    frame: pd.DataFrame
    n_draws: int
    seed: int
    spread: float
    top_n: int
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable parameters and per-plot statistics."""
        return {
            "n_draws": self.n_draws,
            "seed": self.seed,
            "spread": self.spread,
            "top_n": self.top_n,
            **self.params,
            "plots": frame_records(self.frame.reset_index()),
        }


def draw_weights(weights: np.ndarray, *, n_draws: int, spread: float, rng: np.random.Generator) -> np.ndarray:
    """``n_draws`` perturbed weight vectors (rows sum to 1)."""
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(n_draws, len(weights)))
    drawn = factors * weights[None, :]
    return drawn / drawn.sum(axis=1, keepdims=True)


def rank_matrix(scores: np.ndarray) -> np.ndarray:
    """Ranks (1 = best; ties broken by position) of each row of ``scores`` (n_draws, n_plots)."""
    order = np.argsort(-scores, axis=1, kind="stable")
    ranks = np.empty_like(order, dtype=np.int32)
    np.put_along_axis(ranks, order, np.arange(1, scores.shape[1] + 1, dtype=np.int32)[None, :], axis=1)
    return ranks


def rank_stability(
    result: ScoreResult,
    *,
    n_draws: int = 1000,
    spread: float = 0.5,
    seed: int = 0,
    top_n: int = 10,
    block: int = 50,
) -> SensitivityResult:
    """Monte Carlo rank stability of the scored (non-excluded) plots of ``result``.

    Parameters
    ----------
    result : ScoreResult
        Scores of :func:`~landreg.scoring.score_plots`; its profile's weights are perturbed.
    n_draws : int
        Number of perturbed weight draws.
    spread : float
        Relative weight perturbation, 0 <= spread < 1.
    seed : int
        Seed of :func:`numpy.random.default_rng`: the same seed gives the same statistics.
    top_n : int
        ``top_n_share`` counts draws with rank <= ``top_n``.
    block : int
        Draws per matrix product (memory ``block * n_plots`` floats).

    Returns
    -------
    SensitivityResult
    """
    if not 0 <= spread < 1:
        raise ValueError(f"spread must be in [0, 1), got {spread}")
    keep = ~result.frame["excluded"].to_numpy()
    values = result.values[keep].astype(np.float32)
    n = len(values)
    weights = np.array(list(result.effective_weights().values()))
    rng = np.random.default_rng(seed)
    total = np.zeros(n)
    total_sq = np.zeros(n)
    rmin = np.full(n, np.iinfo(np.int32).max, dtype=np.int64)
    rmax = np.zeros(n, dtype=np.int64)
    top_dec = np.zeros(n, dtype=np.int64)
    top = np.zeros(n, dtype=np.int64)
    hist = np.zeros(n * _BINS, dtype=np.int64)
    offsets = (np.arange(n, dtype=np.int64) * _BINS)[None, :]
    decile = max(1, int(np.ceil(n / 10)))
    done = 0
    while done < n_draws:
        m = min(block, n_draws - done)
        w = draw_weights(weights, n_draws=m, spread=spread, rng=rng).astype(np.float32)
        ranks = rank_matrix(w @ values.T)  # (m, n)
        total += ranks.sum(axis=0)
        total_sq += (ranks.astype(np.float64) ** 2).sum(axis=0)
        np.minimum(rmin, ranks.min(axis=0), out=rmin)
        np.maximum(rmax, ranks.max(axis=0), out=rmax)
        top_dec += (ranks <= decile).sum(axis=0)
        top += (ranks <= top_n).sum(axis=0)
        # percentile position 100 = best: bin b = floor((n - rank) * 100 / n), 0..99
        bins = ((n - ranks).astype(np.int64) * _BINS) // max(n, 1)
        hist += np.bincount((bins + offsets).ravel(), minlength=n * _BINS)
        done += m
    cum = np.cumsum(hist.reshape(n, _BINS), axis=1) / max(n_draws, 1)
    p05 = np.argmax(cum >= 0.05, axis=1) + 1.0
    p95 = np.argmax(cum >= 0.95, axis=1) + 1.0
    mean = total / n_draws
    frame = pd.DataFrame(
        {
            "rank": result.frame["rank"].to_numpy()[keep],
            "rank_mean": mean,
            "rank_std": np.sqrt(np.maximum(total_sq / n_draws - mean**2, 0.0)),
            "rank_min": rmin,
            "rank_max": rmax,
            "pct_p05": p05,
            "pct_p95": p95,
            "top_decile_share": top_dec / n_draws,
            "top_n_share": top / n_draws,
            "stability": 1.0 - (p95 - p05) / 100.0,
        },
        index=result.frame.index[keep],
    )
    for col in ("plot_id", "code"):
        if col in result.frame.columns:
            frame.insert(0, col, result.frame[col].to_numpy()[keep])
    return SensitivityResult(
        frame=frame, n_draws=n_draws, seed=seed, spread=spread, top_n=top_n, params=result.profile.record()
    )
