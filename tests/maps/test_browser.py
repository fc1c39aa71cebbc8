"""Maps served by the API, in headless Chromium (Debian's chromium, driven by Playwright) with no internet.

Needs ``/usr/bin/chromium`` (``apt-get install chromium chromium-driver``) and the ``playwright``
package; Playwright's own browser download is never used.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser import chromium_context

#: A real browser: seconds per page.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium_context(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


class PageLog:
    """JavaScript errors, console errors and failed or foreign requests of one page."""

    def __init__(self, page, host: str) -> None:
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: self.failed.append(f"{r.url} {r.status}") if r.status >= 400 else None)
        page.on(
            "request",
            lambda r: (
                self.foreign.append(r.url)
                if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).hostname != host
                else None
            ),
        )

    def assert_clean(self) -> None:
        assert self.errors == [] and self.failed == [] and self.foreign == []


def _open(browser, server, path):
    page = browser.new_page()
    log = PageLog(page, "127.0.0.1")
    page.goto(server.url + path, wait_until="load", timeout=30_000)
    page.wait_for_selector("path.landreg-plot, .leaflet-control-layers", timeout=15_000)
    page.wait_for_timeout(300)
    return page, log


def _plot_layer(page) -> str:
    return page.evaluate("() => Object.keys(window).find(k => k.startsWith('plot_layer_'))")


def _free_plot(registry) -> str:
    """A plot whose centre lies in no other plot (so a click there hits it)."""
    plots = registry.query_plots()
    centres = plots.geometry.representative_point()
    for i in plots.sort_values("area_m2", ascending=False).index:
        inside = plots.geometry.contains(centres[i])
        if int(inside.sum()) == 1:
            return str(plots.at[i, "code"])
    raise AssertionError("no plot free of overlaps")


def test_plot_map_loads_draws_and_opens_breakdown(browser, map_server, registry, artifacts_dir):
    page, log = _open(browser, map_server, "/maps/plots?profile=logistics&color_by=score&lang=en")
    n_plots = registry.count_plots()
    assert page.locator("path.landreg-plot").count() == n_plots
    code = _free_plot(registry)
    name = _plot_layer(page)
    point = page.evaluate(
        """([name, code]) => {
            const group = window[name];
            const hit = group.index.find(x => x.code === code);
            const map = group._map;
            map.fitBounds(hit.layer.getBounds(), {animate: false, maxZoom: 17});
            const p = map.latLngToContainerPoint(hit.layer.getCenter());
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [name, code],
    )
    page.wait_for_timeout(300)
    page.mouse.click(point[0], point[1])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    assert code in text and "Score breakdown (logistics profile" in text
    assert page.locator(".leaflet-popup-content tr.landreg-crit").count() >= 8
    page.wait_for_timeout(600)  # let the popup fade in and the map pan to it before the picture
    page.screenshot(path=str(artifacts_dir / "map_plots_popup.png"))
    log.assert_clean()
    page.close()


def test_layer_control_toggles_layers(browser, map_server, registry):
    page, log = _open(browser, map_server, "/maps/plots?lang=en")
    n_plots = registry.count_plots()
    plots_box = page.locator(".leaflet-control-layers-overlays label", has_text=f"Plots ({n_plots})")
    plots_box.locator("input").uncheck()
    assert page.locator("path.landreg-plot").count() == 0
    plots_box.locator("input").check()
    assert page.locator("path.landreg-plot").count() == n_plots
    before = page.locator("path.leaflet-interactive").count()
    page.locator(".leaflet-control-layers-overlays label", has_text="Quick clay hazard zones").locator("input").check()
    assert page.locator("path.leaflet-interactive").count() > before
    log.assert_clean()
    page.close()


def test_search_finds_a_plot_by_code(browser, map_server, registry):
    page, log = _open(browser, map_server, "/maps/plots?color_by=status")
    code = str(registry.query_plots()["code"].iloc[5])
    page.fill("input.landreg-search-input", code.lower())
    page.press("input.landreg-search-input", "Enter")
    page.locator(".leaflet-popup-content").wait_for(timeout=5_000)
    assert code in page.locator(".leaflet-popup-content h4").inner_text()
    log.assert_clean()
    page.close()


