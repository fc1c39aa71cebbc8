"""A map layer with no feature (e.g. prices with no hot or cold spot) renders, without tooltips or popups."""

from __future__ import annotations

import folium
import geopandas as gpd
import shapely

from maps.layers import add_hotspots


def test_hot_spot_layer_without_any_spot_renders():
    plots = gpd.GeoDataFrame(
        {"code": ["T-1", "T-2"], "gi_class": ["not_significant", "not_significant"], "price_nok_m2": [900.0, 950.0]},
        geometry=[
            shapely.box(570_000, 7_030_000, 570_050, 7_030_050),
            shapely.box(570_100, 7_030_000, 570_150, 7_030_050),
        ],
        crs="EPSG:25832",
    )
    m = folium.Map(location=[63.4, 10.4], zoom_start=10, tiles=None)
    add_hotspots(m, plots, show=True)
    html = m.get_root().render()
    assert "geo_json_" in html  # the (empty) layer is on the map
