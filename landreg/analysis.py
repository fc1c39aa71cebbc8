"""One call per question, over a registry: the entry points the API (and notebooks) use.

Each function reads the registry's enriched plots (:func:`load_enriched_plots`) and hands
them to the analysis packages; nothing here changes the registry's data (supply keeps its results
in the registry's derived tables, :mod:`landreg.results`).  Every function that takes
a registry is named for what it does to it, ``verb_registry[_object]``: :func:`score_registry`,
:func:`search_registry`, :func:`score_registry_clusters`, :func:`find_registry_price_hotspots`,
:func:`compute_registry_supply`, :func:`list_registry_scenarios`, :func:`run_registry_scenario`,
:func:`summarize_registry_prices`, :func:`build_registry_scoring_context`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from landreg.clusters import DEFAULT_GAP_M, ClusterScores, HotSpots, cluster_scores, price_hotspots, scoring_context
from landreg.enrich import enriched_plots
from landreg.errors import NotEnrichedError
from landreg.scenarios import list_scenarios
from landreg.scenarios import run_registry_scenario as run_registry_scenario  # the facade's scenario entry
from landreg.scoring import ScoreResult, ScoringContext, ScoringProfile, load_profile, score_plots
from landreg.search import SearchResult, SiteRequirements, search_sites
from landreg.supply import SupplyResult, effective_supply

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource, EnrichedPlotStore, EntityTables


def load_enriched_plots(registry: EnrichedPlotStore) -> Any:
    """The registry's live plots with their derived attributes, refused when the registry was never enriched.

    Unlike :func:`landreg.enrich.enriched_plots` (which joins what is stored and leaves
    missing derived values empty), this is what every analysis reads.

    Parameters
    ----------
    registry : EnrichedPlotStore
        An open registry.

    Returns
    -------
    GeoDataFrame
        Live plots and their derived columns (EPSG:25832).

    Raises
    ------
    NotEnrichedError
        When no live plot has derived attributes (the registry was never enriched).
    """
    plots = enriched_plots(registry)
    if len(plots) and ("access_status" not in plots.columns or plots["access_status"].isna().all()):
        raise NotEnrichedError(
            "the registry's plots have no road access, terrain or hazard attributes yet; run `landreg enrich` "
            "(landreg init does it unless --no-enrich)"
        )
    return plots


#: Statuses scored by default: land that is, or may become, on offer.
DEFAULT_SCORED_STATUSES = ("available", "planned", "locked")


def score_registry(
    registry: AnalysisSource,
    *,
    profile: str | ScoringProfile = "general",
    weights: Mapping[str, float] | None = None,
    statuses: Sequence[str] | None = DEFAULT_SCORED_STATUSES,
    municipality_no: Sequence[str] = (),
    columns: Sequence[str] | None = None,
) -> ScoreResult:
    """Attractiveness scores of the registry's live plots (``statuses=None`` scores all).

    A plot's score does not depend on the filters: synergy (firms on every live plot, sold and
    occupied ones too) and the criteria no plot can score come from the whole registry
    (:func:`build_registry_scoring_context`); only ranks and percentiles are over the plots returned.
    A GeoPackage or PostGIS registry is read and scored a page of plots at a time
    (:func:`landreg.results.score_registry_in_pages`), so memory follows the result, not the registry;
    with ``columns`` (e.g. :data:`landreg.results.ordered.RANKED_COLUMNS`) only those are kept per plot
    there, and :func:`landreg.results.ordered.scored_rows_in_order` makes the full rows again when needed.
    """
    from landreg.results import score_registry_in_pages, supports_stored_results

    if supports_stored_results(registry):
        keep = None if columns is None else list(columns)
        return score_registry_in_pages(
            registry,
            profile=profile,
            weights=weights,
            statuses=statuses,
            municipality_no=municipality_no,
            reduce=None if keep is None else (lambda frame: frame[[c for c in keep if c in frame.columns]]),
        )
    plots = load_enriched_plots(registry)
    context = build_registry_scoring_context(registry, profile=profile, plots=plots)
    if statuses:
        plots = plots[plots["status"].astype(str).isin(list(statuses))]
    if municipality_no:
        plots = plots[plots["municipality_no"].astype(str).isin(list(municipality_no))]
    return score_plots(plots, profile=profile, weights=weights, context=context)


def build_registry_scoring_context(
    registry: AnalysisSource, *, profile: str | ScoringProfile = "general", plots: Any = None
) -> ScoringContext:
    """What every score of ``profile`` takes from the whole live registry (synergy, criteria not applicable).

    Parameters
    ----------
    registry : AnalysisSource
        The registry whose enriched live plots and business areas are read.
    profile : str or ScoringProfile
        Its ``industry_nace`` decides which firms are related (synergy).
    plots : GeoDataFrame, optional
        The registry's enriched live plots, when already read.
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    plots = load_enriched_plots(registry) if plots is None else plots
    return scoring_context(plots, industry_nace=prof.industry_nace, areas=registry.load_business_areas())


def score_registry_clusters(
    registry: AnalysisSource, *, industry_nace: Iterable[str] = (), gap_m: float = DEFAULT_GAP_M
) -> ClusterScores:
    """Cluster scores per business area and plot (blocks, occupancy, industry mix, co-location, synergy)."""
    return cluster_scores(
        load_enriched_plots(registry),
        areas=registry.load_business_areas(),
        industry_nace=list(industry_nace),
        gap_m=gap_m,
    )


