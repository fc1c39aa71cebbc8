"""Part 4 editing over HTTP: tokens and roles, ETags and If-Match, history with the actor."""

from __future__ import annotations

import concurrent.futures as cf

import httpx
import pytest
import shapely

from landreg.registry import open_registry

GEOJSON = "application/geo+json"


def auth(server, who):
    return {"Authorization": f"Bearer {server.tokens[who]}"}


def _skaun_plot(server):
    with open_registry(server.registry_path) as reg:
        frame = reg.query_plots(municipality_no="5029", status="available")
    return frame.iloc[0]


def _new_feature(municipality_no="5029", code="NEW-001"):
    # A free spot in Skaun, well away from the demonstration plots.
    ring = [[9.95, 63.205], [9.952, 63.205], [9.952, 63.206], [9.95, 63.206], [9.95, 63.205]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {
            "code": code,
            "municipality_no": municipality_no,
            "status": "available",
            "zoning": "industry",
            "price_min_nok_m2": 600,
            "price_basis": "raw",
        },
    }


def test_reads_are_public_and_writes_need_a_token(edit_api):
    url = f"{edit_api.url}/collections/plots/items"
    assert edit_api.client.get(url, params={"limit": 1}).status_code == 200
    r = edit_api.client.post(url, json=_new_feature())
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["code"] == "AuthenticationError"
    r = edit_api.client.post(url, json=_new_feature(), headers={"Authorization": "Bearer lr_nope_nope"})
    assert r.status_code == 401


def test_roles(edit_api):
    url = f"{edit_api.url}/collections/plots/items"
    r = edit_api.client.post(url, json=_new_feature(), headers=auth(edit_api, "viewer"))
    assert r.status_code == 403 and "viewer" in r.json()["description"]
    r = edit_api.client.post(
        url, json=_new_feature(municipality_no="5001", code="TRD-NEW"), headers=auth(edit_api, "planner")
    )  # a Skaun plot labelled Trondheim: the label contradicts the ground
    assert r.status_code == 422 and {"5001", "5029"} <= set(r.json()["description"].replace("'", " ").split())
    trondheim = "4d82126d-8810-5fe4-89f6-a3ef11f19463"  # a Torgård plot (Trondheim)
    r = edit_api.client.patch(
        f"{url}/{trondheim}",
        json={"type": "Feature", "properties": {"name": "x"}},
        headers=auth(edit_api, "planner"),
    )
    assert r.status_code == 403
    r = edit_api.client.delete(f"{url}/{trondheim}", headers=auth(edit_api, "planner"))
    assert r.status_code == 403
    with open_registry(edit_api.registry_path) as reg:
        assert reg.get_plot(trondheim).version == 1


def test_create_returns_201_location_etag_and_records_the_actor(edit_api):
    url = f"{edit_api.url}/collections/plots/items"
    r = edit_api.client.post(url, json=_new_feature(), headers=auth(edit_api, "planner"))
    assert r.status_code == 201, r.text
    assert r.headers["content-type"] == GEOJSON
    location = r.headers["location"]
    pid = r.json()["id"]
    assert location.endswith(f"/collections/plots/items/{pid}")
    assert r.headers["etag"] == f'"{pid}-v1"'
    got = edit_api.client.get(location)
    assert got.headers["etag"] == r.headers["etag"]
    assert got.json()["properties"]["area_m2"] > 5000  # computed from the geometry
    with open_registry(edit_api.registry_path) as reg:
        assert reg.plot_history(pid).iloc[0]["actor"] == "planner-kari"


def test_invalid_edits_are_400_and_write_nothing(edit_api):
    url = f"{edit_api.url}/collections/plots/items"
    bad = _new_feature()
    bad["properties"]["status"] = "gone"
    bad["properties"]["price_min_nok_m2"] = -3
    r = edit_api.client.post(url, json=bad, headers=auth(edit_api, "admin"))
    assert r.status_code == 400
    fields = {p["field"] for p in r.json()["problems"]}
    assert {"status", "price_min_nok_m2"} <= fields
    r = edit_api.client.post(url, content=b"{not json", headers=auth(edit_api, "admin"))
    assert r.status_code == 400
    with open_registry(edit_api.registry_path) as reg:
        assert reg.count_plots(code="NEW-001") == 0


def test_if_match_is_honoured(edit_api):
    plot = _skaun_plot(edit_api)
    url = f"{edit_api.url}/collections/plots/items/{plot.plot_id}"
    etag = edit_api.client.get(url).headers["etag"]
    patch = {"type": "Feature", "properties": {"status": "reserved"}}
    r = edit_api.client.patch(url, json=patch, headers={**auth(edit_api, "planner"), "If-Match": etag})
    assert r.status_code == 200 and r.json()["properties"]["status"] == "reserved"
    new_etag = r.headers["etag"]
    assert new_etag != etag
    r = edit_api.client.patch(
        url,
        json={"type": "Feature", "properties": {"status": "sold"}},
        headers={**auth(edit_api, "planner"), "If-Match": etag},
    )
    assert r.status_code == 412
    assert edit_api.client.get(url).json()["properties"]["status"] == "reserved"
    # QGIS sends no If-Match: allowed by default.
    r = edit_api.client.patch(
        url, json={"type": "Feature", "properties": {"name": "Fra QGIS"}}, headers=auth(edit_api, "admin")
    )
    assert r.status_code == 200


