"""The offline base map drawn from the bundled real layers: land and water, built-up areas, roads by class,
OpenStreetMap main streets, place names and business-area labels, with a legend per layer.

No web tiles are needed: the sea is the map's background colour, land is the municipality polygons
(Kartverket N1000), built-up areas and roads come from N1000, the streets from OpenStreetMap, and
place names from Kartverket's N1000 place names, each shown from a zoom that fits its importance.
Nothing here swallows a click meant for a plot: land, boundaries, built-up areas, streets and labels
are not interactive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from folium.elements import MacroElement
from folium.map import Layer
from folium.template import Template

from landreg.i18n import translator
from maps.encode import dumps_script_json, geojson_collection, to_web
from maps.sources import MapContext
from maps.style import LAND_STYLE, NEIGHBOUR_STYLE, ROADS_STYLE, Legend

#: N1000 place-name types and the zoom from which their names are shown (towns first, farms last).
PLACE_ZOOMS: dict[str, int] = {
    "by": 8,
    "tettsted": 9,
    "fjord": 9,
    "bydel": 11,
    "tettbebyggelse": 11,
    "innsjø": 11,
    "øyISjø": 11,
    "bygdelagBygd": 12,
    "grend": 12,
    "industriområde": 12,
    "flyplass": 10,
    "ferjekai": 12,
    "stasjon": 12,
    "nesISjø": 13,
    "vikISjø": 13,
    "fjell": 13,
    "boligfelt": 13,
}
#: Place-name types written as water (italic, blue).
WATER_TYPES = frozenset({"fjord", "innsjø", "vikISjø", "sund", "havområde"})
#: Two place names alike closer than this (m) are one place, labelled once.
LABEL_TWIN_M = 3000.0
#: The zoom from which business-area names are shown.
AREA_LABEL_ZOOM = 10
#: OpenStreetMap road classes drawn as streets, and the zoom from which they are shown.
STREET_CLASSES: tuple[str, ...] = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
)
STREETS_ZOOM = 11
#: The context layers the base map draws (ids of ``layers.toml``), for :func:`maps.sources.load_map_context`.
BASE_LAYERS: tuple[str, ...] = ("municipalities", "built_up", "roads", "railways", "osm_roads", "placenames")
#: The base map of the vector-tile map: without the OpenStreetMap streets, whose inline GeoJSON would
#: triple the page (about 0.6 MB instead of 1.7 MB).
LIGHT_BASE_LAYERS: tuple[str, ...] = tuple(lid for lid in BASE_LAYERS if lid != "osm_roads")
BUILT_UP_STYLE = {"fillColor": "#e6dccf", "color": "#d2c4b2", "weight": 0.5, "fillOpacity": 1.0, "interactive": False}
STREET_STYLE = {"color": "#ffffff", "weight": 2.5, "opacity": 0.95, "interactive": False}


def words(lang: str) -> Callable[[str], str]:
    """The ``maps`` catalog's ``gettext`` for ``lang`` (message ids are English)."""
    return translator(lang, "maps").gettext


