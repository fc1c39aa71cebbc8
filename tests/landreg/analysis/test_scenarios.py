"""Scenarios: a new road lowers exactly the travel times it should; the registry is never changed."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from landreg.enrich import EnrichInputs
from landreg.enrich.snapping import DEFAULT_ACCESS_SPEED_KMH
from landreg.model.entities import Decision, DecisionOutcome
from landreg.scenarios import ScenarioSpec, list_scenarios, parse_scenario, run_registry_scenario, run_scenario
from landreg.scoring import Criterion, ScoringProfile, UnknownScenarioError

from .conftest import LAYERS, small_frame

X0, Y0 = 560_000.0, 7_030_000.0
SPEED = 50.0
PROJECT_SPEED = 80.0


def _p(x: float, y: float) -> tuple[float, float]:
    return (X0 + x, Y0 + y)


# a U-shaped road: bottom (0,0)-(3000,0), right side up to (3000,2000), top back to (0,2000)
LINKS = [
    ((0, 0), (1000, 0)),
    ((1000, 0), (2000, 0)),
    ((2000, 0), (3000, 0)),
    ((3000, 0), (3000, 2000)),
    ((3000, 2000), (2000, 2000)),
    ((2000, 2000), (1000, 2000)),
    ((1000, 2000), (0, 2000)),
]
# the project starts 3 m off the middle of the top link (the link is split there) and ends 2 m from node (1000, 0)
PROJECT = [(1500, 2003), (1000, 2)]
PLOTS = {"top": (500, 2010), "bottom": (1500, -110), "right": (3010, 950), "top_east": (2400, 2010)}


def _inputs() -> EnrichInputs:
    roads = gpd.GeoDataFrame(
        {"speed_kmh": [SPEED] * len(LINKS)},
        geometry=[shapely.LineString([_p(*a), _p(*b)]) for a, b in LINKS],
        crs="EPSG:25832",
    )
    dest = gpd.GeoDataFrame(
        {"dest_id": ["port_a"], "kind": ["port"], "status": ["existing"], "name": ["Port"]},
        geometry=[shapely.Point(_p(0, 0))],
        crs="EPSG:25832",
    )
    return EnrichInputs(roads=roads, destinations=dest)


def _plots() -> gpd.GeoDataFrame:
    rows = []
    for code, (x, y) in PLOTS.items():
        rows.append(
            {
                "plot_id": code,
                "code": code,
                "municipality_no": "5001",
                "business_area_id": "a",
                "status": "available",
                "readiness": "build_ready",
                "requires_new_road": False,
                "occupants": [],
                "geometry": shapely.box(*_p(x, y), *_p(x + 100, y + 100)),
            }
        )
    return small_frame(rows)


def _reference_times_s(with_project: bool) -> dict[str, float]:
    """Travel time to the port with networkx on the (modified) graph; plots joined at their nearest road point."""
    g = nx.Graph()
    links = [(_p(*a), _p(*b), SPEED) for a, b in LINKS]
    if with_project:
        mid = _p(1500, 2000)
        links = [lk for lk in links if lk[:2] != (_p(2000, 2000), _p(1000, 2000))]
        links += [(_p(2000, 2000), mid, SPEED), (mid, _p(1000, 2000), SPEED), (mid, _p(1000, 0), PROJECT_SPEED)]
    for a, b, speed in links:
        g.add_edge(a, b, time=shapely.LineString([a, b]).length / (speed / 3.6))
    out = {}
    for code, (x, y) in PLOTS.items():
        poly = shapely.box(*_p(x, y), *_p(x + 100, y + 100))
        best = min(((a, b, s) for a, b, s in links), key=lambda lk: shapely.LineString(lk[:2]).distance(poly))
        line = shapely.LineString(best[:2])
        near = shapely.ops.nearest_points(line, poly)[0]
        h = g.copy()
        t = line.project(near)
        h.add_edge("plot", best[0], time=t / (best[2] / 3.6))
        h.add_edge("plot", best[1], time=(line.length - t) / (best[2] / 3.6))
        leg_s = near.distance(poly) / (DEFAULT_ACCESS_SPEED_KMH / 3.6)
        out[code] = leg_s + nx.shortest_path_length(h, "plot", _p(0, 0), weight="time")
    return out


def _profile() -> ScoringProfile:
    crit = {
        "port": Criterion(
            name="port", label="time to port", column="port_travel_time_s", transform="inverse", lo=0, hi=1200
        )
    }
    return ScoringProfile(name="port_only", version="t", criteria=crit, weights={"port": 1})


def test_new_road_lowers_exactly_the_travel_times_it_should():
    projects = gpd.GeoDataFrame(
        {"project_id": ["shortcut"], "speed_kmh": [PROJECT_SPEED]},
        geometry=[shapely.LineString([_p(*q) for q in PROJECT])],
        crs="EPSG:25832",
    )
    plots, inputs = _plots(), _inputs()
    roads_before = inputs.roads.copy()
    report = run_scenario(
        plots,
        spec=ScenarioSpec(name="road:shortcut", road_projects=["shortcut"]),
        inputs=inputs,
        road_projects=projects,
        profile=_profile(),
    )
    table = report.plots.set_index("code")
    before, after = _reference_times_s(False), _reference_times_s(True)
    for code in PLOTS:
        assert table.loc[code, "port_min_before"] * 60 == pytest.approx(before[code], rel=1e-9)
        assert table.loc[code, "port_min_after"] * 60 == pytest.approx(after[code], rel=1e-9)
    # the top plots gain, the others do not move at all
    assert after["top"] < before["top"] - 60 and after["top_east"] < before["top_east"] - 60
    assert table.loc["bottom", "port_min_change"] == 0 and table.loc["right", "port_min_change"] == 0
    assert set(report.changed_plots["code"]) == {"top", "top_east"}
    assert (table.loc[["top", "top_east"], "score_change"] > 0).all()
    assert table.loc["top", "rank_after"] <= table.loc["top", "rank_before"]
    assert inputs.roads.equals(roads_before) and len(plots) == 4  # inputs untouched
    assert "shortcut" in report.to_text()
    json.dumps(report.to_dict())


def test_decision_outcome_changes_status_and_destinations():
    decision = Decision(
        decision_id="terminal",
        title="Terminal",
        outcomes=[
            DecisionOutcome(name="built", plot_status="reserved", adds_destinations=["freight_x"]),
            DecisionOutcome(name="not_built", plot_status="available", removes_destinations=["freight_x"]),
        ],
    )
    inputs = _inputs()
    extra = gpd.GeoDataFrame(
        {"dest_id": ["freight_x"], "kind": ["rail_freight_terminal"], "status": ["planned"], "name": ["T"]},
        geometry=[shapely.Point(_p(3000, 0))],
        crs="EPSG:25832",
    )
    inputs.destinations = gpd.GeoDataFrame(
        gpd.pd.concat([inputs.destinations, extra], ignore_index=True), geometry="geometry", crs="EPSG:25832"
    )
    plots = _plots()
    plots.loc[plots["code"] == "right", ["status"]] = "locked"
    plots["decision_id"] = np.where(plots["code"] == "right", "terminal", None)
    spec = parse_scenario("terminal-not-built", decisions=[decision], road_project_ids=[])
    report = run_scenario(plots, spec=spec, inputs=inputs, decisions=[decision], profile=_profile())
    t = report.plots.set_index("code")
    assert t.loc["right", "status_before"] == "locked" and t.loc["right", "status_after"] == "available"
    assert report.region["after"]["supply_daa"] == pytest.approx(report.region["before"]["supply_daa"] + 10)
    spec = parse_scenario("decision:terminal=built", decisions=[decision], road_project_ids=[])
    built = run_scenario(plots, spec=spec, inputs=inputs, decisions=[decision], profile=_profile())
    bt = built.plots.set_index("code")
    assert bt["freight_terminal_min_before"].isna().all() and bt["freight_terminal_min_after"].notna().all()
    assert bt.loc["right", "status_after"] == "reserved"
    with pytest.raises(UnknownScenarioError):
        parse_scenario("terminal-maybe", decisions=[decision], road_project_ids=[])


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundled_scenarios_leave_the_registry_unchanged(demo_registry):
    path = demo_registry.path if hasattr(demo_registry, "path") else None
    plots_before = demo_registry.query_plots()
    digest = _sha256(path) if path is not None else None
    names = [
        s["name"]
        for s in list_scenarios(
            demo_registry.load_decisions(), road_project_ids=list(demo_registry.load_road_projects()["project_id"])
        )
    ]
    assert {"torgard-terminal-built", "road:torgard_access", "road:sveberg_east_access"} <= set(names)

    built = run_registry_scenario(demo_registry, "torgard-terminal-built", layers_dir=LAYERS, profile="logistics")
    text = built.to_text()
    assert "Torgård" in text and "freight_terminal_min_after" in text
    tor = built.plots[built.plots["business_area_id"] == "torgard"]
    assert (tor["status_before"] == "locked").all() and (tor["status_after"] == "reserved").all()
    assert built.plots["freight_terminal_min_before"].isna().all()
    assert built.plots["freight_terminal_min_after"].notna().all()
    assert built.areas.set_index("area_id").loc["torgard", "mean_score_change"] > 0

    road = run_registry_scenario(demo_registry, "road:sveberg_east_access", layers_dir=LAYERS, profile="logistics")
    changed = road.changed_plots
    # the road serves Sveberg, which gains most; on the street network it may also shorten a few trips of
    # neighbouring areas, but a new road never makes any trip longer
    minutes = changed[[c for c in changed.columns if c.endswith("_min_change")]]
    assert (minutes.fillna(0.0) <= 1e-9).all().all()
    assert changed.groupby("business_area_id")["port_min_change"].min().idxmin() == "sveberg"
    assert (changed["port_min_change"] <= 1e-9).all() and (changed["port_min_change"] < -1).any()
    assert road.region["after"]["effective_daa"] > road.region["before"]["effective_daa"]
    assert "sveberg_east_access" in road.to_text()
    json.dumps(built.to_dict()), json.dumps(road.to_dict())

    assert demo_registry.query_plots().drop(columns="geometry").equals(plots_before.drop(columns="geometry"))
    if digest is not None:
        assert _sha256(path) == digest


_REPR = ("{'", "['", "[]", "{}", "')", "_freight_")


def _assert_plain_text(text: str) -> None:
    for token in _REPR:
        assert token not in text, f"{token!r} in {text!r}"


def test_changed_means_a_change_beyond_the_tolerances(demo_registry):
    report = run_registry_scenario(demo_registry, "torgard-terminal-built", layers_dir=LAYERS, profile="general")
    p = report.plots
    status = p["status_before"] != p["status_after"]
    # the general profile does not weigh the terminal: only the plots the decision takes change
    assert int(p["changed"].sum()) == int(status.sum()) > 0
    from landreg.scenarios.report import SCORE_TOLERANCE, TRAVEL_TIME_TOLERANCE_MIN

    score = (p["score_after"] - p["score_before"]).abs() >= SCORE_TOLERANCE
    times = np.zeros(len(p), dtype=bool)
    for c in [c for c in p.columns if c.endswith("_min_change")]:
        times |= (p[c].abs() >= TRAVEL_TIME_TOLERANCE_MIN).to_numpy()
    supply = (p["effective_daa_after"] - p["effective_daa_before"]).abs() >= 0.01
    expected = (status | score | supply).to_numpy() | times
    np.testing.assert_array_equal(p["changed"].to_numpy(), expected)
    assert f"{int(status.sum())} of {len(p)} plots changed" in report.to_text()


def test_scenario_notes_and_headline_are_plain_text(demo_registry):
    report = run_registry_scenario(demo_registry, "torgard-terminal-built", layers_dir=LAYERS, profile="logistics")
    for line in [*report.notes, report.to_text().splitlines()[0]]:
        _assert_plain_text(line)
    _assert_plain_text(report.headline())
    assert any(n.startswith("Rail freight terminal at Torgård: built") for n in report.notes)
    assert "Torgård godsterminal: built" in report.notes
    assert report.headline().startswith("Rail freight terminal at Torgård: built · ")
    road = run_registry_scenario(demo_registry, "road:torgard_access", layers_dir=LAYERS, profile="general")
    for line in road.notes:
        _assert_plain_text(line)
    assert any("road project torgard_access added" in n for n in road.notes)