def find_registry_price_hotspots(
    registry: EnrichedPlotStore, *, k: int = 8, permutations: int = 999, seed: int = 0, alpha: float = 0.05
) -> HotSpots:
    """Local Moran's I and Getis-Ord Gi* hot and cold spots of asking prices (FDR-corrected)."""
    return price_hotspots(load_enriched_plots(registry), k=k, permutations=permutations, seed=seed, alpha=alpha)


def compute_registry_supply(
    registry: AnalysisSource,
    *,
    profile: str | ScoringProfile = "general",
    uptake_daa_per_year: float | None = None,
    uptake_by_municipality: Mapping[str, float] | None = None,
    with_plots: bool = True,
) -> SupplyResult:
    """Decares by status and effective decares per municipality and business area.

    For a built-in profile the answer comes from the results kept in the registry, rescored only
    where edits reached since the last call (:func:`landreg.results.stored_supply`);
    ``with_plots=False`` leaves the per-plot frame (``plots``) empty and reads only the sums.
    """
    from landreg.results import stored_supply, supports_stored_results

    if isinstance(profile, str) and supports_stored_results(registry):
        return stored_supply(
            registry,
            profile=profile,
            uptake_daa_per_year=uptake_daa_per_year,
            uptake_by_municipality=uptake_by_municipality,
            with_plots=with_plots,
        )
    plots = load_enriched_plots(registry)
    context = build_registry_scoring_context(registry, profile=profile, plots=plots)
    return effective_supply(
        plots,
        profile=profile,
        scores=score_plots(plots, profile=profile, context=context),
        uptake_daa_per_year=uptake_daa_per_year,
        uptake_by_municipality=uptake_by_municipality,
    )


def count_registry_supply_plots(registry: AnalysisSource, *, profile: str | ScoringProfile = "general") -> int:
    """How many plots :func:`compute_registry_supply` would read and score now (its cost, before running it).

    From kept results (a built-in profile): none when they are current, the plots edited since
    when they can be patched, every live plot for a first or full build; from scratch: every live plot.
    """
    from landreg.results import supports_stored_results
    from landreg.results.refresh import planned_refresh

    if isinstance(profile, str) and supports_stored_results(registry):
        return int(planned_refresh(registry, profile=profile)["plots"])
    return int(registry.count_plots())


def search_registry(
    registry: AnalysisSource, *, requirements: SiteRequirements, profiles: Mapping[str, Any] | None = None
) -> SearchResult:
    """Ranked sites (single plots or adjacent blocks) for a firm's requirements, with reasons.

    ``profiles`` are custom profile definitions (:func:`landreg.scoring.profiles.load_definitions`)
    in which ``requirements.profile`` is looked up.
    """
    return search_sites(
        load_enriched_plots(registry),
        requirements=requirements,
        areas=registry.load_business_areas(),
        profiles=profiles,
    )


def list_registry_scenarios(registry: EntityTables) -> list[dict[str, Any]]:
    """The scenarios that can be run on this registry (name and description)."""
    ids = [str(p) for p in registry.load_road_projects()["project_id"]]
    return list_scenarios(registry.load_decisions(), road_project_ids=ids)


def summarize_registry_prices(
    registry: AnalysisSource, *, by: str = "municipality", kind: str | None = None, basis: str | None = None
) -> pd.DataFrame:
    """Price summaries (count, decares, median, quartiles, area-weighted mean NOK/m²) by a grouping."""
    from landreg.prices import load_price_observations, summarize_prices

    return summarize_prices(load_price_observations(registry), by=by, kind=kind, basis=basis)


def area_statistics(scores: ScoreResult, *, areas: Any = None) -> pd.DataFrame:
    """Cluster scores and effective supply per business area (one row per ``area_id``).

    Parameters
    ----------
    scores : ScoreResult
        Scores of the enriched plots (its frame carries the enrichment).
    areas : GeoDataFrame, optional
        Business areas (names, firms).
    """
    plots = scores.frame
    clusters = cluster_scores(plots, areas=areas).areas
    supply = effective_supply(plots, scores=scores).areas.rename(columns={"business_area_id": "area_id"})
    keep = [
        "area_id",
        "total_daa",
        "available_daa",
        "largest_block_daa",
        "occupancy",
        "n_firms",
        "industry_diversity",
        "motorway_junction_median_min",
    ]
    out = clusters[[c for c in keep if c in clusters.columns]].merge(
        supply[["area_id", "supply_daa", "effective_daa", "attractive_daa", "effective_share"]],
        on="area_id",
        how="outer",
    )
    mean_score = plots.groupby("business_area_id")["score"].mean().rename("mean_score")
    return out.merge(mean_score, left_on="area_id", right_index=True, how="left")


def asking_price_surface(plots: Any, *, layers_dir: str | Path, pixel_size_m: float = 500.0) -> Any:
    """IDW surface of current asking prices of the most common like-for-like price class, or None."""
    from landreg.prices import (
        InsufficientPriceDataError,
        build_price_surface,
        current_asking_prices,
        plot_price_points,
        region_mask,
    )

    asking = current_asking_prices(plots)
    if "price_class" in asking.columns and len(asking):
        asking = asking[asking["price_class"] == asking["price_class"].value_counts().index[0]]
    try:
        return build_price_surface(
            plot_price_points(asking), mask=region_mask(layers_dir=layers_dir), pixel_size_m=pixel_size_m
        )
    except InsufficientPriceDataError:
        return None


def price_hotspot_frame(plots: Any, *, permutations: int = 499) -> Any:
    """Price hot/cold spots per priced plot (:func:`landreg.clusters.price_hotspots`), or None (< 10 prices)."""
    from landreg.prices.asking import price_nok_m2

    if int(pd.Series(price_nok_m2(plots)).notna().sum()) < 10:
        return None
    return price_hotspots(plots, permutations=permutations).frame
