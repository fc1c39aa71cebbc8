"""Scores of a registry's plots computed a page of plots at a time (memory bounded by the page, not the registry).

Two passes over the live plots in pages of ``page_size`` (by row id):

1. what every score takes from the whole registry: the firms (from the few plots that hold
   them, and the business areas) and, per travel time, whether any plot has one (taken from the
   results kept in the registry instead, when they are current: :mod:`landreg.results.refresh`);
2. each page joined with its enrichment, given its synergy and scored; only the page's scored
   rows are kept, and ranks and percentiles are set once over all of them.

The scores equal :func:`landreg.scoring.score_plots` of every live enriched plot with the
registry's scoring context; only the working copies are smaller (one page instead of the
registry several times over).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.clusters.colocation import synergy_scores
from landreg.clusters.firms import firms_from_plots
from landreg.crs import STORAGE_EPSG
from landreg.errors import NotEnrichedError
from landreg.registry.query import PlotQuery
from landreg.scoring.context import TRAVEL_TIME_SUFFIX, ScoringContext, unscoreable_from_counts
from landreg.scoring.profiles import ScoringProfile, load_profile
from landreg.scoring.score import ScoreResult, assign_ranks, score_plots

#: Plots per page.
DEFAULT_PAGE_SIZE = 20_000
_FIRM_COLUMNS = ["plot_id", "occupants", "business_area_id", "municipality_no", "geometry"]


def _pages(registry: Any, *, page_size: int) -> Iterator[gpd.GeoDataFrame]:
    """The live plots joined with their stored enrichment, a page at a time, indexed by position among all."""
    start = 0
    while True:
        plots = registry.query_plots(PlotQuery(limit=page_size, offset=start))
        if len(plots) == 0:
            return
        yield with_enrichment(registry, plots, index=pd.RangeIndex(start, start + len(plots)))
        if len(plots) < page_size:
            return
        start += page_size


def with_enrichment(registry: Any, plots: gpd.GeoDataFrame, *, index: Any) -> gpd.GeoDataFrame:
    """``plots`` (as read from the registry) joined with their stored enrichment, indexed by ``index``."""
    derived = registry.load_enrichment(plots["plot_id"].astype(str).tolist())
    keep = [c for c in derived.columns if c not in ("plot_id", "plot_version")]
    derived = derived.rename(columns={"plot_version": "version"})[["plot_id", "version", *keep]]
    derived = derived.drop(columns=[c for c in keep if c in plots.columns])
    derived["plot_id"] = derived["plot_id"].astype(object)
    derived["version"] = derived["version"].astype("int64")
    merged = plots.merge(derived, on=["plot_id", "version"], how="left")
    merged.index = index
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=f"EPSG:{STORAGE_EPSG}")


def _registry_inputs(registry: Any, *, page_size: int) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Pass 1: the firms and the travel-time columns no plot has a value for."""
    holders: list[pd.DataFrame] = []
    counts: dict[str, int] = {}
    n_routed, n_live, enriched = 0, 0, False
    for page in _pages(registry, page_size=page_size):
        n_live += len(page)
        enriched = enriched or ("access_status" in page.columns and bool(page["access_status"].notna().any()))
        travel = [c for c in page.columns if c.endswith(TRAVEL_TIME_SUFFIX)]
        routed = np.zeros(len(page), dtype=bool)
        for c in travel:
            known = pd.to_numeric(page[c], errors="coerce").notna().to_numpy()
            counts[c] = counts.get(c, 0) + int(known.sum())
            routed |= known
        n_routed += int(routed.sum())
        if "occupants" in page.columns:
            has = np.array([isinstance(o, list) and len(o) > 0 for o in page["occupants"]], dtype=bool)
            holders.append(page.loc[has, [c for c in _FIRM_COLUMNS if c in page.columns]])
    if n_live and not enriched:
        raise NotEnrichedError(
            "the registry's plots have no road access, terrain or hazard attributes yet; run `landreg enrich` "
            "(landreg init does it unless --no-enrich)"
        )
    occupied = (
        gpd.GeoDataFrame(pd.concat(holders), geometry="geometry", crs=f"EPSG:{STORAGE_EPSG}")
        if holders
        else gpd.GeoDataFrame({"plot_id": []}, geometry=[], crs=f"EPSG:{STORAGE_EPSG}")
    )
    firms = firms_from_plots(occupied, areas=registry.load_business_areas())
    return firms, unscoreable_from_counts(counts, n_routed=n_routed)


