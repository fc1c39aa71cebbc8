"""Input the service does not silently repair or guess: bodies, query values, bounding boxes."""

from __future__ import annotations

import json

import pytest

from landreg.registry import open_registry

PLOTS = "/collections/plots/items"
# A free spot in Skaun, well away from the demonstration plots (CRS84).
RING = [[9.95, 63.205], [9.952, 63.205], [9.952, 63.206], [9.95, 63.206], [9.95, 63.205]]


def _feature(ring, code="STRICT-1"):
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"code": code, "municipality_no": "5029", "status": "available", "zoning": "industry"},
    }


def _admin(api):
    return {"Authorization": f"Bearer {api.tokens['admin']}"}


def _plot_count(api):
    with open_registry(api.registry_path) as reg:
        return len(reg.query_plots())


def _assert_error(r, status, *fragments):
    assert r.status_code == status, r.text[:400]
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) >= {"code", "description"}
    for fragment in fragments:
        assert fragment in body["description"], body["description"]


def test_a_closed_ring_is_stored(edit_api):
    r = edit_api.client.post(f"{edit_api.url}{PLOTS}", json=_feature(RING), headers=_admin(edit_api))
    assert r.status_code == 201, r.text[:400]


def test_an_unclosed_ring_is_refused_not_closed(edit_api):
    before = _plot_count(edit_api)
    r = edit_api.client.post(f"{edit_api.url}{PLOTS}", json=_feature(RING[:-1]), headers=_admin(edit_api))
    _assert_error(r, 400, "coordinates[0]", "not closed", "repeat the first position")
    assert _plot_count(edit_api) == before


def test_coordinates_given_as_strings_are_refused(edit_api):
    ring = [[str(x), str(y)] for x, y in RING]
    r = edit_api.client.post(f"{edit_api.url}{PLOTS}", json=_feature(ring), headers=_admin(edit_api))
    _assert_error(r, 400, "coordinates[0][0][0]", "JSON numbers", "'9.95'")


def test_an_unclosed_ring_in_a_patch_is_refused(edit_api):
    with open_registry(edit_api.registry_path) as reg:
        plot = reg.query_plots(municipality_no="5029").iloc[0]
    url = f"{edit_api.url}{PLOTS}/{plot.plot_id}"
    body = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [RING[:-1]]}, "properties": {}}
    _assert_error(edit_api.client.patch(url, json=body, headers=_admin(edit_api)), 400, "not closed")
    with open_registry(edit_api.registry_path) as reg:
        assert reg.get_plot(plot.plot_id).version == plot.version


def test_a_text_plain_body_is_415(edit_api):
    body = json.dumps(_feature(RING))
    headers = {**_admin(edit_api), "Content-Type": "text/plain"}
    r = edit_api.client.post(f"{edit_api.url}{PLOTS}", content=body, headers=headers)
    _assert_error(r, 415, "'text/plain'", "application/json")
    r = edit_api.client.post(f"{edit_api.url}/analysis/search", content=b"{}", headers={"Content-Type": "text/plain"})
    _assert_error(r, 415, "'text/plain'")


def test_a_geojson_media_type_is_accepted(edit_api):
    headers = {**_admin(edit_api), "Content-Type": "application/geo+json; charset=utf-8"}
    r = edit_api.client.post(f"{edit_api.url}{PLOTS}", content=json.dumps(_feature(RING)), headers=headers)
    assert r.status_code == 201, r.text[:400]


@pytest.mark.parametrize(
    ("query", "fragments"),
    [
        ("area_m2=abc", ["area_m2='abc'", "expected a number"]),
        ("area_m2=nan", ["area_m2='nan'", "finite"]),
        ("requires_new_road=maybe", ["requires_new_road='maybe'", "true or false"]),
        ("offset=9223372036854775808", ["offset", "9223372036854775807"]),
        ("bbox=nan,nan,nan,nan", ["bbox=", "finite"]),
        ("bbox=-inf,-inf,inf,inf", ["bbox=", "finite"]),
        ("bbox=10,63,inf,64", ["finite"]),
    ],
)
def test_malformed_query_values_are_400(read_api, query, fragments):
    _assert_error(read_api.client.get(f"{read_api.url}{PLOTS}?{query}"), 400, *fragments)


def test_the_largest_offset_is_an_empty_page(read_api):
    r = read_api.client.get(f"{read_api.url}{PLOTS}", params={"offset": 2**63 - 1})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["numberReturned"] == 0


@pytest.mark.parametrize("bbox_crs", [None, "http://www.opengis.net/def/crs/EPSG/0/4326"])
def test_a_world_bbox_returns_the_whole_collection(read_api, bbox_crs):
    world = "-180,-90,180,90" if bbox_crs is None else "-90,-180,90,180"
    params = {"bbox": world, "limit": 1000, **({"bbox-crs": bbox_crs} if bbox_crs else {})}
    with_box = read_api.client.get(f"{read_api.url}{PLOTS}", params=params)
    assert with_box.status_code == 200, with_box.text[:300]
    everything = read_api.client.get(f"{read_api.url}{PLOTS}", params={"limit": 1000}).json()
    assert everything["numberMatched"] > 0
    assert with_box.json()["numberMatched"] == everything["numberMatched"]
    for collection in ("municipalities", "destinations"):
        whole = read_api.client.get(f"{read_api.url}/collections/{collection}/items").json()["numberMatched"]
        boxed = read_api.client.get(f"{read_api.url}/collections/{collection}/items", params={"bbox": world})
        assert boxed.json()["numberMatched"] == whole > 0


def test_a_bbox_outside_the_storage_crs_area_is_an_empty_page(read_api):
    r = read_api.client.get(f"{read_api.url}{PLOTS}", params={"bbox": "-120,30,-100,40"})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["numberMatched"] == 0
