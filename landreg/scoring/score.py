"""Attractiveness scores 0–100 with per-criterion contributions, hard-limit exclusions and ranks.

``score = 100 * sum_j w_j * v_j`` with ``v_j`` the 0..1 value of criterion ``j``
(:func:`~landreg.scoring.criteria.transform_values`) and ``w_j`` the profile's
weights scaled to sum 1, so the contributions ``100 * w_j * v_j`` add up to the
score exactly.  A plot outside a hard limit gets no score and no rank, and
keeps the reasons.  Ranks (1 = best, ties share the best rank) and percentiles
(100 = best) are computed over the scored plots of the region and of each
municipality.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.scoring._json import frame_records, json_value
from landreg.scoring.criteria import criterion_matrix, derive_criterion_columns, limit_reasons
from landreg.scoring.profiles import ScoringProfile, load_profile

#: Columns of the score frame besides the input's, in order (``value_*`` / ``contrib_*`` follow).
SCORE_COLUMNS = (
    "score",
    "excluded",
    "exclusion_reasons",
    "missing_criteria",
    "rank",
    "percentile",
    "municipality_rank",
    "municipality_percentile",
    "profile",
    "profile_version",
    "profile_fingerprint",
)


@dataclass
class ScoreResult:
    """Scores of a set of plots under one profile.

    Attributes
    ----------
    frame : GeoDataFrame
        The input columns, the derived raw columns, :data:`SCORE_COLUMNS`, and per active
        criterion ``value_<c>`` (0..1) and ``contrib_<c>`` (points; they sum to ``score``).
    profile : ScoringProfile
    values : ndarray (n_plots, n_criteria)
        The 0..1 matrix (for sensitivity analysis).
    """

    frame: gpd.GeoDataFrame
    profile: ScoringProfile
    values: np.ndarray

    @property
    def criteria(self) -> list[str]:
        """Active criteria, in column order."""
        return self.profile.active

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` best scored plots (no geometry)."""
        cols = [
            c
            for c in (
                "code",
                "business_area_id",
                "municipality_name",
                "status",
                "area_daa",
                "score",
                "rank",
                "percentile",
            )
            if c in self.frame.columns
        ]
        return pd.DataFrame(self.frame[~self.frame["excluded"]].sort_values("rank")[cols].head(n))

    def explain(self, index: Any) -> dict[str, Any]:
        """Why the plot at ``index`` scored as it did: contributions, raw values and limits."""
        row = self.frame.loc[index]
        weights = self.profile.normalised_weights()
        parts = []
        for c in self.criteria:
            crit = self.profile.criteria[c]
            parts.append(
                {
                    "criterion": c,
                    "label": crit.label,
                    "raw": json_value(row.get(crit.column)),
                    "unit": crit.unit,
                    "value": json_value(row[f"value_{c}"]),
                    "weight": weights[c],
                    "points": json_value(row[f"contrib_{c}"]),
                    "missing": c in (row["missing_criteria"] or []),
                }
            )
        parts.sort(key=lambda p: -(p["points"] or 0))
        return {
            "plot_id": json_value(row.get("plot_id")),
            "code": json_value(row.get("code")),
            "score": json_value(row["score"]),
            "rank": json_value(row["rank"]),
            "excluded": bool(row["excluded"]),
            "exclusion_reasons": list(row["exclusion_reasons"]),
            "contributions": parts,
            **self.profile.record(),
        }

    def to_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """JSON-serialisable: the profile record and one record per plot (best first)."""
        frame = self.frame.sort_values(["excluded", "rank"], na_position="last")
        cols = [
            c
            for c in ("plot_id", "code", "municipality_no", "business_area_id", "status", "area_daa")
            if c in frame.columns
        ]
        cols += list(SCORE_COLUMNS[:-3]) + [f"contrib_{c}" for c in self.criteria]
        records = frame_records(frame.head(limit) if limit else frame, columns=cols)
        return {
            **self.profile.record(),
            "n_plots": len(frame),
            "n_excluded": int(frame["excluded"].sum()),
            "plots": records,
        }


def rank_scores(score: pd.Series, *, groups: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """Rank (1 = best, ties share the best rank) and percentile (100 = best) of non-NaN scores."""
    if groups is None:
        rank = score.rank(ascending=False, method="min")
        pct = score.rank(ascending=True, method="max", pct=True) * 100
    else:
        grouped = score.groupby(groups.to_numpy(), dropna=False)
        rank = grouped.rank(ascending=False, method="min")
        pct = grouped.rank(ascending=True, method="max", pct=True) * 100
    return rank, pct


def score_plots(
    plots: pd.DataFrame,
    *,
    profile: str | ScoringProfile = "general",
    weights: Mapping[str, float] | None = None,
    firms: pd.DataFrame | None = None,
) -> ScoreResult:
    """Score enriched plots with a named profile (or a :class:`ScoringProfile`) and optional user weights.

    Parameters
    ----------
    plots : DataFrame or GeoDataFrame
        Enriched plots (see :func:`landreg.enrich.enriched_plots`), EPSG:25832.
    profile : str or ScoringProfile
    weights : mapping, optional
        User weights that update the profile's.
    firms : DataFrame, optional
        Firms for the synergy criterion (see :func:`landreg.clusters.firms_from_plots`);
        by default the occupants of ``plots``.  Ignored when ``plots`` has ``synergy_score``.

    Returns
    -------
    ScoreResult

    Raises
    ------
    UnknownProfileError, InvalidWeightsError
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    if weights:
        prof = prof.with_weights(weights)
    frame = derive_criterion_columns(plots, unchecked_hazard=prof.unchecked_hazard)
    if "synergy" in prof.active and "synergy_score" not in frame.columns:
        from landreg.clusters.colocation import synergy_scores

        frame["synergy_score"] = synergy_scores(frame, industry_nace=prof.industry_nace, firms=firms).to_numpy()
    _, values, missing = criterion_matrix(frame, profile=prof)
    w = np.array(list(prof.normalised_weights().values()))
    contrib = 100.0 * values * w[None, :]
    score = contrib.sum(axis=1)
    labels = {c.column: c.label for c in prof.criteria.values()}
    reasons = limit_reasons(frame, limits=prof.limits, labels=labels)
    excluded = np.array([bool(r) for r in reasons], dtype=bool)
    names = prof.active
    out = frame
    out["score"] = np.where(excluded, np.nan, score)
    out["excluded"] = excluded
    out["exclusion_reasons"] = reasons
    codes = missing.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
    patterns, inverse = np.unique(codes, return_inverse=True)
    named = [tuple(names[j] for j in range(len(names)) if (int(code) >> j) & 1) for code in patterns]
    out["missing_criteria"] = [named[k] for k in inverse.ravel()]  # shared immutable tuples
    out["rank"], out["percentile"] = rank_scores(out["score"])
    if "municipality_no" in out.columns:
        out["municipality_rank"], out["municipality_percentile"] = rank_scores(
            out["score"], groups=out["municipality_no"]
        )
    else:
        out["municipality_rank"], out["municipality_percentile"] = np.nan, np.nan
    out["profile"], out["profile_version"], out["profile_fingerprint"] = prof.name, prof.version, prof.fingerprint()
    for j, c in enumerate(names):
        out[f"value_{c}"] = values[:, j]
        out[f"contrib_{c}"] = contrib[:, j]
    if not isinstance(out, gpd.GeoDataFrame) and "geometry" in out.columns:
        out = gpd.GeoDataFrame(out, geometry="geometry", crs=getattr(plots, "crs", None))
    return ScoreResult(frame=out, profile=prof, values=values)
