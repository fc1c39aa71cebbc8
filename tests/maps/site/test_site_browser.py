"""The indicator site in headless Chromium (Debian's chromium driven by Playwright) with no internet.

Three ways of serving the same pages: the static export opened from disk (``file://``), the
export behind a plain static file server (``python -m http.server``), and the live pages of a
real uvicorn service (``/status/``). Every municipality page must render with its figures,
in bokmål with the English alternative linked, with visible charts and map, without a single
request leaving the machine, fast, and with no serious or critical axe-core violation.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from landreg.i18n import translator
from landreg.indicators import compute_indicators
from landreg.layers.manifest import load_manifest
from landreg.municipalities import REGION_MUNICIPALITY_NOS
from landreg.registry import open_registry
from maps.assets import STATIC_DIR
from maps.site.labels import FIGURE_LABELS, format_figure
from tests.api.conftest import LiveServer, _free_port, _settings
from tests.browser import chromium_context

pytestmark = pytest.mark.slow

AXE = STATIC_DIR / "axe" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
#: Budgets of WCAG-minded speed: a page rendered within 1 s, under 300 kB before the map data.
LOAD_BUDGET_MS = 1000
PAGE_BUDGET_BYTES = 300_000
MUNICIPALITIES = sorted(REGION_MUNICIPALITY_NOS)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium_context(tmp_path_factory.mktemp("chromium-site"), height=900) as context:
        foreign: list[str] = []

        def guard(route):
            url = urlparse(route.request.url)
            if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
                foreign.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", guard)
        context.foreign = foreign  # every request that tried to leave the machine
        yield context


@pytest.fixture(scope="module")
def expected(published, layers_dir):
    """The core's figures for the registry the site was published from."""
    _, registry_path, _ = published
    flags = {s.id: bool(s.synthetic) for s in load_manifest(layers_dir).layers}
    with open_registry(registry_path) as reg:
        return compute_indicators(reg, layers=flags)


@pytest.fixture(scope="module")
def static_server(published):
    """The exported site behind ``python -m http.server`` on 127.0.0.1."""
    out, _, _ = published
    port = _free_port()
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            if httpx.get(url + "index.html", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def live_server(enriched_registry_path, tmp_path_factory):
    """The service on 127.0.0.1 with its pages under /status/, warmed up (the first visit renders the site)."""
    path = tmp_path_factory.mktemp("site-live") / "registry.gpkg"
    shutil.copy(enriched_registry_path, path)
    with LiveServer(_settings(path)) as server:
        assert httpx.get(server.url + "/status/", timeout=120).status_code == 200
        yield server.url + "/status/"


@pytest.fixture(params=["file", "http", "live"])
def base_url(request, published):
    if request.param == "file":
        return published[0].as_uri() + "/"
    return request.getfixturevalue("static_server" if request.param == "http" else "live_server")


class Visit:
    """One page opened in the browser, with its JavaScript and console errors and failed requests."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on(
            "requestfailed",
            lambda r: self.errors.append(f"{r.url} {r.failure}") if r.failure != "net::ERR_ABORTED" else None,
        )
        self.page.on("response", lambda r: self.errors.append(f"{r.url} {r.status}") if r.status >= 400 else None)
        self.page.goto(url, wait_until="load", timeout=30_000)
        self.page.wait_for_selector("path.site-plot", state="attached", timeout=10_000)

    def load_ms(self) -> float:
        return self.page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")

    def axe_violations(self) -> list[tuple[str, str, int]]:
        self.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        found = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations'], preload: false});
                return r.violations.map(v => [v.id, v.impact, v.nodes.length,
                    v.nodes.slice(0, 3).map(n => n.target.join(' '))]);
            }"""
        )
        return [tuple(v) for v in found if v[1] in ("serious", "critical")]

    def close(self) -> None:
        self.page.close()


