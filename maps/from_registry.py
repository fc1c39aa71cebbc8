"""Maps straight from a registry and the layers folder: what ``landreg map`` and the API's ``/maps/...`` draw."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from landreg.analysis import (
    area_statistics,
    asking_price_surface,
    price_hotspot_frame,
    run_registry_scenario,
    score_registry,
)
from landreg.registry import AnalysisSource, PlotQuery
from landreg.scoring import ScoringProfile
from maps.build import build_overview_map, build_plot_map, build_scenario_map
from maps.sources import load_map_context, region_isochrones


def overview_map_from_registry(
    registry: AnalysisSource,
    *,
    layers_dir: str | Path,
    profile: str = "general",
    value: str = "effective_daa",
    assets: str = "inline",
    web_tiles: bool = True,
) -> Any:
    """The regional overview with cluster scores and effective supply per business area.

    Parameters
    ----------
    registry : GeoPackageRegistry
        An enriched registry (only read).
    layers_dir : str or Path
        Folder with ``layers.toml``.
    profile : str
        Scoring profile of the effective supply.
    value : str
        Area statistic that colours the areas (see :func:`maps.sources.area_statistics`).
    assets : str
        ``"inline"`` (standalone) or the URL prefix of the served assets.
    web_tiles : bool
        Offer the online base map as an overlay (off by default).

    Returns
    -------
    folium.Map
    """
    context = load_map_context(layers_dir=layers_dir, registry=registry)
    scores = score_registry(registry, profile=profile, statuses=None)
    stats = area_statistics(scores, areas=context.get("business_areas")) if len(scores.frame) else None
    return build_overview_map(
        context,
        area_stats=stats,
        plots=scores.frame,
        value=value,
        assets=assets,
        web_tiles=web_tiles,
        title=f"Business land in Trondheimsregionen ({profile} profile)",
    )


def plot_map_from_registry(
    registry: AnalysisSource,
    *,
    layers_dir: str | Path,
    profile: str | ScoringProfile = "general",
    color_by: str = "score",
    status: Sequence[str] | None = None,
    municipality_no: Sequence[str] | None = None,
    isochrone_target: str | None = None,
    price_layers: bool = True,
    assets: str = "inline",
    web_tiles: bool = True,
) -> Any:
    """The plot map of a registry: scores over all live plots, then the selected plots drawn.

    Ranks stay regional when ``status`` or ``municipality_no`` narrow what is drawn.

    Parameters
    ----------
    registry : GeoPackageRegistry
        An enriched registry (only read).
    layers_dir : str or Path
        Folder with ``layers.toml`` (context layers, isochrones).
    profile : str or ScoringProfile
        Scoring profile of the scores.
    color_by : {"score", "price", "status"}
        What colours the plots: attractiveness score, asking price (NOK/m²) or status.
    status, municipality_no : sequence of str, optional
        Draw only plots with these statuses / in these municipalities (kommunenummer or names).
    isochrone_target : str, optional
        Draw 10/20/30-minute isochrones around this target (e.g. ``"port"``).
    price_layers : bool
        Add the price surface and the price hot-spot layers (off until ticked).
    assets : str
        ``"inline"`` (standalone) or the URL prefix of the served assets.
    web_tiles : bool
        Offer the online base map as an overlay (off by default).

    Returns
    -------
    folium.Map

    Raises
    ------
    ValidationError
        When a status or municipality is unknown (the message lists the accepted ones).
    """
    # Statuses and municipalities (numbers or names) are checked as in every plot query:
    # an unknown value raises ValidationError with the accepted ones, never an empty map.
    wanted = PlotQuery.build(status=status, municipality_no=municipality_no)
    context = load_map_context(layers_dir=layers_dir, registry=registry)
    scores = score_registry(registry, profile=profile, statuses=None)
    frame = scores.frame
    keep = frame.index == frame.index
    if wanted.status:
        keep &= frame["status"].astype(str).isin(list(wanted.status)).to_numpy()
    if wanted.municipality_no:
        keep &= frame["municipality_no"].astype(str).isin(list(wanted.municipality_no)).to_numpy()
    scores.frame = frame[keep]
    surface = hot = None
    if price_layers and len(frame):
        surface = asking_price_surface(frame, layers_dir=layers_dir)
        hot = price_hotspot_frame(frame)
    iso = region_isochrones(context, target=isochrone_target) if isochrone_target else None
    return build_plot_map(
        scores,
        color_by=color_by,
        profile=scores.profile.name,
        context=context,
        isochrones=iso,
        price_surface=surface,
        hotspots=hot,
        assets=assets,
        web_tiles=web_tiles,
    )


def scenario_map_from_registry(
    registry: AnalysisSource,
    name: str,
    *,
    layers_dir: str | Path,
    profile: str = "general",
    assets: str = "inline",
    web_tiles: bool = True,
) -> Any:
    """The map of scenario ``name`` (see :mod:`landreg.scenarios.spec`), e.g. ``torgard-terminal-built``.

    Raises
    ------
    UnknownScenarioError
        When ``name`` names no decision outcome, road project or preset.
    """
    report = run_registry_scenario(registry, name, layers_dir=layers_dir, profile=profile)
    plots = registry.query_plots()
    table = report.plots.drop(
        columns=[c for c in report.plots.columns if c in ("code", "municipality_no", "business_area_id", "area_daa")]
    )
    frame = plots.merge(table, on="plot_id", how="inner")
    context = load_map_context(layers_dir=layers_dir, registry=registry)
    projects = context.get("road_projects")
    roads = projects[projects["project_id"].isin(report.spec.road_projects)] if projects is not None else None
    return build_scenario_map(
        frame,
        context=context,
        road_projects=roads,
        title=f"Scenario {report.spec.name} ({profile} profile)",
        subtitle=report.headline(),
        notes=report.notes,
        assets=assets,
        web_tiles=web_tiles,
    )
