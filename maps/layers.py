"""Context layers drawn as vectors: railways, destinations, business areas,
hazards, protected areas, isochrones, price bands and hot spots, road projects; web tiles as an optional extra.

Each ``add_*`` function adds one folium layer to the map and returns it.  Inputs are
GeoDataFrames in EPSG:25832; they are simplified in metres and rounded (see :mod:`maps.encode`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from maps.encode import CONTEXT_DECIMALS, geojson_collection, to_web
from maps.style import classify_values, ramp

#: The optional web base map (the only external URL a map may reference).
WEB_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
WEB_TILES_ATTRIBUTION = "© OpenStreetMap contributors (web tiles)"


def _geojson(
    m: Any,
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    style: dict[str, Any] | None = None,
    style_column: str | None = None,
    styles: dict[Any, dict[str, Any]] | None = None,
    fields: Sequence[tuple[str, str]] = (),
    popup_fields: Sequence[tuple[str, str]] = (),
    show: bool = True,
    simplify_m: float = 5.0,
    decimals: int = CONTEXT_DECIMALS,
    marker: Any = None,
    control: bool = True,
) -> Any:
    import folium

    web = to_web(frame, simplify_m=simplify_m)
    columns = [c for c, _ in (*fields, *popup_fields)] + ([style_column] if style_column else [])
    data = geojson_collection(web, columns=list(dict.fromkeys(columns)), decimals=decimals)
    base = dict(style or {})

    def style_function(feature: dict[str, Any]) -> dict[str, Any]:
        if style_column and styles:
            return {**base, **styles.get(feature["properties"].get(style_column), {})}
        return base

    kwargs: dict[str, Any] = {}
    # Tooltips and popups name fields of the features: a layer with no feature (e.g. no hot spot) has none.
    has_features = len(web) > 0
    tip = [(c, a) for c, a in fields if c in web.columns and has_features]
    if tip:
        kwargs["tooltip"] = folium.GeoJsonTooltip(fields=[c for c, _ in tip], aliases=[a for _, a in tip], sticky=True)
    pop = [(c, a) for c, a in popup_fields if c in web.columns and has_features]
    if pop:
        kwargs["popup"] = folium.GeoJsonPopup(fields=[c for c, _ in pop], aliases=[a for _, a in pop], max_width=360)
    if marker is not None:
        kwargs["marker"] = marker
    layer = folium.GeoJson(data, name=name, style_function=style_function, show=show, control=control, **kwargs)
    layer.add_to(m)
    return layer


def add_railways(m: Any, railways: gpd.GeoDataFrame, *, name: str = "Railways") -> Any:
    """Railway lines, dark and dashed."""
    return _geojson(
        m, railways, name=name, style={"color": "#2c3e50", "weight": 2, "dashArray": "6 4"}, simplify_m=10.0
    )


def add_destinations(m: Any, destinations: gpd.GeoDataFrame, *, name: str = "Destinations") -> Any:
    """Port, airport, rail terminals, city centre and motorway junctions as circles (planned ones hollow)."""
    import folium

    frame = destinations.copy()
    styles = {
        "existing": {"fillColor": "#1f4e79", "color": "#ffffff", "fillOpacity": 0.95},
        "planned": {"fillColor": "#ffffff", "color": "#1f4e79", "fillOpacity": 0.9},
    }
    frame["status"] = frame["status"].fillna("existing") if "status" in frame else "existing"
    return _geojson(
        m,
        frame,
        name=name,
        style_column="status",
        styles=styles,
        style={"weight": 2, "radius": 5},
        fields=[("name", "Destination"), ("kind", "Kind"), ("status", "Status")],
        marker=folium.CircleMarker(radius=5),
        simplify_m=0.0,
    )


def add_business_areas(
    m: Any,
    areas: gpd.GeoDataFrame,
    *,
    stats: pd.DataFrame | None = None,
    value: str | None = None,
    name: str = "Business areas",
    show: bool = True,
) -> tuple[Any, Any]:
    """Business-area outlines, or a choropleth of ``value`` from ``stats`` (joined on ``area_id``).

    Returns
    -------
    (layer, Legend or None)
    """
    frame = areas.copy()
    popup = [("name", "Business area"), ("area_type", "Type"), ("municipality_no", "Municipality no.")]
    legend = None
    style = {"color": "#3d3d3d", "weight": 1.5, "dashArray": "4 3", "fillOpacity": 0.0, "fillColor": "#ffffff"}
    styles = None
    if stats is not None and len(stats):
        extra = [c for c in stats.columns if c != "area_id" and c not in frame.columns]
        frame = frame.merge(stats[["area_id", *extra]], on="area_id", how="left")
        popup += [(c, c.replace("_", " ")) for c in extra]
    if value is not None and value in frame.columns:
        classes = classify_values(frame[value], title=value.replace("_", " "), kind="supply", k=5, digits=1)
        frame["cls"] = classes.codes
        styles = {i: {"fillColor": c, "fillOpacity": 0.7, "dashArray": None} for i, c in enumerate(classes.colors)}
        legend = classes.legend
    layer = _geojson(
        m,
        frame,
        name=name,
        style=style,
        style_column="cls" if styles else None,
        styles=styles,
        fields=[("name", "Business area")],
        popup_fields=popup,
        simplify_m=2.0,
        decimals=5,
        show=show,
    )
    if styles and value is not None:  # symbols keep small areas visible at the regional zoom
        import folium

        points = frame.set_geometry(frame.geometry.representative_point())
        dot = {i: {**st, "fillOpacity": 0.9} for i, st in styles.items()}
        _geojson(
            m,
            points,
            name=f"{name}, symbols",
            style={"color": "#333", "weight": 1, "radius": 7},
            style_column="cls",
            styles=dot,
            fields=[("name", "Business area"), (value, value.replace("_", " "))],
            popup_fields=popup,
            marker=folium.CircleMarker(radius=7),
            simplify_m=0.0,
            decimals=5,
            show=show,
        )
    return layer, legend


def add_polygons(
    m: Any,
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    color: str,
    fields: Sequence[tuple[str, str]] = (),
    show: bool = False,
    clip_bounds: tuple[float, float, float, float] | None = None,
    simplify_m: float = 5.0,
) -> Any:
    """Hazard zones or protected areas: hatched-looking outlines with a light fill, off by default."""
    if clip_bounds is not None:
        frame = frame.clip(clip_bounds)
    style = {"color": color, "weight": 1.2, "fillColor": color, "fillOpacity": 0.25}
    return _geojson(m, frame, name=name, style=style, fields=fields, show=show, simplify_m=simplify_m)


def add_isochrones(m: Any, isochrones: gpd.GeoDataFrame, *, name: str | None = None, show: bool = True) -> Any:
    """Nested travel-time polygons (``max_travel_time_s``), largest first so the smaller lie on top."""
    frame = isochrones.sort_values("max_travel_time_s", ascending=False).copy()
    frame["minutes"] = (frame["max_travel_time_s"] / 60).round().astype(int)
    colors = ramp("PuBu", len(frame))[::-1]
    styles = {mins: {"fillColor": c, "color": c} for mins, c in zip(frame["minutes"], colors, strict=True)}
    target = str(frame["target"].iloc[0]) if "target" in frame and len(frame) else "target"
    return _geojson(
        m,
        frame,
        name=name or f"Travel time to {target.replace('_', ' ')}",
        style_column="minutes",
        styles=styles,
        style={"weight": 0.5, "fillOpacity": 0.35, "opacity": 0.5},
        fields=[("target", "To"), ("minutes", "Within minutes")],
        show=show,
        simplify_m=20.0,
    )


def add_price_bands(
    m: Any, surface: Any, *, name: str = "Price surface (NOK/m²)", k: int = 6, show: bool = False
) -> tuple[Any, Any]:
    """A price surface (:class:`landreg.prices.PriceSurface`) as vector bands of mapclassify classes.

    Returns
    -------
    (layer, Legend)
    """
    import shapely
    from rasterio.features import shapes

    values = np.asarray(surface.values_nok_m2, dtype=float)
    classes = classify_values(values.ravel(), title="Price surface (NOK/m²)", kind="price", k=k, unit="NOK/m²")
    grid = classes.codes.reshape(values.shape).astype(np.int32)
    rows = [(int(v), shapely.geometry.shape(g)) for g, v in shapes(grid, mask=grid >= 0, transform=surface.transform)]
    frame = gpd.GeoDataFrame({"cls": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=surface.crs)
    frame = frame.dissolve("cls", as_index=False)
    frame["band"] = [classes.legend.items[i][1] for i in frame["cls"]]
    styles = {i: {"fillColor": c, "color": c} for i, c in enumerate(classes.colors)}
    layer = _geojson(
        m,
        frame,
        name=name,
        style_column="cls",
        styles=styles,
        style={"weight": 0, "fillOpacity": 0.45},
        fields=[("band", "Asking price")],
        show=show,
        simplify_m=surface.pixel_size_m / 4,
    )
    return layer, classes.legend


def add_hotspots(
    m: Any,
    hotspots: gpd.GeoDataFrame,
    *,
    column: str = "gi_class",
    name: str = "Price hot and cold spots (Gi*)",
    show: bool = False,
) -> Any:
    """Plots' price hot and cold spots (:func:`landreg.clusters.price_hotspots`) as circles; others hidden."""
    import folium

    frame = hotspots[hotspots[column].isin(["hot", "cold", "high_outlier", "low_outlier"])].copy()
    frame = frame.set_geometry(frame.geometry.representative_point())
    styles = {
        "hot": {"fillColor": "#d7191c"},
        "cold": {"fillColor": "#2c7bb6"},
        "high_outlier": {"fillColor": "#fdae61"},
        "low_outlier": {"fillColor": "#abd9e9"},
    }
    return _geojson(
        m,
        frame,
        name=name,
        style_column=column,
        styles=styles,
        style={"color": "#333", "weight": 1, "fillOpacity": 0.9, "radius": 4},
        fields=[("code", "Plot"), (column, "Class"), ("price_nok_m2", "NOK/m²")],
        marker=folium.CircleMarker(radius=4),
        show=show,
        simplify_m=0.0,
        decimals=5,
    )


def add_road_projects(m: Any, projects: gpd.GeoDataFrame, *, name: str = "Planned roads", show: bool = True) -> Any:
    """Planned road projects as thick dashed purple lines."""
    fields = [(c, c.replace("_", " ")) for c in ("project_id", "name", "status", "expected_year")]
    return _geojson(
        m,
        projects,
        name=name,
        style={"color": "#6a1b9a", "weight": 4, "dashArray": "8 6"},
        fields=fields,
        show=show,
        simplify_m=1.0,
        decimals=5,
    )


def add_web_tiles(m: Any, *, name: str = "Web base map (online only)") -> Any:
    """OpenStreetMap tiles as an overlay that is off by default (no request until ticked)."""
    import folium

    layer = folium.TileLayer(
        tiles=WEB_TILES_URL,
        attr=WEB_TILES_ATTRIBUTION,
        name=name,
        overlay=True,
        control=True,
        show=False,
        max_zoom=19,
        opacity=0.7,
    )
    layer.add_to(m)
    return layer
