"""The offline base map and the maps' languages: bokmål by default, English as the alternative, codes as words."""

from __future__ import annotations

import json
import re

import geopandas as gpd
from shapely.geometry import Point

from maps.basemap import PLACE_ZOOMS, place_labels
from maps.build import build_plot_map


def _payload(m) -> dict:
    from maps.elements import PlotLayer

    layer = next(c for c in m._children.values() if isinstance(c, PlotLayer))
    return json.loads(layer.payload)


def test_plot_map_speaks_bokmal_by_default_and_english_on_request(scores, context):
    nb = build_plot_map(scores, color_by="status", context=context).get_root().render()
    en = build_plot_map(scores, color_by="status", context=context, lang="en").get_root().render()
    assert '<html lang="nb">' in nb and '<html lang="en">' in en
    assert "Tomter etter status" in nb and "Plots by status" in en
    assert "Stedsnavn (Kartverket N1000)" in nb and "Place names (Kartverket N1000)" in en
    assert "Veier etter kategori" in nb and "Roads by class" in en
    assert "Plots by status" not in nb


def test_popups_show_words_not_codes(scores, context):
    data = _payload(build_plot_map(scores, color_by="status", context=context))
    zoning = data["columns"]["zoning"]
    levels = zoning["levels"] if isinstance(zoning, dict) else zoning
    assert levels and not any("_" in str(v) for v in levels if v)
    status = data["columns"]["status"]
    assert set(status["levels"]) <= {"ledig", "reservert", "solgt", "låst", "planlagt"}
    assert [f[0] for f in data["facts"]][:2] == ["Kommune", "Næringsområde"]
    assert data["words"]["Score breakdown"] == "Poeng per kriterium"


def test_land_and_labels_never_catch_a_click(scores, context):
    html = build_plot_map(scores, color_by="status", context=context).get_root().render()
    land = re.search(r'"interactive": false', html)
    assert land is not None
    assert "landreg.labelLayer(" in html and "landreg.fromZoom(" in html
    assert "kommunenavn" not in html  # land carries no tooltip or popup: only its style group


def test_place_labels_show_towns_first_and_label_a_place_once():
    frame = gpd.GeoDataFrame(
        {
            "fulltekst": ["Melhus", "Melhus", "Gaulosen", "Bruket"],
            "navneobjekttype": ["by", "tettsted", "fjord", "bruk"],
        },
        geometry=[Point(569000, 7013000), Point(569500, 7013200), Point(565000, 7030000), Point(570000, 7010000)],
        crs="EPSG:25832",
    )
    labels = place_labels(frame)
    assert labels is not None
    assert labels["names"] == ["Melhus", "Gaulosen"]  # a farm name is left out; the twin of Melhus too
    assert labels["minzoom"] == [PLACE_ZOOMS["by"], PLACE_ZOOMS["fjord"]]
    assert labels["kind"] == ["town", "water"]
