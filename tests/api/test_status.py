"""The indicator site served live under ``/status/``: the pages, their figures, caching by registry change, errors."""

from __future__ import annotations

import shutil

import lxml.html
import pytest

from landreg.indicators import compute_indicators
from landreg.layers.manifest import load_manifest
from landreg.municipalities import REGION_MUNICIPALITY_NOS
from landreg.registry import open_registry
from tests.api.conftest import LAYERS, Service, _settings


@pytest.fixture(scope="module")
def status_api(built_registry, tmp_path_factory):
    path = tmp_path_factory.mktemp("status") / "registry.gpkg"
    shutil.copy(built_registry, path)
    with Service(_settings(path)) as service:
        yield service


def _report(path):
    flags = {s.id: bool(s.synthetic) for s in load_manifest(LAYERS).layers}
    with open_registry(path) as reg:
        return compute_indicators(reg, layers=flags)


def _figures(html: bytes) -> dict[str, str]:
    doc = lxml.html.fromstring(html)
    return {
        td.get("data-figure"): td.get("data-value") for td in doc.xpath("//table[@class='figures']//td[@data-figure]")
    }


def test_status_redirects_to_the_front_page_in_bokmal(status_api):
    c = status_api.client
    r = c.get("/status")
    assert r.status_code == 308 and r.headers["location"] == "/status/"
    r = c.get("/status/")
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    doc = lxml.html.fromstring(r.content)
    assert doc.get("lang") == "nb" and doc.xpath("//link[@hreflang='en']/@href") == ["en/index.html"]
    en = lxml.html.fromstring(c.get("/status/en/").content)
    assert en.get("lang") == "en" and en.xpath("//link[@hreflang='nb']/@href") == ["../index.html"]
    for href in doc.xpath("//link[@rel='stylesheet']/@href | //script/@src"):
        assert c.get("/status/" + href).status_code == 200, href


def test_every_municipality_page_shows_the_cores_figures(status_api):
    report = _report(status_api.registry_path)
    for no in sorted(REGION_MUNICIPALITY_NOS):
        r = status_api.client.get(f"/status/kommune/{no}.html")
        assert r.status_code == 200
        shown = _figures(r.content)
        scope = report.scope("municipality", no)
        for fid, raw in shown.items():
            value = scope.figure(fid).value
            assert (raw == "" and value is None) or float(raw) == value, f"{no} {fid}"


def test_pages_are_cached_until_the_registry_changes(status_api):
    c = status_api.client
    first = c.get("/status/index.html")
    etag = first.headers["etag"]
    assert c.get("/status/index.html", headers={"If-None-Match": etag}).status_code == 304
    with open_registry(status_api.registry_path) as reg:  # another writer, as a second process would be
        plots = reg.query_plots()
        plot = reg.get_plot_by_code(str(plots[plots["status"] == "available"].iloc[0]["code"]))
        reg.update_plot(plot.plot_id, {"status": "sold"}, expected_version=plot.version, actor="test")
    second = c.get("/status/index.html", headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["etag"] != etag
    before, after = _figures(first.content), _figures(second.content)
    assert float(after["sold_daa"]) > float(before["sold_daa"])
    assert float(after["sold_daa"]) == _report(status_api.registry_path).scope("region").figure("sold_daa").value


@pytest.mark.parametrize("path", ["/status/nope.html", "/status/kommune/9999.html", "/status/assets/axe/axe.min.js"])
def test_unknown_pages_are_404_with_a_json_body(status_api, path):
    r = status_api.client.get(path)
    assert r.status_code == 404
    body = r.json()
    assert body["code"] == "EntityNotFoundError"
    assert "/status/" in body["description"] or "no asset" in body["description"]


def test_open_data_files_are_served_with_the_pages(status_api):
    c = status_api.client
    for page in ("/status/apne-data.html", "/status/en/apne-data.html"):
        doc = lxml.html.fromstring(c.get(page).content)
        hrefs = doc.xpath("//main//a[@download]/@href")
        assert len(hrefs) >= 5
        base = page.rsplit("/", 1)[0] + "/"
        for href in hrefs:
            r = c.get(base + href)
            assert r.status_code == 200 and r.content, href
            if href.endswith(".csv"):
                assert r.headers["content-type"].startswith("text/csv")


def test_pages_show_the_figures_of_the_indicators_endpoint(built_registry, tmp_path):
    from landreg.indicators.rounding import rounded

    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    with Service(_settings(path)) as service:
        c = service.client
        r = c.get("/analysis/indicators")
        assert r.status_code == 200
        api = {(s["scope"], s["key"]): {f["id"]: f for f in s["figures"]} for s in r.json()["scopes"]}
        pages = [("region", "region", "/status/index.html")]
        pages += [("municipality", no, f"/status/kommune/{no}.html") for no in sorted(REGION_MUNICIPALITY_NOS)]
        for scope, key, url in pages:
            shown = _figures(c.get(url).content)
            assert len(shown) == 15
            for fid, raw in shown.items():
                figure = api[(scope, key)][fid]
                exact = None if raw == "" else float(raw)
                assert rounded(exact, unit=figure["unit"]) == figure["value"], f"{url} {fid}"


def test_a_registry_beyond_the_analysis_limit_is_refused_with_413(built_registry, tmp_path):
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    with Service(_settings(path, max_analysis_plots=10)) as service:
        r = service.client.get("/status/")
        assert r.status_code == 413
        assert r.json()["code"] and "at most 10" in r.json()["description"]
