"""A registry's scored plots, every column, best first, a page at a time (what a score table file holds).

Scoring every plot keeps, per plot, only the few columns ranks and the printed table need
(:data:`RANKED_COLUMNS`, see :func:`landreg.analysis.score_registry`); the full rows (plot fields,
enrichment, values and contributions of every criterion) are made again, a page at a time in the
order they are written, and given the ranks over all plots.  A file of a million scored plots is
written with one page of full rows in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from landreg.clusters.colocation import synergy_scores
from landreg.registry.query import PlotQuery
from landreg.results.chunked import registry_inputs, with_enrichment
from landreg.scoring.context import ScoringContext
from landreg.scoring.profiles import ScoringProfile, load_profile
from landreg.scoring.score import score_plots

#: The columns kept per plot while every plot is scored: its id, what ranks it and what a table shows.
RANKED_COLUMNS = (
    "plot_id",
    "code",
    "municipality_no",
    "business_area_id",
    "status",
    "area_daa",
    "score",
    "excluded",
    "rank",
    "percentile",
    "municipality_rank",
    "municipality_percentile",
)
_RANKS = ("rank", "percentile", "municipality_rank", "municipality_percentile")
#: Plots made again at once (ids in one query).
DEFAULT_PAGE_SIZE = 10_000


def scored_rows_in_order(
    registry: Any,
    order: pd.DataFrame,
    *,
    profile: str | ScoringProfile,
    weights: Mapping[str, float] | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Iterator[gpd.GeoDataFrame]:
    """The full scored rows of the plots of ``order``, in its order, a page at a time.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        The registry the plots were scored from (unchanged since).
    order : DataFrame
        The scored plots in the order to write, with :data:`RANKED_COLUMNS` (indexed by position
        among the live plots); the ranks are taken from it, and any column the scores lack
        (e.g. rank stability) is added.
    profile, weights
        As they were scored with (:func:`landreg.scoring.score_plots`).
    page_size : int
        Rows made at once.

    Yields
    ------
    GeoDataFrame
        Rows as :func:`landreg.analysis.score_registry` makes them (EPSG:25832), indexed as ``order``.
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    firms, not_applicable = registry_inputs(registry)
    for start in range(0, len(order), page_size):
        part = order.iloc[start : start + page_size]
        ids = part["plot_id"].astype(str).tolist()
        plots = registry.query_plots(PlotQuery(plot_ids=tuple(ids)))
        position = pd.Series(range(len(plots)), index=plots["plot_id"].astype(str).to_numpy())
        plots = plots.iloc[position.loc[ids].to_numpy()].reset_index(drop=True)
        page = with_enrichment(registry, plots, index=part.index)
        synergy = synergy_scores(page, industry_nace=prof.industry_nace, firms=firms)
        context = ScoringContext(
            synergy_score=pd.Series(synergy.to_numpy(), index=page["plot_id"].astype(str).to_numpy()),
            not_applicable=not_applicable,
        )
        frame = score_plots(page, profile=prof, weights=weights, context=context).frame
        for col in part.columns:
            if col in _RANKS or col not in frame.columns:
                frame[col] = part[col].to_numpy()
        yield frame
