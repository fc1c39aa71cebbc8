"""Static map extracts of a plot as SVG, drawn on the server so the HTML page and the PDF show the same map.

Coordinates are EPSG:25832 metres (north up); a view maps a bounding box onto the picture with one
scale for both axes, so distances are true, and carries a scale bar and a north arrow.  Two views
make up a dossier's maps: the plot among its neighbours, and the drive-time isochrones around it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

#: Fill of a neighbouring plot per status (the plot itself is drawn in red).
STATUS_FILL: dict[str, str] = {
    "available": "#74c476",
    "reserved": "#fdae6b",
    "sold": "#bdbdbd",
    "locked": "#9e9ac8",
    "planned": "#9ecae1",
}
ISOCHRONE_FILL: tuple[str, ...] = ("#2171b5", "#6baed6", "#c6dbef")
PLOT_FILL = "#d7301f"


@dataclass(frozen=True)
class View:
    """A bounding box (EPSG:25832) drawn onto ``width`` × ``height`` pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: int
    height: int

    @classmethod
    def around(cls, bounds: Iterable[float], *, width: int = 640, height: int = 420, margin: float = 0.08) -> View:
        """A view of ``bounds`` with a margin, widened on one axis to the picture's aspect ratio."""
        x0, y0, x1, y1 = bounds
        w, h = max(x1 - x0, 50.0), max(y1 - y0, 50.0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
        if w / h < width / height:
            w = h * width / height
        else:
            h = w * height / width
        return cls(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, width, height)

    @property
    def m_per_px(self) -> float:
        """Metres per pixel."""
        return (self.x1 - self.x0) / self.width

    def path(self, geom: Any) -> str:
        """SVG path data of a (multi)polygon or (multi)line, in picture coordinates."""
        parts: list[str] = []
        for g in getattr(geom, "geoms", [geom]):
            rings = [g.exterior, *g.interiors] if g.geom_type == "Polygon" else [g]
            for ring in rings:
                xy = shapely.get_coordinates(ring)
                if len(xy) < 2:
                    continue
                px = (xy[:, 0] - self.x0) / self.m_per_px
                py = (self.y1 - xy[:, 1]) / self.m_per_px
                pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
                parts.append(f"M{pts}{'Z' if g.geom_type == 'Polygon' else ''}")
        return " ".join(parts)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Picture coordinates of a point."""
        return (x - self.x0) / self.m_per_px, (self.y1 - y) / self.m_per_px


def _scale_bar(view: View, lang_km: str) -> str:
    target = view.m_per_px * view.width / 4
    step = 10 ** math.floor(math.log10(target))
    length_m = max(s * step for s in (1, 2, 5) if s * step <= target)
    px = length_m / view.m_per_px
    label = f"{length_m / 1000:g} {lang_km}" if length_m >= 1000 else f"{length_m:g} m"
    y = view.height - 14
    return (
        f"<g class='scale'><rect x='8' y='{y - 14}' width='{px + 16:.1f}' height='22' fill='white' opacity='0.8'/>"
        f"<path d='M16,{y - 4} V{y} H{16 + px:.1f} V{y - 4}' stroke='#222' fill='none' stroke-width='1.5'/>"
        f"<text x='{20 + px:.1f}' y='{y}' font-size='11'>{html.escape(label)}</text></g>"
    )


def _north(view: View) -> str:
    x = view.width - 22
    return (
        f"<g class='north'><path d='M{x},10 L{x + 7},28 L{x},24 L{x - 7},28 Z' fill='#222'/>"
        f"<text x='{x - 4}' y='40' font-size='11'>N</text></g>"
    )


def _roads(view: View, roads: Any, *, min_speed_kmh: float = 0.0) -> str:
    """The roads in the view as one path per class (by speed), simplified to the pixel; minor ones left out."""
    if roads is None or not len(roads):
        return ""
    geoms = roads.geometry.to_numpy()
    speed = roads["speed_kmh"].to_numpy(dtype=float)
    inside = shapely.intersects(geoms, shapely.box(view.x0, view.y0, view.x1, view.y1)) & ~(speed < min_speed_kmh)
    out = []
    for lo, hi, width in ((70.0, 1e9, 2.6), (50.0, 70.0, 1.6), (-1e9, 50.0, 0.8)):
        pick = inside & (np.nan_to_num(speed, nan=0.0) >= lo) & (np.nan_to_num(speed, nan=0.0) < hi)
        if not pick.any():
            continue
        clipped = shapely.clip_by_rect(geoms[pick], view.x0, view.y0, view.x1, view.y1)
        simple = shapely.simplify(clipped, view.m_per_px * 1.5)
        keep = simple[~shapely.is_empty(simple) & (shapely.length(simple) >= 2 * view.m_per_px)]
        data = " ".join(view.path(g) for g in keep)
        if data:
            out.append(f"<path d='{data}' stroke='#8c8c8c' stroke-width='{width}' fill='none' stroke-linecap='round'/>")
    return "<g class='roads'>" + "".join(out) + "</g>"


def _svg(view: View, body: str, *, title: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {view.width} {view.height}' width='{view.width}' "
        f"height='{view.height}' role='img' aria-label='{html.escape(title)}' class='extract'>"
        f"<title>{html.escape(title)}</title><rect width='100%' height='100%' fill='#f7f7f2'/>{body}</svg>"
    )


def neighbourhood_svg(dossier: Any, *, title: str, km: str = "km", width: int = 640, height: int = 420) -> str:
    """The plot (red) among the neighbouring plots (by status), with roads, a scale bar and north arrow.

    Parameters
    ----------
    dossier : PlotDossier
        From :func:`landreg.dossier.build_plot_dossier` (EPSG:25832).
    title : str
        The picture's accessible title.
    km : str
        The word for kilometres on the scale bar.
    width, height : int
        Size in pixels.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    bounds = shapely.buffer(dossier.geometry, dossier.radius_m / 2).bounds
    view = View.around(bounds, width=width, height=height, margin=0.0)
    body = [_roads(view, dossier.roads)]
    for geom, status, code in zip(
        dossier.neighbours.geometry.to_numpy(),
        dossier.neighbours["status"].astype(str),
        dossier.neighbours["code"].astype(str),
        strict=True,
    ):
        fill = STATUS_FILL.get(status, "#dddddd")
        body.append(
            f"<path class='neighbour' data-code='{html.escape(code)}' d='{view.path(geom)}' fill='{fill}' "
            "fill-opacity='0.75' stroke='#555' stroke-width='0.6'/>"
        )
    body.append(
        f"<path class='plot' d='{view.path(dossier.geometry)}' fill='{PLOT_FILL}' fill-opacity='0.85' "
        "stroke='#67000d' stroke-width='1.5'/>"
    )
    x, y = view.point(*shapely.point_on_surface(dossier.geometry).coords[0])
    body.append(
        f"<text x='{x:.1f}' y='{y:.1f}' font-size='13' font-weight='bold' text-anchor='middle' "
        f"stroke='white' stroke-width='3' paint-order='stroke'>{html.escape(dossier.code)}</text>"
    )
    body += [_scale_bar(view, km), _north(view)]
    return _svg(view, "".join(body), title=title)


def isochrone_svg(dossier: Any, *, title: str, km: str = "km", width: int = 640, height: int = 420) -> str:
    """The drive-time isochrones (darkest: shortest time) around the plot, over the roads.

    Parameters
    ----------
    dossier : PlotDossier
        With ``isochrones`` (EPSG:25832).
    title : str
        The picture's accessible title.
    km : str
        The word for kilometres on the scale bar.
    width, height : int
        Size in pixels.

    Returns
    -------
    str
        An ``<svg>`` element ("" when the dossier has no isochrones).
    """
    iso = dossier.isochrones
    if iso is None or not len(iso):
        return ""
    view = View.around(iso.total_bounds, width=width, height=height, margin=0.02)
    body = [_roads(view, dossier.roads, min_speed_kmh=50.0)]
    for k, geom in reversed(list(enumerate(iso.geometry.to_numpy()))):
        fill = ISOCHRONE_FILL[min(k, len(ISOCHRONE_FILL) - 1)]
        simple = shapely.simplify(geom, view.m_per_px)
        body.append(
            f"<path class='isochrone' data-minutes='{iso['minutes'].iloc[k]:g}' d='{view.path(simple)}' "
            f"fill='{fill}' fill-opacity='0.35' stroke='{fill}' stroke-width='1' fill-rule='evenodd'/>"
        )
    x, y = view.point(*shapely.point_on_surface(dossier.geometry).coords[0])
    body.append(f"<circle class='plot' cx='{x:.1f}' cy='{y:.1f}' r='6' fill='{PLOT_FILL}' stroke='white'/>")
    body += [_scale_bar(view, km), _north(view)]
    return _svg(view, "".join(body), title=title)
