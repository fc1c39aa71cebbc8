"""Planning over HTTP: decisions (admin only), road projects, split and merge, custom profiles, search filters."""

from __future__ import annotations

import time

import httpx

from landreg.enrich import enriched_plots
from landreg.registry import open_registry

TORGARD = "torgard_freight_terminal"


def auth(server, who):
    return {"Authorization": f"Bearer {server.tokens[who]}"}


def _torgard_statuses(server):
    with open_registry(server.registry_path) as reg:
        plots = reg.query_plots()
    plots = plots[plots["decision_id"] == TORGARD]
    return set(plots["status"].astype(str))


def test_decide_over_http(edit_server):
    url = f"{edit_server.url}/decisions/{TORGARD}/decide"
    body = {"outcome": "built", "date": "2027-05-01", "note": "bystyresak 12/27"}
    assert httpx.get(f"{edit_server.url}/decisions").json()[0]["status"] == "pending"
    r = httpx.post(url, json=body)
    assert r.status_code == 401
    r = httpx.post(url, json=body, headers=auth(edit_server, "planner"))
    assert r.status_code == 403 and "admin" in r.json()["description"]
    r = httpx.post(f"{edit_server.url}/decisions/no_such/decide", json=body, headers=auth(edit_server, "admin"))
    assert r.status_code == 404 and r.json()["code"] == "EntityNotFoundError"
    r = httpx.post(url, json={**body, "outcome": "rejected"}, headers=auth(edit_server, "admin"))
    assert r.status_code == 422
    assert r.json()["valid_outcomes"] == ["built", "not_built", "pending"] and "rejected" in r.json()["description"]
    assert _torgard_statuses(edit_server) == {"locked"}

    r = httpx.post(url, json=body, headers=auth(edit_server, "admin"))
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["decision"]["outcome"] == "built" and doc["decision"]["decided_on"] == "2027-05-01"
    assert {v["after"] for v in doc["changed"].values()} == {"reserved"}
    assert _torgard_statuses(edit_server) == {"reserved"}
    with open_registry(edit_server.registry_path) as reg:
        plot = reg.get_plot_by_code("TOR-001")
        last = reg.plot_history(plot.plot_id).iloc[-1]
    assert last["actor"] == "admin-ola" and "bystyresak 12/27" in last["note"]
    # the refresher re-enriches: the plots get a travel time to the built terminal
    deadline = time.time() + 60
    while time.time() < deadline:
        with open_registry(edit_server.registry_path) as reg:
            times = enriched_plots(reg)["freight_terminal_travel_time_s"]
        if times.notna().any():
            break
        time.sleep(0.5)
    assert times.notna().mean() > 0.9

    r = httpx.post(url, json={"outcome": "pending", "date": "2027-07-01"}, headers=auth(edit_server, "admin"))
    assert r.status_code == 200 and r.json()["decision"]["status"] == "pending"
    assert _torgard_statuses(edit_server) == {"locked"}