@pytest.mark.parametrize("no", MUNICIPALITIES)
def test_municipality_page_renders_with_its_figures_offline_and_accessibly(browser, base_url, expected, no):
    visit = Visit(browser, f"{base_url}kommune/{no}.html")
    page = visit.page
    assert page.evaluate("() => document.documentElement.lang") == "nb"
    alternate = page.locator("link[rel=alternate][hreflang=en]").get_attribute("href")
    assert alternate == f"../en/kommune/{no}.html"
    assert page.locator("nav a[hreflang=en]").is_visible()
    scope = expected.scope("municipality", no)
    gettext = translator("nb", "site").gettext
    shown = page.eval_on_selector_all(
        "table.figures td[data-figure]", "cells => cells.map(c => [c.dataset.figure, c.textContent])"
    )
    assert dict(shown) == {fid: format_figure(scope.figure(fid), "nb", gettext) for fid in FIGURE_LABELS}
    assert page.locator("h1").inner_text() == scope.name
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 3  # status, supply over time, uptake
    for i in range(3):
        assert charts.nth(i).is_visible() and charts.nth(i).bounding_box()["width"] > 200
    supply = page.eval_on_selector_all(
        "#chart-supply tbody tr:last-child td", "cells => cells.map(c => c.textContent)"
    )  # the last year is the page's date: the status figures of its table
    statuses = ("available_now_daa", "available_later_daa", "reserved_daa", "locked_daa", "sold_daa")
    assert supply[:5] == [format_figure(scope.figure(fid), "nb", gettext) for fid in statuses]
    assert page.locator("#site-map.leaflet-container").is_visible()
    credits = page.locator(".leaflet-control-attribution").inner_text()
    assert "© Kartverket" in credits and "© OpenStreetMap contributors" in credits
    assert visit.load_ms() < LOAD_BUDGET_MS
    assert visit.axe_violations() == []
    assert visit.errors == []
    assert browser.foreign == []
    visit.close()


def test_english_alternative_links_back(browser, base_url):
    visit = Visit(browser, f"{base_url}kommune/5001.html")
    visit.page.locator("nav a[hreflang=en]").click()
    visit.page.wait_for_load_state("load")
    assert visit.page.evaluate("() => document.documentElement.lang") == "en"
    assert visit.page.url.endswith("/en/kommune/5001.html")
    assert "Available now" in visit.page.locator("table.figures").inner_text()
    assert visit.page.locator("link[rel=alternate][hreflang=nb]").get_attribute("href") == "../../kommune/5001.html"
    assert visit.errors == [] and browser.foreign == []
    visit.close()


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "omrade/torgard.html",
        "metode.html",
        "apne-data.html",
        "en/index.html",
        "en/omrade/torgard.html",
        "en/metode.html",
        "en/apne-data.html",
    ],
)
def test_every_kind_of_page_passes_axe_and_its_budgets(browser, static_server, path):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(static_server + path, wait_until="load")
    sizes = page.evaluate(
        """() => [performance.getEntriesByType('navigation')[0].encodedBodySize,
                  ...performance.getEntriesByType('resource').filter(r => !r.name.endsWith('/data/map.js'))
                      .map(r => r.encodedBodySize)]"""
    )
    assert sum(sizes) < PAGE_BUDGET_BYTES
    assert page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd") < LOAD_BUDGET_MS
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations'], preload: false})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"
    )
    assert found == []
    assert page.locator("h1").count() == 1
    assert errors == [] and browser.foreign == []
    page.close()


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(browser, static_server, artifacts_dir):
    page = browser.new_page()
    page.goto(static_server + "index.html", wait_until="load")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const a = document.activeElement, s = getComputedStyle(a);
                   return [a.getAttribute('href'), s.outlineStyle, parseFloat(s.outlineWidth),
                           a.getBoundingClientRect().left >= 0]; }"""
    )
    assert focused == ["#main", "solid", 3.0, True]
    page.screenshot(path=str(artifacts_dir / "site_skip_link.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
    page.screenshot(path=str(artifacts_dir / "site_region.png"), full_page=True)
    page.close()


def test_published_site_loads_nothing_but_its_own_files(published):
    out, _, _ = published
    text = "".join(p.read_text(encoding="utf-8") for p in Path(out).rglob("*.html"))
    assert "cdn" not in text.lower() and "unpkg" not in text and "googleapis" not in text
