"""A plot's score comes from the whole registry: the same number on every path, whatever else is scored.

The demo registry's travel times depend on the road network, so these tests assert relations
(equal across paths, constant or not, weights summing to 1), never particular scores.
"""

from __future__ import annotations

import numpy as np
import pytest

from landreg.analysis import compute_registry_supply, load_enriched_plots, score_registry, search_registry
from landreg.scenarios import run_registry_scenario
from landreg.scoring import load_profile, score_plots
from landreg.search import SiteRequirements

from .conftest import LAYERS, small_frame, square

FREIGHT = "freight_terminal_travel_time_s"


def _scores(result) -> dict[str, float]:
    frame = result.frame
    return dict(zip(frame["plot_id"].astype(str), frame["score"].astype(float), strict=True))


def _assert_same_scores(part: dict[str, float], whole: dict[str, float]) -> None:
    assert part, "no plots to compare"
    ids = sorted(part)
    np.testing.assert_allclose([part[i] for i in ids], [whole[i] for i in ids], rtol=0, atol=1e-9)


@pytest.mark.parametrize("profile", ["office", "manufacturing", "logistics"])
def test_a_plots_score_does_not_depend_on_which_plots_are_scored(demo_registry, profile):
    whole = _scores(score_registry(demo_registry, profile=profile, statuses=None))
    default = score_registry(demo_registry, profile=profile)  # available, planned, locked
    assert set(default.frame["status"].astype(str)) <= {"available", "planned", "locked"}
    _assert_same_scores(_scores(default), whole)
    muni = str(default.frame["municipality_no"].mode().iloc[0])
    _assert_same_scores(_scores(score_registry(demo_registry, profile=profile, municipality_no=[muni])), whole)


def test_one_plot_scored_alone_with_the_registry_context(demo_registry):
    from landreg.analysis import build_registry_scoring_context

    whole = _scores(score_registry(demo_registry, profile="office", statuses=None))
    context = build_registry_scoring_context(demo_registry, profile="office")
    plots = load_enriched_plots(demo_registry)
    for one in plots["plot_id"].iloc[::97]:
        alone = score_plots(plots[plots["plot_id"] == one], profile="office", context=context).frame.iloc[0]
        assert alone["score"] == pytest.approx(whole[one], abs=1e-9)


def test_synergy_varies_and_counts_firms_on_sold_and_occupied_plots(demo_registry):
    result = score_registry(demo_registry, profile="office")  # occupants sit on sold/occupied plots only
    synergy = result.frame["value_synergy"].astype(float)
    assert synergy.nunique() > 10
    missing = np.array(["synergy" in m for m in result.frame["missing_criteria"]])
    assert not missing.all()
    assert synergy.std() > 0.05


def test_supply_search_and_scenario_score_a_plot_as_the_score_list_does(demo_registry):
    whole = _scores(score_registry(demo_registry, profile="logistics", statuses=None))
    supply = compute_registry_supply(demo_registry, profile="logistics").plots
    _assert_same_scores(dict(zip(supply["plot_id"].astype(str), supply["score"].astype(float), strict=True)), whole)
    found = search_registry(
        demo_registry, requirements=SiteRequirements(profile="logistics", combine_adjacent=False)
    ).sites
    single = found[found["kind"] == "plot"]
    _assert_same_scores(
        dict(zip([p[0] for p in single["plot_ids"]], single["score"].astype(float), strict=True)), whole
    )
    report = run_registry_scenario(demo_registry, "road:sveberg_east_access", layers_dir=LAYERS, profile="logistics")
    before = report.plots
    untouched = before[before["business_area_id"] != "sveberg"]
    _assert_same_scores(
        dict(zip(untouched["plot_id"].astype(str), untouched["score_before"].astype(float), strict=True)), whole
    )


def test_a_destination_that_is_not_built_is_not_applicable_and_its_weight_shared(demo_registry):
    result = score_registry(demo_registry, profile="logistics")
    assert result.frame[FREIGHT].isna().all()  # the Torgård terminal is only planned
    assert set(result.not_applicable) == {"access_freight_terminal"}
    weights = result.effective_weights()
    assert weights["access_freight_terminal"] == 0
    assert sum(weights.values()) == pytest.approx(1.0)
    profile_weights = result.profile.normalised_weights()
    share = 1 - profile_weights["access_freight_terminal"]
    for c, w in weights.items():
        if c != "access_freight_terminal":
            assert w == pytest.approx(profile_weights[c] / share)
    f = result.frame
    contrib = f[[c for c in f.columns if c.startswith("contrib_")]].sum(axis=1)
    np.testing.assert_allclose(contrib.to_numpy(), f["score"].to_numpy())
    assert not any("access_freight_terminal" in m for m in f["missing_criteria"])
    explained = result.explain(f.index[0])
    part = next(p for p in explained["contributions"] if p["criterion"] == "access_freight_terminal")
    assert part["applicable"] is False and "built yet" in part["reason"] and part["points"] == 0
    assert explained["not_applicable"][0]["criterion"] == "access_freight_terminal"
    # a plot unreachable by road is still missing, not "not applicable": the other profiles keep their weights
    general = score_registry(demo_registry, profile="general")
    assert general.not_applicable == {} and general.effective_weights() == general.profile.normalised_weights()


def test_not_applicable_lifts_the_ceiling_of_the_score():
    prof = load_profile("logistics")
    perfect = {
        "price_min_nok_m2": 100.0,
        "port_travel_time_s": 0.0,
        "airport_travel_time_s": 0.0,
        "motorway_junction_travel_time_s": 0.0,
        FREIGHT: np.nan,
        "main_road_distance_m": 0.0,
        "slope_mean_deg": 0.0,
        "readiness": "build_ready",
        "requires_new_road": False,
        "synergy_score": 1.0,
        "quick_clay_status": "clear",
        "flood_status": "clear",
        "protected_area_status": "clear",
    }
    frame = small_frame([{"plot_id": "p", "code": "P", **perfect, "geometry": square(0, 0, 300)}])
    capped = score_plots(frame, profile=prof).frame["score"].iloc[0]
    assert capped == pytest.approx(100 * (1 - prof.normalised_weights()["access_freight_terminal"]))
    from landreg.scoring import ScoringContext

    context = ScoringContext(not_applicable={FREIGHT: "not applicable: not built"})
    assert score_plots(frame, profile=prof, context=context).frame["score"].iloc[0] == pytest.approx(100.0)


def test_building_the_terminal_brings_the_criterion_back(demo_registry):
    report = run_registry_scenario(demo_registry, "torgard-terminal-built", layers_dir=LAYERS, profile="logistics")
    assert [p["criterion"] for p in report.profile["not_applicable"]] == ["access_freight_terminal"]
    assert any("rail freight terminal" in n and "now scored" in n for n in report.notes)
    # the criterion's weight comes back: a plot at the terminal (value 1) gains, a plot an hour away (0) loses
    p = report.plots.dropna(subset=["score_before", "score_after"])
    near, far = p[p["freight_terminal_min_after"] <= 5], p[p["freight_terminal_min_after"] >= 60]
    assert len(near) and len(far)
    assert (near["score_after"] >= near["score_before"] - 1e-9).all()
    assert (far["score_after"] <= far["score_before"] + 1e-9).all()