def test_concurrent_puts_with_the_same_etag_one_wins(edit_server):
    plot = _skaun_plot(edit_server)
    url = f"{edit_server.url}/collections/plots/items/{plot.plot_id}"
    current = httpx.get(url)
    etag, feature = current.headers["etag"], current.json()

    def put(i: int) -> int:
        body = {
            "type": "Feature",
            "geometry": feature["geometry"],
            "properties": {**feature["properties"], "name": f"writer {i}"},
        }
        return httpx.put(
            url, json=body, headers={**auth(edit_server, "admin"), "If-Match": etag}, timeout=30
        ).status_code

    with cf.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(put, range(8)))
    assert sorted(codes) == [200] + [412] * 7
    with open_registry(edit_server.registry_path) as reg:
        hist = reg.plot_history(plot.plot_id)
        assert list(hist["version"]) == [1, 2]
        assert reg.get_plot(plot.plot_id).name.startswith("writer ")


def test_if_match_can_be_required(make_api):
    server = make_api(require_if_match=True)
    with open_registry(server.registry_path) as reg:
        pid = reg.query_plots(limit=1)["plot_id"].iloc[0]
    url = f"{server.url}/collections/plots/items/{pid}"
    r = server.client.patch(url, json={"type": "Feature", "properties": {"name": "x"}}, headers=auth(server, "admin"))
    assert r.status_code == 428
    etag = server.client.get(url).headers["etag"]
    r = server.client.patch(
        url, json={"type": "Feature", "properties": {"name": "x"}}, headers={**auth(server, "admin"), "If-Match": etag}
    )
    assert r.status_code == 200


def test_delete_ends_the_plot_and_history_stays(edit_api):
    plot = _skaun_plot(edit_api)
    url = f"{edit_api.url}/collections/plots/items/{plot.plot_id}"
    before = edit_api.client.get(url).json()["properties"]["updated_at"]
    assert edit_api.client.delete(url, headers=auth(edit_api, "planner")).status_code == 204
    r = edit_api.client.get(url)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert r.json()["code"] == "PlotNotFoundError" and "/versions" in r.json()["description"]
    listed = edit_api.client.get(f"{edit_api.url}/collections/plots/items", params={"limit": 1000}).json()
    assert plot.plot_id not in {f["id"] for f in listed["features"]}
    versions = edit_api.client.get(f"{url}/versions", headers=auth(edit_api, "admin")).json()
    assert [f["properties"]["version"] for f in versions["features"]] == [1, 2]
    assert versions["features"][-1]["properties"]["actor"] == "planner-kari"  # an admin sees who
    old = edit_api.client.get(url, params={"as_of": before}).json()
    assert old["properties"]["valid_to"] is None and old["properties"]["version"] == 1
    assert (
        edit_api.client.get(url, params={"as_of": versions["features"][-1]["properties"]["updated_at"]}).status_code
        == 404
    )
    assert versions["features"][-1]["properties"]["valid_to"] is not None


def test_put_replaces_and_moves_geometry(edit_api):
    plot = _skaun_plot(edit_api)
    url = f"{edit_api.url}/collections/plots/items/{plot.plot_id}"
    feature = edit_api.client.get(url, params={"crs": "http://www.opengis.net/def/crs/EPSG/0/25832"}).json()
    shrunk = shapely.geometry.shape(feature["geometry"]).buffer(-2)
    body = {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(shrunk),
        "properties": {**feature["properties"], "name": "Mindre tomt"},
    }
    r = edit_api.client.put(
        url,
        json=body,
        headers={**auth(edit_api, "admin"), "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/25832>"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["area_m2"] == pytest.approx(shrunk.area, rel=1e-6)


def test_options_advertise_editing_and_body_limit(make_api):
    server = make_api(max_body_bytes=2048)
    r = server.client.options(f"{server.url}/collections/plots/items")
    assert "POST" in r.headers["allow"]
    r = server.client.options(f"{server.url}/collections/plots/items/x")
    assert {"PUT", "PATCH", "DELETE"} <= set(map(str.strip, r.headers["allow"].split(",")))
    big = _new_feature()
    big["properties"]["availability_note"] = "x" * 5000
    r = server.client.post(f"{server.url}/collections/plots/items", json=big, headers=auth(server, "admin"))
    assert r.status_code == 413 and r.json()["code"] == "PayloadTooLarge"


def test_an_edited_plot_is_enriched_again_in_the_background(edit_api):
    import time

    plot = _skaun_plot(edit_api)
    url = f"{edit_api.url}/collections/plots/items/{plot.plot_id}"
    feature = edit_api.client.get(url, params={"crs": "http://www.opengis.net/def/crs/EPSG/0/25832"}).json()
    moved = shapely.affinity.translate(shapely.geometry.shape(feature["geometry"]).buffer(-3), 1.0, 0.0)
    r = edit_api.client.patch(
        url,
        json={"type": "Feature", "geometry": shapely.geometry.mapping(moved), "properties": {}},
        headers={**auth(edit_api, "admin"), "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/25832>"},
    )
    assert r.status_code == 200, r.text
    version = r.json()["properties"]["version"]
    deadline = time.time() + 60
    while time.time() < deadline:
        with open_registry(edit_api.registry_path) as reg:
            rows = reg.load_enrichment()
        row = rows[rows["plot_id"] == plot.plot_id]
        if len(row) and int(row["plot_version"].iloc[0]) == version:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the edited plot was not enriched again within 60 s")
    explained = edit_api.client.get(f"{edit_api.url}/analysis/scores/{plot.plot_id}").json()
    assert not any(part["missing"] for part in explained["contributions"] if part["criterion"].startswith("access"))
