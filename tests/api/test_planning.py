"""Planning over HTTP: decisions (admin only), road projects, split and merge, custom profiles, search filters."""

from __future__ import annotations

import json
import time
from pathlib import Path

from landreg.enrich import enriched_plots
from landreg.registry import open_registry

TORGARD = "torgard_freight_terminal"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GEOJSON = "application/geo+json"


def auth(server, who):
    return {"Authorization": f"Bearer {server.tokens[who]}"}


def _torgard_statuses(server):
    with open_registry(server.registry_path) as reg:
        plots = reg.query_plots()
    plots = plots[plots["decision_id"] == TORGARD]
    return set(plots["status"].astype(str))


def test_decide_over_http(edit_api):
    url = f"{edit_api.url}/decisions/{TORGARD}/decide"
    body = {"outcome": "built", "date": "2027-05-01", "note": "bystyresak 12/27"}
    assert edit_api.client.get(f"{edit_api.url}/decisions").json()[0]["status"] == "pending"
    r = edit_api.client.post(url, json=body)
    assert r.status_code == 401
    r = edit_api.client.post(url, json=body, headers=auth(edit_api, "planner"))
    assert r.status_code == 403 and "admin" in r.json()["description"]
    r = edit_api.client.post(f"{edit_api.url}/decisions/no_such/decide", json=body, headers=auth(edit_api, "admin"))
    assert r.status_code == 404 and r.json()["code"] == "EntityNotFoundError"
    r = edit_api.client.post(url, json={**body, "outcome": "rejected"}, headers=auth(edit_api, "admin"))
    assert r.status_code == 422
    assert r.json()["valid_outcomes"] == ["built", "not_built", "pending"] and "rejected" in r.json()["description"]
    assert _torgard_statuses(edit_api) == {"locked"}

    r = edit_api.client.post(url, json=body, headers=auth(edit_api, "admin"))
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["decision"]["outcome"] == "built" and doc["decision"]["decided_on"] == "2027-05-01"
    assert {v["after"] for v in doc["changed"].values()} == {"reserved"}
    assert _torgard_statuses(edit_api) == {"reserved"}
    with open_registry(edit_api.registry_path) as reg:
        plot = reg.get_plot_by_code("TOR-001")
        last = reg.plot_history(plot.plot_id).iloc[-1]
    assert last["actor"] == "admin-ola" and "bystyresak 12/27" in last["note"]
    # the refresher re-enriches: the plots get a travel time to the built terminal
    deadline = time.time() + 60
    while time.time() < deadline:
        with open_registry(edit_api.registry_path) as reg:
            times = enriched_plots(reg)["freight_terminal_travel_time_s"]
        if times.notna().any():
            break
        time.sleep(0.5)
    assert times.notna().mean() > 0.9

    r = edit_api.client.post(url, json={"outcome": "pending", "date": "2027-07-01"}, headers=auth(edit_api, "admin"))
    assert r.status_code == 200 and r.json()["decision"]["status"] == "pending"
    assert _torgard_statuses(edit_api) == {"locked"}
    log = edit_api.client.get(f"{edit_api.url}/decisions/{TORGARD}/log", headers=auth(edit_api, "admin")).json()
    assert [(e["status_before"], e["status"], e["outcome"], e["actor"]) for e in log] == [
        ("pending", "decided", "built", "admin-ola"),
        ("decided", "pending", None, "admin-ola"),
    ]
    assert edit_api.client.get(f"{edit_api.url}/decisions/nope/log").status_code == 404


def _heg_001(server):
    with open_registry(server.registry_path) as reg:
        return reg.get_plot_by_code("HEG-001")


