"""The map routes of the API: pages, assets, parameters and landing-page links (the service in the test process)."""

from __future__ import annotations

import pytest


def test_assets_are_served(map_api):
    r = map_api.client.get(map_api.url + "/maps/static/leaflet/leaflet.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"] and "1.9.4" in r.text
    assert map_api.client.get(map_api.url + "/maps/static/leaflet/images/layers.png").status_code == 200
    assert map_api.client.get(map_api.url + "/maps/static/landreg/landreg-map.css").status_code == 200
    for bad in ("/maps/static/nothing.js", "/maps/static/../assets.py", "/maps/static/%2e%2e/assets.py"):
        assert map_api.client.get(map_api.url + bad).status_code == 404, bad


@pytest.mark.parametrize(
    "path",
    [
        "/maps/overview",
        "/maps/plots?profile=logistics&color_by=price&status=available",
        "/maps/plots?municipality_no=5001&isochrones=port",
        "/maps/scenario?name=torgard-terminal-built",
    ],
)
def test_map_pages(map_api, path):
    r = map_api.client.get(map_api.url + path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert '<script src="/maps/static/leaflet/leaflet.js"></script>' in r.text


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/maps/plots?color_by=height", 400, "InvalidParameterError"),
        ("/maps/plots?profile=nope", 400, "UnknownProfileError"),
        ("/maps/plots?isochrones=moon", 400, "InvalidParameterError"),
        ("/maps/scenario?name=no-such-scenario", 404, "UnknownScenarioError"),
        ("/maps/scenario", 400, "InvalidParameterValue"),
    ],
)
def test_bad_parameters(map_api, path, status, code):
    r = map_api.client.get(map_api.url + path)
    assert r.status_code == status and r.json()["code"] == code


def test_landing_page_links_the_maps(map_api):
    links = map_api.client.get(map_api.url + "/").json()["links"]
    hrefs = {link["href"] for link in links if link.get("type") == "text/html"}
    assert {"/maps/overview", "/maps/scenario?name=torgard-terminal-built"} <= hrefs
