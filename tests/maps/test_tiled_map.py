"""The plot map drawn from vector tiles: offline assets, tiles from the service, details on click, large registries."""

from __future__ import annotations

import time

import pytest

from landreg.i18n import format_number
from landreg.registry import open_registry
from landreg.testing import make_plot_frame
from maps.assets import CSS_ASSETS, JS_ASSETS, _inline_css, _inline_js
from maps.tiled import TILED_MAP_MIN_PLOTS, VECTORGRID_JS, build_tiled_plot_map
from tests.api.conftest import Service, _settings
from tests.maps.test_browser import PageLog, _free_plot, browser  # noqa: F401  (fixture)
from tests.maps.test_offline import external_urls

MVT = "application/vnd.mapbox-vector-tile"


def test_standalone_tiled_map_embeds_vectorgrid_and_names_no_other_host():
    html = build_tiled_plot_map((10.0, 63.2, 10.8, 63.5)).get_root().render()
    assert _inline_js(VECTORGRID_JS) in html
    for name in JS_ASSETS:
        html = html.replace(_inline_js(name), "")
    for name in CSS_ASSETS:
        html = html.replace(_inline_css(name), "")
    html = html.replace(_inline_js(VECTORGRID_JS), "")
    assert external_urls(html) == set()
    assert "/collections/plots/tiles/WebMercatorQuad/{z}/{y}/{x}" in html


@pytest.mark.slow
def test_a_large_registry_gets_the_tiled_plot_map(tmp_path):
    path = tmp_path / "large.gpkg"
    with open_registry(path, create=True) as reg:
        reg.add_plots(make_plot_frame(TILED_MAP_MIN_PLOTS, seed=5), actor="test")
    with Service(_settings(path)) as service:
        start = time.perf_counter()
        r = service.client.get(f"{service.url}/maps/plots")
        elapsed_s = time.perf_counter() - start
    assert r.status_code == 200 and f"/maps/static/{VECTORGRID_JS}" in r.text
    assert "landreg.plotLayer(" not in r.text  # no inline plots: they come from the tiles
    assert "landreg.labelLayer(" in r.text and '<html lang="nb">' in r.text  # the offline base map, in bokmål
    assert len(r.content) < 1_000_000 and elapsed_s < 5.0


@pytest.mark.slow
def test_tiled_map_draws_tiles_and_fetches_details_on_click(browser, map_server, registry):  # noqa: F811
    page = browser.new_page()
    log = PageLog(page, "127.0.0.1")
    tiles: list[int] = []
    page.on("response", lambda r: tiles.append(r.status) if "/tiles/WebMercatorQuad/" in r.url else None)
    page.goto(map_server.url + "/maps/plots-tiled", wait_until="load", timeout=30_000)
    page.wait_for_function("() => window.landregTiles !== undefined", timeout=15_000)
    code = _free_priced_plot(registry)
    lon, lat = _centre(registry, code)
    point = page.evaluate(
        """([lat, lon]) => {
            const map = window.landregTiles.plots._map;
            map.setView([lat, lon], 17, {animate: false});
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [lat, lon],
    )
    page.wait_for_load_state("networkidle", timeout=15_000)
    page.wait_for_timeout(500)
    assert 200 in tiles  # tiles with plots came from the service
    # Plots are drawn above the base map's polygons (land, built-up areas), which live in the overlay pane.
    assert page.evaluate(
        """() => {
            const plots = window.landregTiles.plots, map = plots._map;
            const z = (pane) => Number(getComputedStyle(pane).zIndex);
            return z(plots.getPane()) > z(map.getPane("overlayPane"));
        }"""
    )
    page.mouse.click(point[0], point[1])
    popup = page.locator(".landreg-tile-popup")
    popup.wait_for(timeout=5_000)
    assert code in popup.inner_text() and "Status:" in popup.inner_text()
    assert any(word in popup.inner_text() for word in ("ledig", "planlagt", "reservert", "låst", "solgt"))
    price = registry.query_plots(code=code).iloc[0]["price_min_nok_m2"]  # 1 000 kr/m² or more
    shown = popup.inner_text().replace("\u00a0", " ").replace("\u202f", " ")
    assert f"{format_number(price, 'nb', decimals=0).replace(chr(0xA0), ' ')}–" in shown  # 1 290, not 1290
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom inn"  # Leaflet's own words too
    assert page.locator(".leaflet-control-zoom-out").get_attribute("aria-label") == "Zoom ut"
    log.assert_clean()
    page.close()


def _free_priced_plot(registry) -> str:
    """A plot asking 1,000 kr/m² or more (its price has a thousands separator) whose centre lies in no other plot."""
    plots = registry.query_plots()
    centres = plots.geometry.representative_point()
    for i in plots[plots["price_min_nok_m2"] >= 1000].sort_values("area_m2", ascending=False).index:
        if int(plots.geometry.contains(centres[i]).sum()) == 1:
            return str(plots.at[i, "code"])
    raise AssertionError("no plot with a price of 1,000 kr/m² or more is free of overlaps")


def _centre(registry, code: str) -> tuple[float, float]:
    """(lon, lat) of a point inside the plot with this code."""
    plots = registry.query_plots(code=code).to_crs(4326)
    point = plots.geometry.iloc[0].representative_point()
    return point.x, point.y
