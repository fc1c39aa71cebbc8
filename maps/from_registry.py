"""Maps straight from a registry and the layers folder: what ``landreg map`` and the API's ``/maps/...`` draw."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

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
    lang: str = "nb",
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
    lang : {"nb", "en"}
        Language of the map's texts (bokmål by default).
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
        lang=lang,
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
    limit: int | None = None,
    bbox: Any = None,
    bbox_crs: str | None = None,
    progress: Callable[[str], None] | None = None,
    assets: str = "inline",
    lang: str = "nb",
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
    limit : int, optional
        Draw at most this many plots: the best ranked first (scored before excluded ones).
    bbox : str or sequence of 4 numbers, optional
        Draw only plots intersecting ``minx,miny,maxx,maxy`` given in ``bbox_crs``.
    bbox_crs : str, optional
        CRS of ``bbox`` (default EPSG:25832; e.g. EPSG:4326 for lon,lat).
    progress : callable, optional
        Called with the name of each step as it starts (``"score"``, ``"select"``, ``"price layers"``,
        ``"isochrones"``, ``"draw"``).
    assets : str
        ``"inline"`` (standalone) or the URL prefix of the served assets.
    lang : {"nb", "en"}
        Language of the map's texts (bokmål by default).
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
    wanted = PlotQuery.build(status=status, municipality_no=municipality_no, bbox=bbox, bbox_crs=bbox_crs)
    step = progress or (lambda name: None)
    context = load_map_context(layers_dir=layers_dir, registry=registry)
    step("score")
    scores = score_registry(registry, profile=profile, statuses=None)
    frame = scores.frame
    step("select")
    scores.frame = _drawn(frame, wanted=wanted, limit=limit)
    surface = hot = None
    if price_layers and len(frame):
        step("price layers")
        surface = asking_price_surface(frame, layers_dir=layers_dir)
        hot = price_hotspot_frame(frame)
    if isochrone_target:
        step("isochrones")
    iso = region_isochrones(context, target=isochrone_target) if isochrone_target else None
    step("draw")
    return build_plot_map(
        scores,
        color_by=color_by,
        profile=scores.profile.name,
        context=context,
        isochrones=iso,
        price_surface=surface,
        hotspots=hot,
        assets=assets,
        lang=lang,
        web_tiles=web_tiles,
    )


def _drawn(frame: Any, *, wanted: PlotQuery, limit: int | None) -> Any:
    """The plots to draw: ``wanted``'s statuses, municipalities and box; at most ``limit``, the best ranked."""
    import shapely

    keep = np.ones(len(frame), dtype=bool)
    if wanted.status:
        keep &= frame["status"].astype(str).isin(list(wanted.status)).to_numpy()
    if wanted.municipality_no:
        keep &= frame["municipality_no"].astype(str).isin(list(wanted.municipality_no)).to_numpy()
    shape = wanted.intersects if wanted.intersects is not None else None
    if shape is None and wanted.bbox is not None:
        shape = shapely.box(*wanted.bbox)
    if shape is not None:
        keep &= shapely.intersects(frame.geometry.to_numpy(), shape)
    drawn = frame[keep]
    if limit is not None and len(drawn) > limit:
        best = drawn.sort_values(["excluded", "rank"], na_position="last", kind="stable").index[:limit]
        drawn = drawn[drawn.index.isin(best)]
    return drawn


def scenario_map_from_registry(
    registry: AnalysisSource,
    name: str,
    *,
    layers_dir: str | Path,
    profile: str = "general",
    assets: str = "inline",
    lang: str = "nb",
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
        lang=lang,
        web_tiles=web_tiles,
    )