class LabelLayer(Layer):
    """Text labels drawn by ``landreg.labelLayer``: each shown from its own zoom, never catching a click.

    Parameters
    ----------
    names, lat, lon, minzoom, kind : sequences of equal length
        Label text, position (CRS84), first zoom shown and style (``town``, ``place``, ``water``, ``area``).
    name : str
        Name in the layer control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = landreg.labelLayer({{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        names: list[str],
        lat: list[float],
        lon: list[float],
        minzoom: list[int],
        kind: list[str],
        name: str,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "LabelLayer"
        self.n_labels = len(names)
        data = {"names": names, "lat": lat, "lon": lon, "minzoom": minzoom, "kind": kind}
        self.payload = dumps_script_json(data)


class FromZoom(MacroElement):
    """Show an existing layer only from ``min_zoom`` on (it stays in the layer control)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = landreg.fromZoom(
            {{ this._parent.get_name() }}, {{ this.layer.get_name() }}, {{ this.min_zoom }});
        {% endmacro %}
        """
    )

    def __init__(self, layer: Any, min_zoom: int) -> None:
        super().__init__()
        self._name = "FromZoom"
        self.layer = layer
        self.min_zoom = int(min_zoom)


def _shapes(m: Any, frame: gpd.GeoDataFrame, *, name: str, style_column: str | None, styles: dict[str, Any]) -> Any:
    """Non-interactive lines or polygons (no tooltip, no click), styled per class."""
    import folium

    web = to_web(frame, simplify_m=8.0)
    data = geojson_collection(web, columns=[style_column] if style_column else [], decimals=5)
    base = styles.get("*", {})

    def style_function(feature: dict[str, Any]) -> dict[str, Any]:
        key = str(feature["properties"].get(style_column)) if style_column else ""
        return {**base, **styles.get(key, {}), "interactive": False}

    layer = folium.GeoJson(data, name=name, style_function=style_function, interactive=False)
    layer.add_to(m)
    return layer


def add_land(m: Any, municipalities: gpd.GeoDataFrame, *, lang: str) -> Any:
    """Land (the region's ten municipalities lighter than their neighbours) with municipal boundaries as lines.

    The polygons do not react to the pointer, so a click on land reaches the plots and areas above.
    """
    import folium

    _ = words(lang)
    frame = municipalities.copy()
    region = frame["trondheimsregionen"].astype(bool) if "trondheimsregionen" in frame else pd.Series(True, frame.index)
    frame["group"] = np.where(region, "region", "neighbour")
    web = to_web(frame, simplify_m=10.0)
    data = geojson_collection(web, columns=["group"], decimals=4)
    styles = {"region": LAND_STYLE, "neighbour": NEIGHBOUR_STYLE}
    layer = folium.GeoJson(
        data,
        name=_("Land and municipal boundaries"),
        style_function=lambda f: {**styles.get(f["properties"]["group"], LAND_STYLE), "interactive": False},
        interactive=False,
    )
    layer.add_to(m)
    return layer


def add_base_map(m: Any, context: MapContext | None, *, lang: str) -> tuple[list[str], list[tuple[Legend, Any]]]:
    """Draw the offline base map: land, built-up areas, roads by class, main streets and place names.

    Parameters
    ----------
    m : folium.Map
        The map drawn on.
    context : MapContext or None
        The context layers (``municipalities``, ``built_up``, ``roads``, ``railways``, ``osm_roads``,
        ``placenames``; each is drawn when loaded).
    lang : str
        ``"nb"`` or ``"en"``: layer names and legends.

    Returns
    -------
    (list of str, list of (Legend, layer))
        The layer ids drawn (for the attribution) and a legend for each layer that has one.
    """
    from maps.layers import add_railways

    _ = words(lang)
    drawn: list[str] = []
    legends: list[tuple[Legend, Any]] = []
    if context is None:
        return drawn, legends
    if (f := context.get("municipalities")) is not None:
        add_land(m, f, lang=lang)
        drawn.append("municipalities")
    if (f := context.get("built_up")) is not None and len(f):
        layer = _shapes(m, f, name=_("Built-up areas"), style_column=None, styles={"*": BUILT_UP_STYLE})
        drawn.append("built_up")
        legends.append(
            (Legend(_("Built-up areas"), [(str(BUILT_UP_STYLE["fillColor"]), _("built-up area (N1000)"))]), layer)
        )
    if (f := context.get("osm_roads")) is not None and "highway" in f:
        streets = f[f["highway"].isin(STREET_CLASSES)]
        if len(streets):
            layer = _shapes(
                m, streets, name=_("Main streets (OpenStreetMap)"), style_column=None, styles={"*": STREET_STYLE}
            )
            FromZoom(layer, STREETS_ZOOM).add_to(m)
            drawn.append("osm_roads")
    if (f := context.get("roads")) is not None:
        frame = f[f["vegkategori"].isin(list(ROADS_STYLE))] if "vegkategori" in f else f
        styles = {k: {"color": c, "weight": w, "opacity": 0.9} for k, (c, w) in ROADS_STYLE.items()}
        layer = _shapes(m, frame, name=_("Roads by class"), style_column="vegkategori", styles=styles)
        drawn.append("roads")
        names = {"E": _("European road"), "R": _("National road"), "F": _("County road")}
        items: list[tuple[str, ...]] = [(c, names[k], "line") for k, (c, _w) in ROADS_STYLE.items()]
        legends.append((Legend(_("Roads by class"), items), layer))
    if (f := context.get("railways")) is not None:
        add_railways(m, f, name=_("Railways"))
        drawn.append("railways")
    if (f := context.get("placenames")) is not None and len(f):
        labels = place_labels(f)
        if labels is not None:
            LabelLayer(
                names=labels["names"],
                lat=labels["lat"],
                lon=labels["lon"],
                minzoom=labels["minzoom"],
                kind=labels["kind"],
                name=_("Place names (Kartverket N1000)"),
            ).add_to(m)
            drawn.append("placenames")
    return drawn, legends


def place_labels(placenames: gpd.GeoDataFrame) -> dict[str, list[Any]] | None:
    """Label data of the N1000 place names worth showing (:data:`PLACE_ZOOMS`), in CRS84."""
    kind_column = "navneobjekttype" if "navneobjekttype" in placenames else None
    name_column = "fulltekst" if "fulltekst" in placenames else "name" if "name" in placenames else None
    if kind_column is None or name_column is None:
        return None
    shown = placenames[placenames[kind_column].isin(list(PLACE_ZOOMS))]
    if not len(shown):
        return None
    # One label per name and place: N1000 names a town both as "by" and as "tettsted"; the first shown is kept.
    shown = shown.assign(_zoom=shown[kind_column].map(PLACE_ZOOMS)).sort_values("_zoom", kind="stable")
    kept: list[tuple[str, Any]] = []
    mask = []
    for name, point in zip(shown[name_column].astype(str), shown.geometry, strict=True):
        twin = any(n == name and point.distance(q) < LABEL_TWIN_M for n, q in kept)
        mask.append(not twin)
        if not twin:
            kept.append((name, point))
    shown = shown[mask]
    points = shown.to_crs("EPSG:4326")
    kinds = shown[kind_column].astype(str)
    return {
        "names": shown[name_column].astype(str).tolist(),
        "lat": [round(float(y), 5) for y in points.geometry.y],
        "lon": [round(float(x), 5) for x in points.geometry.x],
        "minzoom": [PLACE_ZOOMS[k] for k in kinds],
        "kind": ["water" if k in WATER_TYPES else "town" if k in ("by", "tettsted") else "place" for k in kinds],
    }


def add_area_labels(m: Any, areas: gpd.GeoDataFrame, *, lang: str) -> LabelLayer | None:
    """The business areas' names at a point inside each, from zoom :data:`AREA_LABEL_ZOOM` on."""
    if "name" not in areas or not len(areas):
        return None
    points = gpd.GeoSeries(areas.geometry.representative_point(), crs=areas.crs).to_crs("EPSG:4326")
    layer = LabelLayer(
        names=areas["name"].astype(str).tolist(),
        lat=[round(float(y), 5) for y in points.y],
        lon=[round(float(x), 5) for x in points.x],
        minzoom=[AREA_LABEL_ZOOM] * len(areas),
        kind=["area"] * len(areas),
        name=words(lang)("Business area names"),
    )
    layer.add_to(m)
    return layer
