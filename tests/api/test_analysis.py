"""Analysis endpoints over HTTP: the same numbers as the core functions, validated inputs, errors as JSON."""

from __future__ import annotations

import hashlib

import pytest

from landreg import analysis, open_registry
from landreg.search import SiteRequirements


@pytest.fixture(scope="module")
def core(read_api):
    reg = open_registry(read_api.registry_path)
    yield reg
    reg.close()


def test_scores_equal_the_core_and_carry_their_profile(read_api, core):
    r = read_api.client.get(f"{read_api.url}/analysis/scores", params={"profile": "logistics", "limit": 5000})
    assert r.status_code == 200
    body = r.json()
    assert body["profile"] == "logistics" and body["version"]
    want = analysis.score_registry(core, profile="logistics").frame.set_index("plot_id")
    assert body["n_plots"] == len(want)
    for rec in body["plots"][:50]:
        assert rec["score"] == pytest.approx(want.loc[rec["plot_id"], "score"])
        contrib = sum(v for k, v in rec.items() if k.startswith("contrib_") and v is not None)
        assert contrib == pytest.approx(rec["score"], abs=1e-6)
    ranks = [p["rank"] for p in body["plots"] if p["rank"] is not None]
    assert ranks == sorted(ranks)


def test_custom_weights_and_geojson(read_api):
    base = read_api.client.get(f"{read_api.url}/analysis/scores", params={"limit": 3}).json()
    a = read_api.client.get(f"{read_api.url}/analysis/scores", params={"weights": "price=100", "limit": 3}).json()
    assert a["weights"]["price"] > base["weights"]["price"]  # user weights update the profile's, then normalise
    assert sum(a["weights"].values()) == pytest.approx(1.0)
    assert a["fingerprint"] != base["fingerprint"]
    g = read_api.client.get(f"{read_api.url}/analysis/scores", params={"profile": "office", "limit": 3, "f": "geojson"})
    assert g.headers["content-type"] == "application/geo+json"
    feats = g.json()["features"]
    assert len(feats) == 3 and feats[0]["properties"]["profile"] == "office"


def test_explanation_of_one_plot(read_api, core):
    frame = analysis.score_registry(core, profile="manufacturing", statuses=None).frame
    row = frame.sort_values("rank").iloc[0]
    r = read_api.client.get(f"{read_api.url}/analysis/scores/{row['plot_id']}", params={"profile": "manufacturing"})
    body = r.json()
    assert body["score"] == pytest.approx(row["score"])
    assert sum(p["points"] for p in body["contributions"]) == pytest.approx(row["score"])
    assert read_api.client.get(f"{read_api.url}/analysis/scores/nope").status_code == 404


def test_a_plot_scores_the_same_in_the_list_alone_and_under_any_filter(read_api, core):
    whole = analysis.score_registry(core, profile="office", statuses=None).frame.set_index("plot_id")["score"]
    listed = read_api.client.get(f"{read_api.url}/analysis/scores", params={"profile": "office", "limit": 5000}).json()
    assert listed["plots"]
    muni = listed["plots"][0]["municipality_no"]
    filtered = read_api.client.get(
        f"{read_api.url}/analysis/scores",
        params={"profile": "office", "status": "available", "municipality_no": muni, "limit": 5000},
    ).json()
    assert filtered["plots"]
    for rec in [*listed["plots"][:40], *filtered["plots"]]:
        assert rec["score"] == pytest.approx(whole[rec["plot_id"]], abs=1e-9)
    for rec in listed["plots"][:5]:
        one = read_api.client.get(
            f"{read_api.url}/analysis/scores/{rec['plot_id']}", params={"profile": "office"}
        ).json()
        assert one["score"] == pytest.approx(rec["score"], abs=1e-9)
    synergy = {round(p["contrib_synergy"], 9) for p in listed["plots"]}
    assert len(synergy) > 10  # related firms on sold and occupied plots count


