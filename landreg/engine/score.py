"""Attractiveness scores on a distributed engine: partitions scored on the workers, ranked once over all.

A plot's score depends on its own row and on two things taken from the whole registry
(:mod:`landreg.scoring.context`): the synergy of related firms near it and which criteria no
plot can score.  The criteria are decided here from every live plot; the firm points of the
whole region (one point per firm, small beside the plots) are sent to every worker once, so a
partition's synergy sees every firm a plot of it could count — the firms around the partition
as well as in it — and the nearest-firm kernel picks exactly the firms one process would.
Ranks and percentiles, the only values that depend on the other plots scored, are computed
after the partitions are joined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.engine.cluster import DaskEngine
from landreg.engine.partition import spatial_partitions
from landreg.scoring import ScoreResult, ScoringContext, ScoringProfile, load_profile, score_plots, unscoreable_columns
from landreg.scoring.score import assign_ranks

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource


@dataclass(frozen=True)
class _ScoreSpec:
    """What every partition is scored with (sent to each worker once)."""

    profile: ScoringProfile
    weights: Mapping[str, float] | None
    not_applicable: Mapping[str, str] = field(default_factory=dict)


def _score_partition(
    plots: gpd.GeoDataFrame, firms: gpd.GeoDataFrame, spec: _ScoreSpec
) -> tuple[pd.DataFrame, np.ndarray, dict[str, str]]:
    """The columns scoring adds to one partition (unranked), its 0..1 values and the criteria left out (on a worker)."""
    from landreg.clusters.colocation import synergy_scores

    synergy = synergy_scores(plots, industry_nace=spec.profile.industry_nace, firms=firms)
    context = ScoringContext(
        synergy_score=pd.Series(synergy.to_numpy(), index=plots["plot_id"].astype(str).to_numpy()),
        not_applicable=dict(spec.not_applicable),
    )
    result = score_plots(plots, profile=spec.profile, weights=spec.weights, context=context)
    added = pd.DataFrame(result.frame.drop(columns=list(plots.columns)))  # the input stays where it came from
    return added, result.values, result.not_applicable


def score_registry_distributed(
    registry: AnalysisSource,
    *,
    engine: DaskEngine,
    profile: str | ScoringProfile = "general",
    weights: Mapping[str, float] | None = None,
    statuses: Sequence[str] | None = ("available", "planned", "locked"),
    municipality_no: Sequence[str] = (),
) -> ScoreResult:
    """Like :func:`landreg.analysis.score_registry`, with the plots scored in spatial partitions on ``engine``.

    Parameters
    ----------
    registry : AnalysisSource
        An open, enriched registry (read only).
    engine : DaskEngine
        From :func:`landreg.engine.open_engine`.
    profile : str or ScoringProfile
        A profile name (built-in ``profiles.toml``) or a profile.
    weights : mapping, optional
        User weights that update the profile's.
    statuses : sequence of str, optional
        Statuses scored (None: all).
    municipality_no : sequence of str
        Only these municipalities (all when empty).

    Returns
    -------
    ScoreResult
        Equal to the single-process result: the same rows in the same order, the same values.

    Raises
    ------
    NotEnrichedError, UnknownProfileError, InvalidWeightsError
    """
    from landreg.analysis import load_enriched_plots
    from landreg.clusters.firms import firms_from_plots

    prof = load_profile(profile) if isinstance(profile, str) else profile
    plots = load_enriched_plots(registry)
    firms = firms_from_plots(plots, areas=registry.load_business_areas())
    spec = _ScoreSpec(
        profile=prof, weights=dict(weights) if weights else None, not_applicable=unscoreable_columns(plots)
    )
    if statuses:
        plots = plots[plots["status"].astype(str).isin(list(statuses))]
    if municipality_no:
        plots = plots[plots["municipality_no"].astype(str).isin(list(municipality_no))]
    if len(plots) == 0:
        return score_plots(
            plots, profile=prof, weights=weights, context=ScoringContext(not_applicable=spec.not_applicable)
        )
    rows = spatial_partitions(plots, max_plots=engine.partition_size(len(plots)))
    parts = (plots.iloc[r] for r in rows)
    done: dict[int, tuple[pd.DataFrame, np.ndarray, dict[str, str]]] = {}
    for i, _, scored in engine.map_partitions(_score_partition, parts, shared=[firms, spec]):
        done[i] = scored
    order = np.argsort(np.concatenate(rows), kind="stable")  # back to the order of the plots read
    added = pd.concat([done[i][0] for i in range(len(rows))]).iloc[order]
    values = np.concatenate([done[i][1] for i in range(len(rows))])[order]
    frame = pd.concat([plots, added], axis=1)  # the columns in the order score_plots gives them
    assign_ranks(frame)
    scored_profile = prof.with_weights(weights) if weights else prof
    out = gpd.GeoDataFrame(frame, geometry="geometry", crs=plots.crs)
    return ScoreResult(frame=out, profile=scored_profile, values=values, not_applicable=done[0][2])
