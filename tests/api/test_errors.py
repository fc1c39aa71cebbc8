"""The same bad input gets the same status and code on every route (the table in ``api/errors.py``)."""

from __future__ import annotations

import pytest

from landreg.scoring import list_profiles


@pytest.mark.parametrize(
    ("method", "path", "params", "body"),
    [
        ("GET", "/analysis/scores", {"profile": "nope"}, None),
        ("GET", "/analysis/scores/any-plot", {"profile": "nope"}, None),
        ("GET", "/analysis/supply", {"profile": "nope"}, None),
        ("GET", "/analysis/scenarios/torgard-terminal-built", {"profile": "nope"}, None),
        ("POST", "/analysis/scores", {}, {"profile": "nope"}),
        ("POST", "/analysis/supply", {}, {"profile": "nope"}),
        ("GET", "/maps/plots", {"profile": "nope"}, None),
        ("GET", "/maps/overview", {"profile": "nope"}, None),
        ("GET", "/maps/scenario", {"name": "torgard-terminal-built", "profile": "nope"}, None),
    ],
)
def test_an_unknown_profile_is_a_bad_parameter_on_every_route(read_api, method, path, params, body):
    r = read_api.client.request(method, read_api.url + path, params=params, json=body)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()
    assert error["code"] == "UnknownProfileError"
    assert "'nope'" in error["description"]
    assert all(name in error["description"] for name in list_profiles())


@pytest.mark.parametrize("seed", [-1, 2**32, 2**64])
def test_a_seed_outside_its_declared_range_is_a_bad_parameter(read_api, seed):
    r = read_api.client.get(f"{read_api.url}/analysis/hotspots", params={"seed": seed})
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameterValue"
    assert "seed" in r.json()["description"]


@pytest.mark.parametrize(
    ("path", "params"),
    [("/analysis/scenarios/no-such-scenario", {}), ("/maps/scenario", {"name": "no-such-scenario"})],
)
def test_an_unknown_scenario_is_not_found_on_every_route(read_api, path, params):
    r = read_api.client.get(read_api.url + path, params=params)
    assert r.status_code == 404 and r.json()["code"] == "UnknownScenarioError"
    assert "'no-such-scenario'" in r.json()["description"]