def _kept_inputs(registry: Any) -> tuple[gpd.GeoDataFrame, dict[str, str]] | None:
    """The firms and criteria not applicable of results kept in the registry, when they are current."""
    from landreg.results.refresh import FORMAT, firms_frame
    from landreg.results.store import STATE, ResultsTable

    table = ResultsTable(registry)
    if not table.exists():
        return None
    marks = table.change_marks()
    for (text,) in table.read(f'SELECT state FROM "{STATE}"'):
        state = json.loads(text)
        if state.get("format") == FORMAT and state.get("marks") == marks:
            return firms_frame(state), dict(state["not_applicable"])
    return None


def registry_inputs(registry: Any, *, page_size: int = DEFAULT_PAGE_SIZE) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """The firms and the criteria not applicable: from current kept results, else a pass over every plot.

    Raises
    ------
    NotEnrichedError
        When no live plot has derived attributes.
    """
    kept = _kept_inputs(registry)
    return kept if kept is not None else _registry_inputs(registry, page_size=page_size)


def score_registry_in_pages(
    registry: Any,
    *,
    profile: str | ScoringProfile = "general",
    weights: Mapping[str, float] | None = None,
    statuses: Sequence[str] | None = None,
    municipality_no: Sequence[str] = (),
    page_size: int = DEFAULT_PAGE_SIZE,
    reduce: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame] | None = None,
) -> ScoreResult:
    """Scores of the registry's live plots (``statuses``/``municipality_no`` choose which), a page at a time.

    Parameters
    ----------
    registry : AnalysisSource
        An open, enriched registry.
    profile, weights
        As for :func:`landreg.scoring.score_plots`.
    statuses, municipality_no : sequence of str
        Only plots with these statuses / in these municipalities are scored and ranked (all when empty).
    page_size : int
        Plots read and scored at once.
    reduce : callable, optional
        Applied to each page's scored frame before it is kept (e.g. to keep only some columns;
        ``score`` and ``municipality_no`` must stay for the ranks).

    Returns
    -------
    ScoreResult
        Indexed by the plots' positions among all live plots (as :func:`landreg.analysis.load_enriched_plots`).

    Raises
    ------
    NotEnrichedError
        When no live plot has derived attributes.
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    firms, not_applicable = registry_inputs(registry, page_size=page_size)
    frames: list[pd.DataFrame] = []
    values: list[np.ndarray] = []
    last: ScoreResult | None = None
    for page in _pages(registry, page_size=page_size):
        if statuses:
            page = page[page["status"].astype(str).isin(list(statuses))]
        if municipality_no:
            page = page[page["municipality_no"].astype(str).isin(list(municipality_no))]
        if len(page) == 0 and last is not None:
            continue
        synergy = synergy_scores(page, industry_nace=prof.industry_nace, firms=firms)
        context = ScoringContext(
            synergy_score=pd.Series(synergy.to_numpy(), index=page["plot_id"].astype(str).to_numpy()),
            not_applicable=not_applicable,
        )
        last = score_plots(page, profile=prof, weights=weights, context=context)
        frames.append(last.frame if reduce is None else reduce(last.frame))
        values.append(last.values)
    if last is None:  # no live plot at all
        return score_plots(registry.query_plots(), profile=prof, weights=weights, context=ScoringContext())
    frame = pd.concat(frames) if len(frames) > 1 else frames[0]
    frames.clear()
    if "geometry" in frame.columns:  # (``reduce`` may have kept no geometry)
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=f"EPSG:{STORAGE_EPSG}")
    assign_ranks(frame)
    return ScoreResult(frame=frame, profile=last.profile, values=np.vstack(values), not_applicable=last.not_applicable)
