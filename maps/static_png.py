"""Static maps for reports (geopandas + matplotlib, Agg): plots by score, price or status; the overview; a scenario.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot, in
EPSG:25832 (metres, so the scale bar is exact), with a legend, a scale bar and the
attribution; save it with :func:`save_map_png`.  Same colours and classes as the web maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from maps.sources import MapContext, map_notice
from maps.style import LAND_STYLE, NEIGHBOUR_STYLE, ROADS_STYLE, Classes, classify_categories, classify_values

WATER_COLOR = "#c9dcea"


def _figure(width_in: float, height_in: float) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), layout="constrained")


def save_map_png(fig: Any, path: str | Path, *, dpi: int = 150) -> Path:
    """Write ``fig`` as PNG (parent folders are created); return the path."""
    path = Path(path).with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=dpi)
    return path


def _extent(frames: Sequence[gpd.GeoDataFrame | None], *, margin: float = 0.08) -> tuple[float, float, float, float]:
    for f in frames:
        if f is not None and len(f):
            x0, y0, x1, y1 = f.total_bounds
            d = max(x1 - x0, y1 - y0, 2000.0) * margin
            return (x0 - d, y0 - d, x1 + d, y1 + d)
    return (540_000.0, 6_990_000.0, 620_000.0, 7_060_000.0)


def _context(ax: Any, context: MapContext | None, extent: tuple[float, float, float, float]) -> list[str]:
    """Water background, land, main roads and railways; returns the layer ids drawn."""
    ax.set_facecolor(WATER_COLOR)
    drawn: list[str] = []
    if context is None:
        return drawn
    if (munis := context.get("municipalities")) is not None:
        region = (
            munis["trondheimsregionen"].astype(bool) if "trondheimsregionen" in munis else np.ones(len(munis), bool)
        )
        for sel, st in ((~region, NEIGHBOUR_STYLE), (region, LAND_STYLE)):
            munis[sel].plot(ax=ax, facecolor=st["fillColor"], edgecolor=st["color"], linewidth=0.5, zorder=1)
        drawn.append("municipalities")
    if (roads := context.get("roads")) is not None and "vegkategori" in roads:
        for cat, (color, width) in ROADS_STYLE.items():
            sub = roads[roads["vegkategori"] == cat]
            if len(sub) and cat in ("E", "R"):
                sub.plot(ax=ax, color=color, linewidth=width * 0.6, zorder=3)
        drawn.append("roads")
    if (rail := context.get("railways")) is not None:
        rail.plot(ax=ax, color="#2c3e50", linewidth=0.8, linestyle="--", zorder=3)
        drawn.append("railways")
    return drawn


def _scale_bar(ax: Any, extent: tuple[float, float, float, float]) -> None:
    width = extent[2] - extent[0]
    nice = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000]
    length = max([n for n in nice if n <= width / 5] or [nice[0]])
    x0 = extent[0] + width * 0.04
    y0 = extent[1] + (extent[3] - extent[1]) * 0.04
    ax.plot([x0, x0 + length], [y0, y0], color="black", linewidth=3, solid_capstyle="butt", zorder=10)
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length} m"
    ax.text(x0 + length / 2, y0, label, ha="center", va="bottom", fontsize=8, zorder=10)


def _finish(
    fig: Any,
    ax: Any,
    *,
    extent: tuple[float, float, float, float],
    title: str,
    classes: Classes | None,
    attribution: Sequence[str],
) -> Any:
    from matplotlib.patches import Patch

    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title, fontsize=11, loc="left")
    _scale_bar(ax, extent)
    if classes is not None and classes.legend.items:
        handles = [Patch(facecolor=c, edgecolor="#555", label=label) for c, label in classes.legend.items]
        ax.legend(
            handles=handles, title=classes.legend.title, loc="upper right", fontsize=7, title_fontsize=8, framealpha=0.9
        )
    fig.supxlabel(" · ".join(attribution) + " · EPSG:25832", x=0.995, ha="right", fontsize=6.5, color="#444")
    return fig


def _colors(classes: Classes) -> list[str]:
    from maps.style import MISSING_COLOR

    return [classes.colors[c] if c >= 0 else MISSING_COLOR for c in classes.codes]


def plot_map_png(
    plots: Any,
    *,
    color_by: str = "score",
    context: MapContext | None = None,
    title: str | None = None,
    scheme: str | None = None,
    k: int = 5,
    width_in: float = 9.0,
    height_in: float = 7.5,
) -> Any:
    """Plots coloured by ``score``, ``price`` or ``status`` over land, roads and railways.

    Parameters
    ----------
    plots : ScoreResult or GeoDataFrame
        EPSG:25832; scored for ``color_by="score"``.
    color_by : {"score", "price", "status"}
        What colours the plots: attractiveness score, asking price (NOK/m²) or status.
    context : MapContext, optional
        Land, roads, railways and business areas drawn under the plots, with their attribution.
    title : str, optional
        Figure title (default names what colours the plots and how many).
    scheme : str, optional
        mapclassify scheme (default: 20-point bands for scores, Fisher–Jenks for prices).
    k : int
        Number of classes.
    width_in : float
        Figure width in inches.
    height_in : float
        Figure height in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    frame = getattr(plots, "frame", plots)
    if color_by == "score":
        classes = classify_values(frame["score"], title="Score", kind="score", scheme=scheme, k=k)
    elif color_by == "price":
        from landreg.prices.asking import price_nok_m2

        classes = classify_values(price_nok_m2(frame), title="NOK/m²", kind="price", scheme=scheme, k=k)
    elif color_by == "status":
        classes = classify_categories(frame["status"].astype(str), title="Status")
    else:
        raise ValueError(f"color_by must be score, price or status, got {color_by!r}")
    fig = _figure(width_in, height_in)
    ax = fig.add_subplot()
    extent = _extent([frame])
    drawn = _context(ax, context, extent)
    if (areas := context.get("business_areas") if context else None) is not None:
        areas.boundary.plot(ax=ax, color="#3d3d3d", linewidth=0.6, linestyle=":", zorder=4)
        drawn.append("business_areas")
    frame.plot(ax=ax, color=_colors(classes), edgecolor="#333", linewidth=0.2, zorder=5)
    lines = _attribution(context, drawn, plots=frame)
    return _finish(
        fig, ax, extent=extent, title=title or f"Plots by {color_by} ({len(frame)})", classes=classes, attribution=lines
    )


