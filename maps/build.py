"""Map builders: the regional overview, plots coloured by score, price or status, and a scenario's changes.

Every builder returns a :class:`folium.Map` made by :func:`maps.assets.offline_map`
(vector layers only, web tiles as an optional overlay that is off), with a layer
control, a scale bar, search, a legend and the attribution.  Save it with
``m.save(path)`` or get the page with ``m.get_root().render()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.provenance import SyntheticSummary
from landreg.scenarios.report import SCORE_TOLERANCE
from maps.assets import offline_map
from maps.basemap import add_area_labels, add_base_map, words
from maps.elements import LegendControl, MapDecorations, PlotLayer, SearchControl
from maps.encode import PLOT_DECIMALS
from maps.layers import (
    add_business_areas,
    add_destinations,
    add_hotspots,
    add_isochrones,
    add_polygons,
    add_price_bands,
    add_road_projects,
    add_web_tiles,
)
from maps.plots import plot_payload
from maps.sources import MapContext, map_notice
from maps.style import Classes, Legend, classify_categories, classify_values

COLOR_BY = ("score", "price", "status")
_BASE_LAYERS = ("municipalities", "roads", "railways", "destinations")


def _bounds(frames: Sequence[gpd.GeoDataFrame | None], *, margin: float = 0.08) -> tuple[float, float, float, float]:
    """CRS84 bounds of the first non-empty frame, widened by ``margin`` of its size."""
    for f in frames:
        if f is not None and len(f):
            w, s, e, n = f.to_crs("EPSG:4326").total_bounds
            dx, dy = max(e - w, 0.01) * margin, max(n - s, 0.005) * margin
            return (w - dx, s - dy, e + dx, n + dy)
    return (9.6, 63.0, 11.4, 63.7)  # Trondheimsregionen


def _region(context: MapContext | None) -> gpd.GeoDataFrame | None:
    munis = context.get("municipalities") if context else None
    if munis is not None and "trondheimsregionen" in munis:
        return munis[munis["trondheimsregionen"].astype(bool)]
    return munis


def _constraints(m: Any, context: MapContext | None, *, lang: str = "nb") -> list[str]:
    """Protected areas, quick clay, flood zones and OSM streets, all off by default."""
    _ = words(lang)
    drawn: list[str] = []
    if context is None:
        return drawn
    region = _region(context)
    clip = tuple(region.total_bounds) if region is not None and len(region) else None
    specs = (
        ("protected_areas", _("Protected areas"), "#2e7d32", [("navn", _("Name")), ("verneform", _("Protection"))]),
        (
            "quick_clay",
            _("Quick clay hazard zones"),
            "#c62828",
            [("name", _("Zone")), ("hazard_class", _("Hazard")), ("risk_class", _("Risk class"))],
        ),
        (
            "flood",
            _("Flood zones"),
            "#1565c0",
            [("river", _("River")), ("return_period_years", _("Return period (years)"))],
        ),
    )
    for lid, name, color, fields in specs:
        if (f := context.get(lid)) is not None and len(f):
            add_polygons(m, f, name=name, color=color, fields=fields, clip_bounds=clip)
            drawn.append(lid)
    if (f := context.get("osm_streets")) is not None and len(f):
        from maps.layers import _geojson

        _geojson(
            m,
            f,
            name=_("Streets, central Trondheim (OSM)"),
            style={"color": "#555", "weight": 1},
            fields=[("name", _("Street"))],
            show=False,
            simplify_m=1.0,
            decimals=5,
        )
        drawn.append("osm_streets")
    return drawn


def _finish(
    m: Any,
    *,
    context: MapContext | None,
    drawn: list[str],
    notice: SyntheticSummary,
    title: str,
    subtitle: str | None,
    legends: Sequence[Legend],
    plot_layers: Sequence[PlotLayer],
    named_layers: Sequence[tuple[Any, str]],
    web_tiles: bool,
    layer_legends: Sequence[tuple[Legend, Any]] = (),
    lang: str = "nb",
) -> Any:
    import folium

    _ = words(lang)
    if web_tiles:
        add_web_tiles(m, name=_("Web base map (online only)"))
    lines = context.attribution(drawn, notice=notice) if context else ([notice.text()] if notice.any_synthetic else [])
    MapDecorations(attributions=lines, title=title, subtitle=subtitle).add_to(m)
    for i, legend in enumerate(legends):
        LegendControl(legend, position="bottomright" if i == 0 else "bottomleft").add_to(m)
    for legend, layer in layer_legends:  # one legend per layer, shown while the layer is
        LegendControl(legend, position="bottomleft", layer=layer).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    SearchControl(plot_layers, named_layers, placeholder=_("Search plot code or name"), no_match=_("no match")).add_to(
        m
    )
    return m


def _plot_classes(
    frame: gpd.GeoDataFrame, *, color_by: str, scheme: str | None, k: int, profile_name: str, lang: str = "nb"
) -> Classes:
    _ = words(lang)
    if color_by == "score":
        title = _("Score, {profile} profile").format(profile=profile_name)
        return classify_values(frame["score"], title=title, kind="score", scheme=scheme, k=k)
    if color_by == "price":
        from landreg.prices.asking import price_nok_m2

        return classify_values(price_nok_m2(frame), title=_("Asking price (NOK/m²)"), kind="price", scheme=scheme, k=k)
    if color_by == "status":
        from landreg.i18n import code_label

        classes = classify_categories(frame["status"].astype(str), title=_("Status"))
        classes.legend.items = [(color, code_label("status", label, lang)) for color, label in classes.legend.items]
        return classes
    raise ValueError(f"color_by must be one of {COLOR_BY}, got {color_by!r}")


def build_plot_map(
    plots: Any,
    *,
    color_by: str = "score",
    profile: str | None = None,
    scheme: str | None = None,
    k: int = 5,
    context: MapContext | None = None,
    isochrones: gpd.GeoDataFrame | None = None,
    price_surface: Any = None,
    hotspots: gpd.GeoDataFrame | None = None,
    assets: str = "inline",
    web_tiles: bool = True,
    title: str | None = None,
    decimals: int = PLOT_DECIMALS,
    simplify_m: float = 0.5,
    lang: str = "nb",
) -> Any:
    """Plots coloured by attractiveness, price or status, with popups, context layers and search.

    Parameters
    ----------
    plots : ScoreResult or GeoDataFrame
        Scored plots (:func:`landreg.analysis.score_registry`), or every live enriched plot
        (EPSG:25832), scored with ``profile`` when ``color_by="score"`` (synergy and the
        criteria no plot can score are taken from them, :func:`landreg.clusters.scoring_context`).
    color_by : {"score", "price", "status"}
        What colours the plots: attractiveness score, asking price (NOK/m²) or status.
    profile : str, optional
        Scoring profile name (default ``"general"`` when plots must be scored).
    scheme : str, optional
        mapclassify scheme (default: 20-point bands for scores, Fisher–Jenks for prices).
    k : int
        Number of classes.
    context : MapContext, optional
        Context layers (:func:`maps.sources.load_map_context`): land, roads, railways,
        destinations, business areas, hazards, protected areas.
    isochrones : GeoDataFrame, optional
        :func:`landreg.enrich.travel_time_isochrones` output.
    price_surface : PriceSurface, optional
        Drawn as price bands (off by default).
    hotspots : GeoDataFrame, optional
        :class:`landreg.clusters.HotSpots` frame (off by default).
    assets : str
        ``"inline"`` (standalone) or the URL prefix of the served assets.
    web_tiles : bool
        Offer the online base map as an overlay (off by default).
    title : str, optional
        Page and heading title (default names what colours the plots).
    decimals, simplify_m : int, float
        Coordinate precision (5 ≈ 1 m) and simplification tolerance (m) of the plots.
    lang : {"nb", "en"}
        Language of the map's texts (bokmål by default); codes are shown as words.

    Returns
    -------
    folium.Map
    """
    _ = words(lang)
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {COLOR_BY}, got {color_by!r}")
    prof = getattr(plots, "profile", None)
    frame = getattr(plots, "frame", plots)
    not_applicable = getattr(plots, "not_applicable", None)
    if color_by == "score" and "score" not in frame.columns:
        from landreg.clusters import scoring_context
        from landreg.scoring import ScoringProfile, load_profile, score_plots

        prof = profile if isinstance(profile, ScoringProfile) else load_profile(profile or "general")
        areas = context.get("business_areas") if context is not None else None
        whole = scoring_context(frame, industry_nace=prof.industry_nace, areas=areas)  # the plots are the region
        result = score_plots(frame, profile=prof, context=whole)
        frame, prof, not_applicable = result.frame, result.profile, result.not_applicable
    if prof is None and "score" in frame.columns and profile:
        from landreg.scoring import load_profile

        prof = load_profile(profile)
    profile_name = getattr(prof, "name", profile or "general")
    classes = _plot_classes(frame, color_by=color_by, scheme=scheme, k=k, profile_name=profile_name, lang=lang)
    areas = context.get("business_areas") if context else None
    names = dict(zip(areas["area_id"], areas["name"], strict=False)) if areas is not None else {}
    title = (
        title
        or {
            "score": _("Plots by attractiveness ({profile})").format(profile=profile_name),
            "price": _("Plots by asking price"),
            "status": _("Plots by status"),
        }[color_by]
    )
    m = offline_map(_bounds([frame, _region(context)]), assets=assets, title=title, lang=lang)
    drawn, base_legends = add_base_map(m, context, lang=lang)
    drawn += _constraints(m, context, lang=lang)
    legends: list[Legend] = [classes.legend]
    if price_surface is not None:
        bands, legend = add_price_bands(m, price_surface, name=_("Price surface (NOK/m²)"))
        legend.title = _("Price surface (NOK/m²)")
        base_legends.append((legend, bands))  # shown while the (optional) price layer is
    if isochrones is not None and len(isochrones):
        target = str(isochrones["target"].iloc[0]).replace("_", " ") if "target" in isochrones else ""
        add_isochrones(m, isochrones, show=True, name=_("Travel time to {target}").format(target=target))
        drawn.append("roads")
    named: list[tuple[Any, str]] = []
    if areas is not None:
        layer, _legend = add_business_areas(m, areas, name=_("Business areas"))
        add_area_labels(m, areas, lang=lang)
        named.append((layer, "name"))
        drawn.append("business_areas")
    layer = PlotLayer(
        plot_payload(
            frame,
            classes=classes,
            profile=prof,
            not_applicable=not_applicable,
            area_names=names,
            tooltip_field="score" if color_by == "score" else "status",
            decimals=decimals,
            simplify_m=simplify_m,
            lang=lang,
        ),
        name=_("Plots ({n})").format(n=len(frame)),
    )
    layer.add_to(m)
    if hotspots is not None and len(hotspots):
        add_hotspots(m, hotspots, name=_("Price hot and cold spots (Gi*)"))
    if context is not None and (f := context.get("destinations")) is not None:
        named.append((add_destinations(m, f, name=words(lang)("Destinations")), "name"))
        drawn.append("destinations")
    return _finish(
        m,
        context=context,
        drawn=drawn,
        notice=map_notice(context, drawn, plots=frame),
        title=title,
        subtitle=_("{n} plots · colour: {by}").format(
            n=len(frame), by={"score": _("score"), "price": _("price"), "status": _("status")}[color_by]
        ),
        legends=legends[:2],
        plot_layers=[layer],
        named_layers=named,
        web_tiles=web_tiles,
        layer_legends=base_legends,
        lang=lang,
    )


def build_overview_map(
    context: MapContext,
    *,
    area_stats: pd.DataFrame | None = None,
    plots: pd.DataFrame | None = None,
    value: str = "effective_daa",
    assets: str = "inline",
    web_tiles: bool = True,
    title: str | None = None,
    lang: str = "nb",
) -> Any:
    """The region: business areas (coloured by ``value`` of ``area_stats``), municipalities, roads, railways,
    destinations.

    Parameters
    ----------
    context : MapContext
        Context layers (:func:`maps.sources.load_map_context`); the business areas are drawn from it.
    area_stats : DataFrame, optional
        Per ``area_id``: cluster scores and effective supply (:func:`landreg.analysis.area_statistics`);
        shown in the areas' popups.
    plots : DataFrame, optional
        The plots ``area_stats`` was computed from (with ``provenance``): what of them is
        synthetic goes into the map's notice.
    value : str
        The column of ``area_stats`` that colours the areas.
    assets : str
        ``"inline"`` (standalone) or the URL prefix of the served assets.
    web_tiles : bool
        Offer the online base map as an overlay (off by default).
    title : str, optional
        Page and heading title (default: business land in Trondheimsregionen).
    lang : {"nb", "en"}
        Language of the map's texts (bokmål by default).

    Returns
    -------
    folium.Map
    """
    _ = words(lang)
    title = title or _("Business land in Trondheimsregionen")
    region = _region(context)
    m = offline_map(
        _bounds([region, context.get("business_areas")], margin=0.02), assets=assets, title=title, lang=lang
    )
    drawn, base_legends = add_base_map(m, context, lang=lang)
    drawn += _constraints(m, context, lang=lang)
    legends: list[Legend] = []
    named: list[tuple[Any, str]] = []
    if (areas := context.get("business_areas")) is not None:
        layer, legend = add_business_areas(
            m,
            areas,
            stats=area_stats,
            value=value if area_stats is not None else None,
            name=_("Business areas") + (f" ({value.replace('_', ' ')})" if area_stats is not None else ""),
        )
        add_area_labels(m, areas, lang=lang)
        named.append((layer, "name"))
        drawn.append("business_areas")
        if legend is not None:
            legends.append(legend)
    if (f := context.get("road_projects")) is not None and len(f):
        add_road_projects(m, f, show=False, name=_("Planned roads"))
        drawn.append("road_projects")
    if (f := context.get("destinations")) is not None:
        named.append((add_destinations(m, f, name=words(lang)("Destinations")), "name"))
        drawn.append("destinations")
    return _finish(
        m,
        context=context,
        drawn=drawn,
        notice=map_notice(context, drawn, plots=plots if area_stats is not None else None),
        title=title,
        subtitle=_("business areas, roads, railways, destinations"),
        legends=legends,
        plot_layers=[],
        named_layers=named,
        web_tiles=web_tiles,
        layer_legends=base_legends,
        lang=lang,
    )


_CHANGE_COLORS = {
    "status changed": "#8e44ad",
    "score up ≥ 5": "#1a9641",
    "score up < 5": "#a6d96a",
    "no change": "#e0e0e0",
    "score down < 5": "#fdae61",
    "score down ≥ 5": "#d7191c",
    "no score": "#bdbdbd",
}


def change_category(before: np.ndarray, after: np.ndarray, status_changed: np.ndarray) -> np.ndarray:
    """One category of :data:`_CHANGE_COLORS` per plot from scores before/after and status changes."""
    d = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    out = np.full(len(d), "no change", dtype=object)
    out[np.isnan(d)] = "no score"
    out[d >= SCORE_TOLERANCE] = "score up < 5"
    out[d >= 5] = "score up ≥ 5"
    out[d <= -SCORE_TOLERANCE] = "score down < 5"
    out[d <= -5] = "score down ≥ 5"
    out[np.asarray(status_changed, dtype=bool)] = "status changed"
    return out


def build_scenario_map(
    plots: gpd.GeoDataFrame,
    *,
    context: MapContext | None = None,
    road_projects: gpd.GeoDataFrame | None = None,
    title: str = "Scenario",
    subtitle: str | None = None,
    notes: Sequence[str] = (),
    assets: str = "inline",
    web_tiles: bool = True,
    lang: str = "nb",
) -> Any:
    """What a decision or a road changes: plots coloured by score change, status changes highlighted.

    Parameters
    ----------
    plots : GeoDataFrame
        Plots (EPSG:25832) with the columns of :attr:`landreg.scenarios.ScenarioReport.plots`
        (``status_before/after``, ``score_before/after``, ``rank_before/after``, ``<t>_min_change``).
    context : MapContext, optional
        Context layers (:func:`maps.sources.load_map_context`).
    road_projects : GeoDataFrame, optional
        The scenario's new roads (drawn on top).
    title : str
        Page and heading title.
    subtitle : str, optional
        One line under the title (e.g. :meth:`landreg.scenarios.ScenarioReport.headline`);
        default the first note.
    notes : sequence of str
        What the scenario applied (legend note), as text for readers.
    assets : str
        ``"inline"`` (standalone) or the URL prefix of the served assets.
    web_tiles : bool
        Offer the online base map as an overlay (off by default).
    lang : {"nb", "en"}
        Language of the map's texts (bokmål by default).

    Returns
    -------
    folium.Map
    """
    frame = plots.copy()
    status_changed = (frame["status_before"].astype(str) != frame["status_after"].astype(str)).to_numpy()
    cats = change_category(frame["score_before"].to_numpy(), frame["score_after"].to_numpy(), status_changed)
    frame["change"] = cats
    classes = classify_categories(cats, title="Change", colors=_CHANGE_COLORS)
    classes.legend.note = "; ".join(notes) if notes else None
    moved = [c for c in frame.columns if c.endswith("_min_change") and (frame[c].abs() > 1e-6).any()]
    extra = {
        "status_change": [
            f"{a} → {b}" if a != b else str(a)
            for a, b in zip(frame["status_before"].astype(str), frame["status_after"].astype(str), strict=True)
        ],
        "score_change": [_arrow(a, b) for a, b in zip(frame["score_before"], frame["score_after"], strict=True)],
        "rank_change": [_arrow(a, b, digits=0) for a, b in zip(frame["rank_before"], frame["rank_after"], strict=True)],
    }
    facts = [("Status", "status_change", "", 0), ("Score", "score_change", "", 0), ("Rank", "rank_change", "", 0)]
    for c in moved:
        extra[c] = frame[c].round(1).tolist()
        facts.append((f"Time to {c[: -len('_min_change')].replace('_', ' ')}", c, "min change", 1))
    view = frame.drop(columns=[c for c in ("score", "rank", "status") if c in frame.columns])
    if "area_m2" not in view and "area_daa" in view:
        view["area_m2"] = view["area_daa"] * 1000
    m = offline_map(_bounds([frame[frame["change"] != "no change"], frame]), assets=assets, title=title, lang=lang)
    drawn, base_legends = add_base_map(m, context, lang=lang)
    named: list[tuple[Any, str]] = []
    areas = context.get("business_areas") if context else None
    if areas is not None:
        layer, _legend = add_business_areas(m, areas, name=words(lang)("Business areas"))
        add_area_labels(m, areas, lang=lang)
        named.append((layer, "name"))
        drawn.append("business_areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=False)) if areas is not None else {}
    layer = PlotLayer(
        plot_payload(
            view,
            classes=classes,
            area_names=names,
            extra_facts=facts,
            extra_columns=extra,
            tooltip_field="score_change",
            lang=lang,
        ),
        name=f"Plots: change ({int((cats != 'no change').sum())} of {len(frame)})",
    )
    layer.add_to(m)
    if road_projects is not None and len(road_projects):
        add_road_projects(m, road_projects, name=words(lang)("Planned roads"))
        drawn.append("road_projects")
    if context is not None and (f := context.get("destinations")) is not None:
        named.append((add_destinations(m, f, name=words(lang)("Destinations")), "name"))
        drawn.append("destinations")
    return _finish(
        m,
        context=context,
        drawn=drawn,
        notice=map_notice(context, drawn, plots=frame),
        title=title,
        subtitle=subtitle or (notes[0] if notes else None),
        legends=[classes.legend],
        plot_layers=[layer],
        named_layers=named,
        web_tiles=web_tiles,
        layer_legends=base_legends,
        lang=lang,
    )


def _arrow(a: Any, b: Any, *, digits: int = 1) -> str:
    def f(x: Any) -> str:
        return "–" if x is None or pd.isna(x) else f"{float(x):.{digits}f}"

    return f(a) if f(a) == f(b) else f"{f(a)} → {f(b)}"
