"""A plot map drawn from vector tiles, for registries too large to inline as GeoJSON.

The page loads Leaflet.VectorGrid (vendored under ``maps/static/vectorgrid``) and draws the
plots and business areas from the service's OGC API – Tiles endpoints, so it opens as fast on a
million plots as on six hundred; a click fetches the plot's details from the items endpoint.
Small registries keep the inline GeoJSON map (:func:`maps.build.build_plot_map`), which also
carries scores and the analysis layers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from landreg.model.enums import Zoning
from maps.assets import _inline_js, offline_map
from maps.style import MISSING_COLOR, STATUS_COLORS

if TYPE_CHECKING:
    from landreg.registry.base import PlotStore
    from maps.sources import MapContext

#: Above this many live plots the service draws the plot map from vector tiles.
TILED_MAP_MIN_PLOTS = 20_000
#: Plots are drawn from this zoom level on (about 1:500,000); where a tile would hold more plots than it draws
#: one by one, it shows their counts per grid cell (landreg.tiles.aggregate), whose cost grows with the plots
#: under the tile, so the whole region's plots are never counted for one tile.
PLOTS_MIN_ZOOM = 10
VECTORGRID_JS = "vectorgrid/Leaflet.VectorGrid.bundled.min.js"
#: Default tile and details URLs of the service (root-relative).
TILES_URL = "/collections/{collection}/tiles/WebMercatorQuad/{z}/{y}/{x}"
DETAILS_URL = "/collections/plots/items/{id}"

_SCRIPT = """
(function () {
  var map = %(map)s;
  var colors = %(colors)s, missing = %(missing)s, words = %(words)s, vocab = %(vocab)s;
  function text(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function number(value) {  /* 1 290 in bokmål, 1,290 in English */
    return typeof value === "number" ? value.toLocaleString(words.locale, {maximumFractionDigits: 0}) : value;
  }
  /* Tile layers live in the tile pane, under the base map's polygons (land, built-up areas): their own pane
     above the overlays keeps plots visible and clickable wherever they lie. */
  map.createPane("landregTiles").style.zIndex = 450;
  var areas = L.vectorGrid.protobuf(%(areas_url)s, {
    rendererFactory: L.canvas.tile, interactive: false, maxNativeZoom: 16, pane: "landregTiles",
    vectorTileLayerStyles: {business_areas: {weight: 2, color: "#444", dashArray: "4", fill: false}}
  });
  var plots = L.vectorGrid.protobuf(%(plots_url)s, {
    rendererFactory: L.svg.tile, interactive: true, maxNativeZoom: 16, minZoom: %(plots_min_zoom)s,
    pane: "landregTiles",
    getFeatureId: function (f) { return f.properties.plot_id; },
    vectorTileLayerStyles: {plots: function (p) {
      if (p.plot_count != null) {  /* a grid cell of a tile with too many plots to draw: its count */
        return {radius: Math.min(2 + 0.6 * Math.sqrt(p.plot_count), 7), weight: 1, color: "#1f4e79", fill: true,
                fillColor: "#5b8fc7", fillOpacity: 0.6};
      }  /* a plot (a point when it is under a pixel) */
      return {radius: 3, weight: 1, color: "#333", fill: true, fillColor: colors[p.status] || missing,
              fillOpacity: 0.7};
    }}
  });
  plots.on("click", function (e) {
    var id = e.layer.properties.plot_id;
    if (id == null) {
      if (e.layer.properties.plot_count != null) {
        L.popup().setLatLng(e.latlng).setContent('<div class="landreg-tile-popup">' +
          text(words.count.replace("{n}", number(e.layer.properties.plot_count))) + "</div>").openOn(map);
      }
      return;
    }
    fetch(%(details_url)s.replace("{id}", encodeURIComponent(id)), {headers: {Accept: "application/geo+json"}})
      .then(function (r) { return r.json(); })
      .then(function (f) {
        var p = f.properties || {}, price = "";
        if (p.price_min_nok_m2 != null) {
          price = "<br>" + words.price + ": " + text(number(p.price_min_nok_m2)) + "–" +
            text(number(p.price_max_nok_m2)) + " " + words.unit;
        }
        var area = p.area_m2 != null ? (p.area_m2 / 1000).toLocaleString(words.locale,
          {minimumFractionDigits: 1, maximumFractionDigits: 1}) + " daa" : "";
        L.popup().setLatLng(e.latlng).setContent(
          '<div class="landreg-tile-popup"><b>' + text(p.code) + "</b> " + text(p.name || "") +
          "<br>" + words.status + ": " + text(vocab.status[p.status] || p.status) +
          "<br>" + words.zoning + ": " + text(vocab.zoning[p.zoning] || p.zoning || "") +
          "<br>" + words.area + ": " + area + price + "</div>").openOn(map);
      });
  });
  areas.addTo(map);
  plots.addTo(map);
  var overlays = {};
  overlays[words.plots] = plots;
  overlays[words.areas] = areas;
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  window.landregTiles = {plots: plots, areas: areas};
})();
"""


def build_tiled_plot_map(
    bounds: tuple[float, float, float, float] | None,
    *,
    assets: str = "inline",
    tiles_url: str = TILES_URL,
    details_url: str = DETAILS_URL,
    title: str | None = None,
    context: MapContext | None = None,
    lang: str = "nb",
) -> Any:
    """A Leaflet map that draws plots (coloured by status) and business areas from vector tiles.

    Plots appear from zoom :data:`PLOTS_MIN_ZOOM` on, as circles with their count where a tile
    aggregates them (a click tells the count); business areas at every zoom.

    Parameters
    ----------
    bounds : (west, south, east, north), optional
        Initial view in degrees (CRS84), e.g. the extent of the plots.
    assets : str
        ``"inline"`` (scripts in the page) or the URL prefix of the served ``maps/static``.
    tiles_url : str
        Tile URL template with ``{collection}``, ``{z}``, ``{y}`` and ``{x}``.
    details_url : str
        URL template of one plot's details (GeoJSON feature) with ``{id}``, fetched on click.
    title : str, optional
        The page's title (default: business land in Trondheimsregionen, from vector tiles).
    context : MapContext, optional
        Layers of the offline base map (:func:`maps.basemap.add_base_map`) and the business areas
        whose names are drawn; without it the tiles are drawn on the plain background.
    lang : {"nb", "en"}
        Language of the map's texts (bokmål by default).

    Returns
    -------
    folium.Map
    """
    from branca.element import Element, MacroElement
    from jinja2 import Template

    from landreg.i18n import code_label
    from maps.basemap import add_area_labels, add_base_map, words
    from maps.elements import LegendControl, MapDecorations
    from maps.style import Legend

    _ = words(lang)
    title = title or _("Business land in Trondheimsregionen (vector tiles)")
    m = offline_map(bounds, assets=assets, title=title, max_zoom=20, lang=lang)
    drawn, legends = add_base_map(m, context, lang=lang)
    if context is not None and (areas := context.get("business_areas")) is not None and len(areas):
        add_area_labels(m, areas, lang=lang)
        drawn.append("business_areas")
    if assets == "inline":
        script = f"<script>{_inline_js(VECTORGRID_JS)}</script>"
    else:
        script = f'<script src="{assets.rstrip("/")}/{VECTORGRID_JS}"></script>'
    m.get_root().header.add_child(Element(script), name="js_vectorgrid")
    values = {
        "colors": json.dumps(STATUS_COLORS),
        "missing": json.dumps(MISSING_COLOR),
        "plots_url": json.dumps(tiles_url.replace("{collection}", "plots")),
        "areas_url": json.dumps(tiles_url.replace("{collection}", "business_areas")),
        "details_url": json.dumps(details_url),
        "plots_min_zoom": json.dumps(PLOTS_MIN_ZOOM),
        "words": json.dumps(
            {
                "price": _("Asking price"),
                "unit": "kr/m²" if lang == "nb" else "NOK/m²",
                "status": _("Status"),
                "zoning": _("Zoning"),
                "area": _("Area"),
                "plots": _("Plots (from zoom {zoom})").format(zoom=PLOTS_MIN_ZOOM),
                "areas": _("Business areas"),
                "count": _("Plots ({n})"),
                "locale": "nb-NO" if lang == "nb" else "en-GB",
            }
        ),
        "vocab": json.dumps(
            {
                "status": {k: code_label("status", k, lang) for k in STATUS_COLORS},
                "zoning": {z.value: code_label("zoning", z.value, lang) for z in Zoning},
            }
        ),
    }
    macro = MacroElement()
    macro._name = "LandregVectorTiles"
    body = _SCRIPT % {**values, "map": "{{ this._parent.get_name() }}"}
    macro._template = Template("{% macro script(this, kwargs) %}" + body + "{% endmacro %}")
    m.add_child(macro)
    status = Legend(_("Status"), [(c, code_label("status", k, lang)) for k, c in STATUS_COLORS.items()])
    LegendControl(status, position="bottomright").add_to(m)
    for legend, layer in legends:
        LegendControl(legend, position="bottomleft", layer=layer).add_to(m)
    lines = context.attribution(drawn) if context is not None else []
    MapDecorations(attributions=lines, title=title).add_to(m)
    return m


def plot_bounds_lonlat(registry: PlotStore) -> tuple[float, float, float, float] | None:
    """The extent of the registry's plots in degrees (west, south, east, north), or None when empty."""
    from pyproj import Transformer

    extent = registry.plots_extent()
    if extent is None:
        return None
    west, south, east, north = Transformer.from_crs(25832, 4326, always_xy=True).transform_bounds(*extent)
    return (west, south, east, north)