def _attribution(context: MapContext | None, drawn: list[str], *, plots: Any = None) -> list[str]:
    """Real sources of the layers drawn, then the synthetic notice derived from the data (none for real data)."""
    notice = map_notice(context, drawn, plots=plots)
    if context is not None:
        return context.attribution(drawn, notice=notice)
    return [notice.text()] if notice.any_synthetic else []


def overview_png(
    context: MapContext,
    *,
    area_stats: Any = None,
    plots: Any = None,
    value: str = "effective_daa",
    title: str = "Business land in Trondheimsregionen",
    width_in: float = 9.0,
    height_in: float = 8.0,
) -> Any:
    """Business areas as symbols coloured by ``value`` of ``area_stats`` over the region.

    ``plots`` are the plots the statistics came from (with ``provenance``; their synthetic
    values are counted in the notice).
    """
    fig = _figure(width_in, height_in)
    ax = fig.add_subplot()
    munis = context.get("municipalities")
    region = (
        munis[munis["trondheimsregionen"].astype(bool)]
        if munis is not None and "trondheimsregionen" in munis
        else munis
    )
    extent = _extent([region], margin=0.03)
    drawn = _context(ax, context, extent)
    classes = None
    if (areas := context.get("business_areas")) is not None:
        frame = areas
        if area_stats is not None and value in area_stats:
            frame = areas.merge(area_stats[["area_id", value]], on="area_id", how="left")
            classes = classify_values(frame[value], title=value.replace("_", " "), kind="supply", digits=1)
        pts = frame.set_geometry(frame.geometry.representative_point())
        colors = _colors(classes) if classes is not None else "#555"
        pts.plot(ax=ax, color=colors, edgecolor="#222", markersize=40, zorder=6)
        drawn.append("business_areas")
    if (dest := context.get("destinations")) is not None:
        dest.plot(ax=ax, color="#1f4e79", markersize=8, marker="s", zorder=7)
        drawn.append("destinations")
    lines = _attribution(context, drawn, plots=plots if classes is not None else None)
    return _finish(fig, ax, extent=extent, title=title, classes=classes, attribution=lines)


def scenario_png(
    plots: gpd.GeoDataFrame,
    *,
    context: MapContext | None = None,
    title: str = "Scenario",
    width_in: float = 9.0,
    height_in: float = 7.5,
) -> Any:
    """Plots coloured by what a scenario changes (see :func:`maps.build.build_scenario_map`)."""
    from maps.build import _CHANGE_COLORS, change_category

    changed_status = (plots["status_before"].astype(str) != plots["status_after"].astype(str)).to_numpy()
    cats = change_category(plots["score_before"].to_numpy(), plots["score_after"].to_numpy(), changed_status)
    classes = classify_categories(cats, title="Change", colors=_CHANGE_COLORS)
    fig = _figure(width_in, height_in)
    ax = fig.add_subplot()
    moved = plots[cats != "no change"]
    extent = _extent([moved, plots], margin=0.5 if len(moved) else 0.08)
    drawn = _context(ax, context, extent)
    plots.plot(ax=ax, color=_colors(classes), edgecolor="#333", linewidth=0.2, zorder=5)
    lines = _attribution(context, drawn, plots=plots)
    return _finish(fig, ax, extent=extent, title=title, classes=classes, attribution=lines)
