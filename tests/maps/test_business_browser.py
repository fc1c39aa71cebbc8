"""Find a site in headless Chromium (Debian's chromium, driven by Playwright), with no internet.

The steel trader's search (at least 20 daa of industry land, at most 25 minutes to the port):
ranked sites with what helped and held them back, a map of them, working dossier links, and no
request to another host.  Needs ``/usr/bin/chromium`` (``.ci/run`` installs it).
"""

from __future__ import annotations

import pytest

from tests.browser import chromium_context
from tests.maps.test_browser import PageLog

pytestmark = pytest.mark.slow

STEEL_TRADER = {"min_daa": "20", "port_min": "25"}


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    with chromium_context(tmp_path_factory.mktemp("chromium-business"), height=1000) as context:
        yield context


def test_steel_trader_finds_ranked_sites_with_reasons_and_dossiers(chromium, map_server, artifacts_dir):
    page = chromium.new_page()
    log = PageLog(page, "127.0.0.1")
    page.goto(map_server.url + "/finn-tomt", wait_until="load", timeout=30_000)
    page.fill("#f-min_daa", STEEL_TRADER["min_daa"])
    page.check("input[name=zoning][value=industry]")
    page.fill("#f-port_min", STEEL_TRADER["port_min"])
    page.select_option("#f-profile", "manufacturing")
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    assert "/finn-tomt?" in page.url and "port_min=25" in page.url

    sites = page.locator("li.site")
    n = sites.count()
    assert n >= 1
    ranks = [int(sites.nth(i).get_attribute("value")) for i in range(n)]
    assert ranks == sorted(ranks) and ranks[0] == 1
    for i in range(n):
        assert sites.nth(i).locator(".helped li").count() >= 1  # what helped, in words
        area = sites.nth(i).locator(".area").inner_text().replace("\u00a0", " ")
        assert area.endswith(" daa") and float(area[:-4].replace(" ", "").replace(",", ".")) >= 20
    assert "tid til havn" in page.locator("ol.sites").inner_text()

    page.wait_for_selector("#map path.leaflet-interactive", timeout=15_000)
    assert page.locator("#map path.leaflet-interactive").count() == n  # one outline per site
    assert page.locator("#map .site-rank").count() == n
    assert page.locator("#map .leaflet-control-zoom-in").get_attribute("title") == "Zoom inn"  # the page's language
    assert page.locator("#map .leaflet-control-zoom-out").get_attribute("aria-label") == "Zoom ut"
    page.screenshot(path=str(artifacts_dir / "find_site.png"), full_page=True)

    first = sites.nth(0).locator("a.dossier").first
    code = first.inner_text()
    first.click()
    page.wait_for_load_state("load")
    assert f"/plots/{code}/dossier" in page.url
    assert page.locator("h1 .code").inner_text() == code
    assert page.locator("svg.extract path.plot").count() == 1
    assert page.locator("table.breakdown tr.crit").count() >= 8
    page.screenshot(path=str(artifacts_dir / "dossier.png"), full_page=True)

    response = page.request.get(map_server.url + page.locator("a.pdf").get_attribute("href"))  # the PDF link
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    assert log.failed == [], log.failed
    log.assert_clean()
    page.close()


def test_find_site_without_javascript_still_lists_sites(chromium, map_server):
    page = chromium.new_page()
    chromium.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
    log = PageLog(page, "127.0.0.1")
    page.goto(map_server.url + "/en/find-site?search=1&min_daa=20&zoning=industry&port_min=25", wait_until="load")
    assert page.locator("li.site").count() >= 1
    assert page.locator("li.site a.dossier").first.get_attribute("href").startswith("/en/plots/")
    assert page.locator("#map path").count() == 0  # no script ran: the list stands without the map
    assert not page.locator("#map").is_visible()  # and no empty map box is left in its way

    page.fill("#a-email", "kari@stal.no")  # "Notify me": the search shown, saved without a script
    page.click("#alert-form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.url == map_server.url + "/alerts"
    answer = page.locator("main").inner_text()
    assert "Check your e-mail" in answer and "kari@stal.no" in answer
    log.assert_clean()
    page.close()