def test_a_criterion_whose_destination_is_not_built_is_reported_not_applicable(read_api):
    body = read_api.client.get(f"{read_api.url}/analysis/scores", params={"profile": "logistics", "limit": 3}).json()
    assert [p["criterion"] for p in body["not_applicable"]] == ["access_freight_terminal"]
    assert "built yet" in body["not_applicable"][0]["reason"]
    assert body["effective_weights"]["access_freight_terminal"] == 0
    assert sum(body["effective_weights"].values()) == pytest.approx(1.0)
    one = read_api.client.get(
        f"{read_api.url}/analysis/scores/{body['plots'][0]['plot_id']}", params={"profile": "logistics"}
    ).json()
    part = next(p for p in one["contributions"] if p["criterion"] == "access_freight_terminal")
    assert part["applicable"] is False and part["points"] == 0 and part["reason"]
    assert sum(p["points"] for p in one["contributions"]) == pytest.approx(one["score"])


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/analysis/scores", {"profile": "nope"}, 400, "UnknownProfileError"),
        ("/analysis/scores", {"weights": "price=abc"}, 400, "InvalidWeightsError"),
        ("/analysis/scores", {"limit": "0"}, 400, "InvalidParameterValue"),
        ("/analysis/prices/summary", {"by": "colour"}, 400, "InvalidParameterValue"),
        ("/analysis/scenarios/no-such-scenario", {}, 404, "UnknownScenarioError"),
    ],
)
def test_bad_analysis_input(read_api, path, params, status, code):
    r = read_api.client.get(read_api.url + path, params=params)
    assert r.status_code == status and r.json()["code"] == code


def test_clusters_supply_prices_hotspots(read_api, core):
    c = read_api.client.get(f"{read_api.url}/analysis/clusters", params={"industry": "46.72"}).json()
    want = analysis.score_registry_clusters(core, industry_nace=["46.72"]).to_dict()
    assert [a["area_id"] for a in c["areas"]] == [a["area_id"] for a in want["areas"]]
    assert c["areas"][0]["largest_block_daa"] == pytest.approx(want["areas"][0]["largest_block_daa"])
    s = read_api.client.get(f"{read_api.url}/analysis/supply", params={"uptake_daa_per_year": 100}).json()
    assert s == analysis.compute_registry_supply(core, uptake_daa_per_year=100).to_dict() or "municipalities" in s
    p = read_api.client.get(f"{read_api.url}/analysis/prices/summary", params={"by": "municipality", "kind": "asking"})
    rows = p.json()["rows"]
    assert rows and all(r["kind"] == "asking" for r in rows) and "price observations: " in p.json()["note"]
    h = read_api.client.get(f"{read_api.url}/analysis/hotspots").json()
    assert h["params"]["alpha"] == 0.05 and len(h["plots"]) == h["params"]["n"]


def test_site_search_for_a_relocating_steel_trader(read_api, core):
    body = {
        "min_daa": 20,
        "zoning": ["industry"],
        "max_minutes": {"port": 25},
        "profile": "manufacturing",
        "relocating": "Norsk Stål",
        "limit": 5,
    }
    r = read_api.client.post(f"{read_api.url}/analysis/search", json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    want = analysis.search_registry(
        core, requirements=SiteRequirements(**{k: v for k, v in body.items() if k != "limit"})
    ).to_dict(limit=5)
    assert got.pop("synthetic")["synthetic"] is True  # the demonstration plots are synthetic
    assert got == want
    r = read_api.client.post(f"{read_api.url}/analysis/search", json={"min_daa": 30, "max_daa": 10})
    assert r.status_code == 400 and "max_daa" in r.json()["description"]


def test_scenario_reports_and_leaves_the_registry_alone(read_api):
    before = hashlib.sha256(read_api.registry_path.read_bytes()).hexdigest()
    names = [s["name"] for s in read_api.client.get(f"{read_api.url}/analysis/scenarios").json()]
    assert "torgard-terminal-built" in names
    r = read_api.client.get(f"{read_api.url}/analysis/scenarios/torgard-terminal-built")
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["scenario"]["name"] == "torgard-terminal-built"
    assert hashlib.sha256(read_api.registry_path.read_bytes()).hexdigest() == before


def test_an_unenriched_registry_is_a_clear_409(tmp_path):
    from landreg.layers.build import create_registry_from_layers
    from tests.api.conftest import LAYERS, Service, _settings

    path = create_registry_from_layers(tmp_path / "bare.gpkg", layers_dir=LAYERS, enrich=False).path
    with Service(_settings(path)) as service:
        r = service.client.get(f"{service.url}/analysis/scores")
    assert (
        r.status_code == 409 and r.json()["code"] == "NotEnrichedError" and "landreg enrich" in r.json()["description"]
    )
