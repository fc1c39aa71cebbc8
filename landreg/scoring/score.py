"""Attractiveness scores 0–100 with per-criterion contributions, hard-limit exclusions and ranks.

``score = 100 * sum_j w_j * v_j`` with ``v_j`` the 0..1 value of criterion ``j``
(:func:`~landreg.scoring.criteria.transform_values`) and ``w_j`` the profile's
weights scaled to sum 1 over the applicable criteria, so the contributions
``100 * w_j * v_j`` add up to the score exactly.  A criterion no plot can score
(its destination is not built yet, see :mod:`~landreg.scoring.context`) is not
applicable: weight 0, the reason kept, the other weights scaled up.  A plot
outside a hard limit gets no score and no rank, and keeps the reasons.  Ranks
(1 = best, ties share the best rank) and percentiles (100 = best) are computed
over the scored plots of the region and of each municipality.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.json_values import frame_records, json_value
from landreg.scoring.context import ScoringContext
from landreg.scoring.criteria import criterion_matrix, derive_criterion_columns, limit_reasons
from landreg.scoring.errors import InvalidWeightsError
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
    not_applicable: dict[str, str] = field(default_factory=dict)

    @property
    def criteria(self) -> list[str]:
        """Active criteria, in column order."""
        return self.profile.active

    def effective_weights(self) -> dict[str, float]:
        """Weights of the active criteria as applied: 0 for the not applicable ones, the others sum to 1."""
        return effective_weights(self.profile, not_applicable=self.not_applicable)

    def record(self) -> dict[str, object]:
        """The profile record plus the weights as applied and the criteria left out (with the reason)."""
        return {
            **self.profile.record(),
            "effective_weights": self.effective_weights(),
            "not_applicable": [
                {"criterion": c, "label": self.profile.criteria[c].label, "reason": r}
                for c, r in self.not_applicable.items()
            ],
        }

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
        weights = self.effective_weights()
        profile_weights = self.profile.normalised_weights()
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
                    "profile_weight": profile_weights[c],
                    "points": json_value(row[f"contrib_{c}"]),
                    "missing": c in (row["missing_criteria"] or []),
                    "applicable": c not in self.not_applicable,
                    "reason": self.not_applicable.get(c),
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
            **self.record(),
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
            **self.record(),
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


def assign_ranks(frame: pd.DataFrame) -> None:
    """Set ``rank``, ``percentile`` and (by ``municipality_no``) ``municipality_rank`` / ``_percentile`` of ``score``.

    Ranks are over the rows of ``frame``: scores computed in parts (e.g. on a distributed
    engine) are ranked once, after the parts are joined.
    """
    frame["rank"], frame["percentile"] = rank_scores(frame["score"])
    if "municipality_no" in frame.columns:
        frame["municipality_rank"], frame["municipality_percentile"] = rank_scores(
            frame["score"], groups=frame["municipality_no"]
        )
    else:
        frame["municipality_rank"], frame["municipality_percentile"] = np.nan, np.nan


def effective_weights(profile: ScoringProfile, *, not_applicable: Mapping[str, str] | None = None) -> dict[str, float]:
    """The profile's active weights with the not applicable criteria at 0, the others scaled to sum 1.

    Raises
    ------
    InvalidWeightsError
        When no weighted criterion is applicable.
    """
    not_applicable = not_applicable or {}
    raw = {c: (0.0 if c in not_applicable else profile.weights[c]) for c in profile.active}
    total = sum(raw.values())
    if total <= 0:
        raise InvalidWeightsError(
            f"profile {profile.name!r}: none of its weighted criteria {profile.active} can be scored "
            f"({'; '.join(f'{c}: {r}' for c, r in not_applicable.items())}); give weight to another criterion"
        )
    return {c: w / total for c, w in raw.items()}


def score_plots(
    plots: pd.DataFrame,
    *,
    profile: str | ScoringProfile = "general",
    weights: Mapping[str, float] | None = None,
    context: ScoringContext | None = None,
) -> ScoreResult:
    """Score enriched plots with a named profile (or a :class:`ScoringProfile`) and optional user weights.

    Parameters
    ----------
    plots : DataFrame or GeoDataFrame
        Enriched plots (see :func:`landreg.enrich.enriched_plots`), EPSG:25832.
    profile : str or ScoringProfile
        A profile name (built-in ``profiles.toml``) or a profile.
    weights : mapping, optional
        User weights that update the profile's.
    context : ScoringContext, optional
        What the score takes from the whole registry (see
        :func:`landreg.clusters.colocation.scoring_context`): synergy per plot and the
        criteria no plot can score.  Without it, synergy comes from a ``synergy_score``
        column of ``plots`` (missing when there is none) and every criterion applies.

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
    context = context or ScoringContext()
    frame = derive_criterion_columns(context.with_synergy(plots), unchecked_hazard=prof.unchecked_hazard)
    not_applicable = context.criteria_not_applicable(prof)
    names = prof.active
    _, values, missing = criterion_matrix(frame, profile=prof)
    gone = np.array([c in not_applicable for c in names], dtype=bool)
    values[:, gone], missing[:, gone] = np.nan, False
    w = np.array(list(effective_weights(prof, not_applicable=not_applicable).values()))
    contrib = np.where(gone[None, :], 0.0, 100.0 * np.nan_to_num(values) * w[None, :])
    score = contrib.sum(axis=1)
    labels = {c.column: c.label for c in prof.criteria.values()}
    reasons = limit_reasons(frame, limits=prof.limits, labels=labels)
    excluded = np.array([bool(r) for r in reasons], dtype=bool)
    out = frame
    out["score"] = np.where(excluded, np.nan, score)
    out["excluded"] = excluded
    out["exclusion_reasons"] = reasons
    codes = missing.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
    patterns, inverse = np.unique(codes, return_inverse=True)
    named = [tuple(names[j] for j in range(len(names)) if (int(code) >> j) & 1) for code in patterns]
    out["missing_criteria"] = [named[k] for k in inverse.ravel()]  # shared immutable tuples
    assign_ranks(out)
    out["profile"], out["profile_version"], out["profile_fingerprint"] = prof.name, prof.version, prof.fingerprint()
    for j, c in enumerate(names):
        out[f"value_{c}"] = values[:, j]
        out[f"contrib_{c}"] = contrib[:, j]
    if not isinstance(out, gpd.GeoDataFrame) and "geometry" in out.columns:
        out = gpd.GeoDataFrame(out, geometry="geometry", crs=getattr(plots, "crs", None))
    return ScoreResult(frame=out, profile=prof, values=np.nan_to_num(values), not_applicable=not_applicable)