def test_split_and_merge_over_http(edit_api):
    parent = _heg_001(edit_api)  # Trondheim (5001): the Skaun planner may not edit it
    line = json.loads((EXAMPLES / "heg-001-split-line.geojson").read_text(encoding="utf-8"))
    url = f"{edit_api.url}/collections/plots/items/{parent.plot_id}/split"
    r = edit_api.client.post(url, json={"line": line}, headers=auth(edit_api, "planner"))
    assert r.status_code == 403 and "5001" in r.json()["description"]
    r = edit_api.client.post(url, json={"line": line}, headers={**auth(edit_api, "admin"), "If-Match": '"nope"'})
    assert r.status_code == 412
    r = edit_api.client.post(
        url, json={"line": {"type": "Point", "coordinates": [10.3, 63.3]}}, headers=auth(edit_api, "admin")
    )
    assert r.status_code == 400 and r.json()["code"] == "ValidationError"
    etag = edit_api.client.get(f"{edit_api.url}/collections/plots/items/{parent.plot_id}").headers["etag"]
    r = edit_api.client.post(url, json={"line": line}, headers={**auth(edit_api, "admin"), "If-Match": etag})
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith(GEOJSON)
    kids = r.json()["features"]
    assert sorted(f["properties"]["code"] for f in kids) == ["HEG-001-1", "HEG-001-2"]
    assert all(f["properties"]["previously_part_of"] == [parent.plot_id] for f in kids)
    r = edit_api.client.post(url, json={"line": line}, headers=auth(edit_api, "admin"))
    assert r.status_code == 409  # the parent has ended

    merge = f"{edit_api.url}/collections/plots/merge"
    body = {"plots": [{"id": f["id"], "version": 1} for f in kids], "code": "HEG-001"}
    r = edit_api.client.post(
        merge,
        json={**body, "plots": [{"id": kids[0]["id"], "version": 2}, body["plots"][1]]},
        headers=auth(edit_api, "admin"),
    )
    assert r.status_code == 409 and "version" in r.json()["description"]
    r = edit_api.client.post(merge, json=body, headers=auth(edit_api, "admin"))
    assert r.status_code == 201, r.text
    merged = r.json()["features"][0]
    assert merged["properties"]["code"] == "HEG-001"
    assert sorted(merged["properties"]["previously_part_of"]) == sorted(f["id"] for f in kids)
    with open_registry(edit_api.registry_path) as reg:
        hist = reg.plot_history(kids[0]["id"])
    assert hist.iloc[-1]["op"] == "merge" and hist.iloc[-1]["actor"] == "admin-ola"
    assert hist.iloc[-1]["note"] == "merged into HEG-001"