@pytest.mark.parametrize(
    ("path", "shot"),
    [
        ("/maps/overview?lang=en", "map_overview.png"),
        ("/maps/scenario?name=torgard-terminal-built&lang=en", "map_scenario.png"),
    ],
)
def test_overview_and_scenario_pages(browser, map_server, artifacts_dir, path, shot):
    page, log = _open(browser, map_server, path)
    assert page.locator(".leaflet-control-scale").count() == 1
    assert "Kartverket" in page.locator(".leaflet-control-attribution").inner_text()
    assert "Synthetic data — " in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".landreg-legend").count() >= 1
    page.screenshot(path=str(artifacts_dir / shot))
    log.assert_clean()
    page.close()


def test_plot_map_reads_at_first_sight_in_bokmal(browser, map_server, registry, artifacts_dir):
    """At the opening zoom: every plot drawn and clickable, place names and area names, land that lets clicks
    through, words instead of codes, one legend per visible layer, bokmål throughout."""
    page, log = _open(browser, map_server, "/maps/plots?color_by=status")
    assert page.evaluate("() => document.documentElement.lang") == "nb"
    n_plots = registry.count_plots()
    assert page.locator("path.landreg-plot").count() == n_plots  # small plots are dots, none is lost
    assert page.locator("path.landreg-plot-dot").count() > 0
    assert page.locator(".landreg-label-town").count() > 0  # Kartverket's town names at the regional zoom
    assert page.locator("path.leaflet-interactive").count() >= n_plots
    # A plot drawn as a dot at this zoom and on top at its centre: click it, its own popup opens.
    name = _plot_layer(page)
    hit = page.evaluate(
        """(name) => {
            const group = window[name], map = group._map, box = map.getContainer().getBoundingClientRect();
            const shown = [];
            group.eachLayer(l => shown.push(l));
            for (const l of shown) {
                if (!l.getLatLng) { continue; }
                const p = map.latLngToContainerPoint(l.getLatLng());
                if (p.x < 80 || p.y < 80 || p.x > box.width - 300 || p.y > box.height - 120) { continue; }
                if (document.elementFromPoint(box.left + p.x, box.top + p.y) === l._path) {
                    return {x: box.left + p.x, y: box.top + p.y, index: l.plotIndex};
                }
            }
            return null;
        }""",
        name,
    )
    assert hit is not None, "no plot can be clicked as a dot at the opening zoom"
    code = page.evaluate("([name, i]) => window[name].plotData.columns.code[i]", [name, hit["index"]])
    page.mouse.click(hit["x"], hit["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    assert code in text and "Kommune" in text and "Areal" in text
    assert "_" not in text.replace(code, "")  # codes are shown as words (lager/logistikk, not warehouse_logistics)
    page.keyboard.press("Escape")
    # Land does not swallow clicks: no municipality polygon reacts to the pointer.
    assert page.evaluate(
        """() => [...document.querySelectorAll('path')].filter(p => p.classList.contains('leaflet-interactive'))
                 .every(p => !p.getAttribute('fill') || p.getAttribute('fill') !== '#f3efe6')"""
    )
    # Business-area names appear when zoomed in to an area.
    page.evaluate("(name) => { const m = window[name]._map; m.setView(m.getCenter(), 12, {animate: false}); }", name)
    areas = registry.load_business_areas()
    zoomed = page.evaluate(
        """([name, lon, lat]) => { const m = window[name]._map; m.setView([lat, lon], 12, {animate: false});
                                   return m.getZoom(); }""",
        [name, *areas.to_crs("EPSG:4326").geometry.representative_point().iloc[0].coords[0]],
    )
    assert zoomed == 12
    page.wait_for_timeout(200)
    assert page.locator(".landreg-label-area").count() >= 1
    # One legend per visible layer: the roads' legend goes when the roads are switched off.
    roads = page.locator(".leaflet-control-layers-overlays label", has_text="Veier etter kategori")
    legend = page.locator(".landreg-legend", has_text="Veier etter kategori")
    assert legend.is_visible()
    roads.locator("input").uncheck()
    assert not legend.is_visible()
    page.screenshot(path=str(artifacts_dir / "map_plots_nb.png"))
    log.assert_clean()
    page.close()
