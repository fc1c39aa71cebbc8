"""Wrong input to the service is refused with 400 and the accepted values, never an empty answer."""

from __future__ import annotations

import pytest

from landreg.registry import open_registry


@pytest.mark.parametrize(
    ("query", "named", "listed"),
    [
        ("status=bogus", "'bogus'", "available, reserved, sold, locked, planned"),
        ("municipality_no=9999", "'9999'", "5001 Trondheim - Tråante"),
        ("municipality_no=Oslo", "'Oslo'", "5035 Stjørdal"),
        ("isochrones=harbour", "'harbour'", "port, airport, trondheim_s"),
    ],
)
def test_plot_map_refuses_unknown_values(read_api, query, named, listed):
    r = read_api.client.get(f"{read_api.url}/maps/plots?{query}&price_layers=false")
    assert r.status_code == 400, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) >= {"code", "description"}
    assert named in body["description"] and listed in body["description"]
    assert "=None" not in body["description"] and "Error" not in body["description"]


def test_plot_map_takes_municipality_names(read_api):
    r = read_api.client.get(f"{read_api.url}/maps/plots?municipality_no=Stjørdal&status=available&price_layers=false")
    assert r.status_code == 200, r.text[:300]
    with open_registry(read_api.registry_path) as reg:
        codes = set(reg.query_plots(municipality_no="5035", status="available")["code"])
        others = set(reg.query_plots(municipality_no="5001", status="available")["code"])
    assert codes and all(c in r.text for c in codes)
    assert not any(f'"{c}"' in r.text for c in others)


def test_items_take_municipality_names(read_api):
    by_name = read_api.client.get(f"{read_api.url}/collections/plots/items?municipality_no=stjørdal&limit=1000").json()
    by_number = read_api.client.get(f"{read_api.url}/collections/plots/items?municipality_no=5035&limit=1000").json()
    assert by_name["numberMatched"] == by_number["numberMatched"] > 0
    r = read_api.client.get(f"{read_api.url}/collections/plots/items?municipality_no=9999")
    assert r.status_code == 400 and "unknown municipality '9999'" in r.json()["description"]


def test_search_refuses_an_unknown_destination(read_api):
    r = read_api.client.post(f"{read_api.url}/analysis/search", json={"max_minutes": {"harbour": 25}})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/json")
    description = r.json()["description"]
    assert "'harbour'" in description and "port, airport, trondheim_s" in description
    assert "Value error" not in description


def test_a_malformed_industry_code_is_a_400(read_api):
    r = read_api.client.get(f"{read_api.url}/analysis/clusters", params={"industry": "steel"})
    assert r.status_code == 400, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["code"] == "InvalidNaceCodeError"
    assert "not a NACE industry code: 'steel'" in body["description"] and "46.72" in body["description"]