def test_road_projects_over_http(edit_api):
    url = f"{edit_api.url}/road-projects"
    road = json.loads((EXAMPLES / "buvika-link-road.geojson").read_text(encoding="utf-8"))  # Skaun (5029)
    r = edit_api.client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith(GEOJSON)
    assert {f["id"] for f in r.json()["features"]} == {"torgard_access", "sveberg_east_access"}
    assert edit_api.client.post(url, json=road).status_code == 401
    r = edit_api.client.post(url, json=road, headers=auth(edit_api, "viewer"))
    assert r.status_code == 403
    r = edit_api.client.post(url, json=road, headers=auth(edit_api, "planner"))  # the Skaun planner: a road in Skaun
    assert r.status_code == 201, r.text
    assert r.json()["features"][0]["id"] == "buvika_link"
    r = edit_api.client.post(url, json=road, headers=auth(edit_api, "planner"))
    assert r.status_code == 400 and "already in the registry" in r.json()["description"]
    r = edit_api.client.patch(
        f"{url}/torgard_access",
        json={"type": "Feature", "geometry": None, "properties": {}},
        headers=auth(edit_api, "planner"),
    )
    assert r.status_code == 403 and "5001" in r.json()["description"]  # Torgård lies in Trondheim
    bad = {"type": "Feature", "geometry": None, "properties": {"speed_kmh": 500, "colour": "red"}}
    r = edit_api.client.patch(f"{url}/buvika_link", json=bad, headers=auth(edit_api, "planner"))
    assert r.status_code == 400 and "colour" in r.json()["description"]
    bad["properties"].pop("colour")
    r = edit_api.client.patch(f"{url}/buvika_link", json=bad, headers=auth(edit_api, "planner"))
    assert r.status_code == 400 and "speed_kmh" in r.json()["description"]
    r = edit_api.client.patch(
        f"{url}/buvika_link",
        json={"type": "Feature", "geometry": None, "properties": {"status": "funded", "expected_year": 2030}},
        headers=auth(edit_api, "planner"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["status"] == "funded" and r.json()["properties"]["expected_year"] == 2030
    feature = edit_api.client.get(f"{url}/buvika_link").json()  # read, then sent back as it is
    r = edit_api.client.patch(f"{url}/buvika_link", json=feature, headers=auth(edit_api, "planner"))
    assert r.status_code == 200 and r.json()["properties"] == feature["properties"]
    r = edit_api.client.get(f"{edit_api.url}/analysis/scenarios")
    assert "road:buvika_link" in {s["name"] for s in r.json()}
    r = edit_api.client.get(f"{edit_api.url}/analysis/scenarios/road:buvika_link")
    assert r.status_code == 200, r.text
    r = edit_api.client.delete(f"{url}/buvika_link", headers=auth(edit_api, "planner"))
    assert r.status_code == 200 and r.json()["properties"]["status"] == "cancelled"
    assert edit_api.client.get(f"{url}/nope").status_code == 404
    assert "buvika_link" not in {f["id"] for f in edit_api.client.get(url).json()["features"]}
    assert "buvika_link" in {f["id"] for f in edit_api.client.get(url, params={"all": "true"}).json()["features"]}
    r = edit_api.client.get(f"{edit_api.url}/analysis/scenarios/road:buvika_link")
    assert r.status_code == 404


def test_custom_profiles_over_http(read_api):
    import tomllib

    profiles = tomllib.loads((EXAMPLES / "my_profiles.toml").read_text(encoding="utf-8"))
    url = f"{read_api.url}/analysis/scores"
    r = read_api.client.post(url, json={**profiles, "profile": "cold_storage", "limit": 5})  # the file's tables as JSON
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["profile"] == "cold_storage" and doc["version"] == "2025.1-example" and len(doc["plots"]) == 5
    size_only = {"profiles": {"size_only": {"weights": {"size": 1}}}, "profile": "size_only", "status": ["available"]}
    r = read_api.client.post(url, json={**size_only, "limit": 10_000})
    plots = [p for p in r.json()["plots"] if p["score"] is not None]
    assert plots and all(abs(p["score"] - min(max((p["area_daa"] - 2) / 48, 0), 1) * 100) < 0.01 for p in plots)
    r = read_api.client.post(url, json={"profile": "logistics", "weights": {"price": 0}, "limit": 1})
    assert r.status_code == 200 and "price" not in r.json()["effective_weights"]
    bad = {"profiles": {"x": {"weights": {"sizee": 1}}}, "profile": "x"}
    r = read_api.client.post(url, json=bad)
    assert r.status_code == 400 and "profiles.x.weights.sizee" in r.json()["description"]
    r = read_api.client.post(url, json={**profiles, "profile": "nope"})
    assert r.status_code == 400 and "cold_storage" in r.json()["description"]
    r = read_api.client.post(f"{read_api.url}/analysis/supply", json={**profiles, "profile": "cold_storage"})
    assert r.status_code == 200, r.text
    r = read_api.client.post(
        f"{read_api.url}/analysis/search",
        json={"min_daa": 20, "profiles": profiles["profiles"], "profile": "cold_storage", "limit": 3},
    )
    assert r.status_code == 200, r.text
    assert r.json()["profile"]["profile"] == "cold_storage"


def test_search_filters_and_relocation_over_http(read_api):
    url = f"{read_api.url}/analysis/search"
    r = read_api.client.post(
        url, json={"min_daa": 5, "municipality_no": ["Stjørdal"], "business_area_id": ["Hell/Værnes"]}
    )
    assert r.status_code == 200, r.text
    sites = r.json()["sites"]
    assert sites and {s["municipality_no"] for s in sites} == {"5035"}
    assert {s["business_area_id"] for s in sites} == {"hell_vaernes"}
    r = read_api.client.post(url, json={"municipality_no": ["Oslo"]})
    assert r.status_code == 400 and "Oslo" in r.json()["description"]
    r = read_api.client.post(url, json={"business_area_id": ["nowhere"]})
    assert r.status_code == 400 and "nowhere" in r.json()["description"]
    body = {"min_daa": 20, "zoning": ["industry"], "max_minutes": {"port": 25}, "relocating": "Norsk Stål"}
    doc = read_api.client.post(url, json=body).json()
    reloc, best = doc["relocation"], doc["sites"][0]
    assert reloc["site_id"] == best["site_id"] and reloc["taken_codes"] == best["codes"]
    assert abs(reloc["net_supply_daa"] - (reloc["freed_daa"] - reloc["taken_daa"])) < 1e-6
    second = doc["sites"][1]["site_id"]
    reloc = read_api.client.post(url, json={**body, "move_to": second}).json()["relocation"]
    assert reloc["site_id"] == second
    r = read_api.client.post(url, json={**body, "move_to": "NOPE-1"})
    assert r.status_code == 404 and "does not meet the requirements" in r.json()["description"]
