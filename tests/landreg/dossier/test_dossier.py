"""Plot dossiers (landreg.dossier) on the demonstration registry: facts, score, isochrones, prices, neighbours."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from landreg.analysis import load_enriched_plots, score_registry
from landreg.dossier import build_plot_dossier
from landreg.errors import PlotNotFoundError
from landreg.prices.asking import price_nok_m2
from landreg.registry import open_registry
from tests.conftest import LAYERS


@pytest.fixture(scope="module")
def registry(demo_registry_file):
    with open_registry(demo_registry_file) as reg:
        yield reg


@pytest.fixture(scope="module")
def plots(registry):
    return load_enriched_plots(registry)


@pytest.fixture(scope="module")
def available_code(plots):
    """An available plot with an asking price, in a business area."""
    ok = plots[(plots["status"] == "available") & plots["price_min_nok_m2"].notna() & plots["business_area_id"].notna()]
    return str(ok.sort_values("code")["code"].iloc[0])


@pytest.fixture(scope="module")
def dossier(registry, available_code):
    return build_plot_dossier(registry, available_code, profile="logistics", layers_dir=LAYERS)


def test_score_and_rank_are_those_of_the_registry_scores(registry, dossier):
    scores = score_registry(registry, profile="logistics").frame  # the plots on offer
    row = scores[scores["code"] == dossier.code].iloc[0]
    assert dossier.score == pytest.approx(float(row["score"]))
    assert dossier.rank == float(row["rank"])
    assert dossier.n_ranked == int(scores["rank"].notna().sum())
    assert dossier.ranked_among == "on_offer"
    assert sum(c["points"] for c in dossier.contributions) == pytest.approx(dossier.score, abs=1e-6)
    points = [c["points"] for c in dossier.contributions]
    assert points == sorted(points, reverse=True)


def test_a_sold_plot_is_ranked_among_every_live_plot(registry, plots):
    code = str(plots.loc[plots["status"] == "sold", "code"].iloc[0])
    d = build_plot_dossier(registry, code)
    assert d.ranked_among == "all" and d.n_ranked == len(plots) and d.rank is not None


def test_facts_travel_terrain_hazards_come_from_the_enriched_plot(dossier, plots):
    row = plots[plots["code"] == dossier.code].iloc[0]
    assert dossier.facts["area_m2"] == pytest.approx(row.geometry.area, rel=1e-6)
    assert dossier.facts["zoning"] == row["zoning"] and dossier.facts["last_verified"] == row["last_verified"]
    port = next(t for t in dossier.travel if t["target"] == "port")
    assert port["travel_time_s"] == pytest.approx(row["port_travel_time_s"])
    assert {h["hazard"] for h in dossier.hazards} == {"quick_clay", "flood", "protected_area"}
    quick = next(h for h in dossier.hazards if h["hazard"] == "quick_clay")
    assert quick["status"] == row["quick_clay_status"]
    assert dossier.terrain["slope_mean_deg"] == pytest.approx(row["slope_mean_deg"])


def test_isochrones_are_nested_polygons_around_the_plot(dossier):
    iso = dossier.isochrones
    assert list(iso["minutes"]) == [5.0, 10.0]
    small, large = iso.geometry.iloc[0], iso.geometry.iloc[1]
    assert small.area > 0 and large.area > small.area
    assert large.buffer(1.0).contains(small)
    assert large.intersects(shapely.point_on_surface(dossier.geometry))
    # at most 10 minutes at 110 km/h: nothing farther than ~18 km (plus the 150 m buffer) as the crow flies
    centre = shapely.point_on_surface(dossier.geometry)
    far = shapely.get_coordinates(large.exterior if large.geom_type == "Polygon" else large.convex_hull.exterior)
    assert np.hypot(far[:, 0] - centre.x, far[:, 1] - centre.y).max() < 110 / 3.6 * 600 + 500


def test_price_against_area_and_region_is_the_median_of_the_same_basis(dossier, plots):
    prices = price_nok_m2(plots)
    row = plots[plots["code"] == dossier.code].iloc[0]
    same = (plots["price_basis"] == row["price_basis"]).to_numpy() & np.isfinite(prices)
    in_area = same & (plots["business_area_id"] == row["business_area_id"]).to_numpy()
    assert dossier.prices["region_median_nok_m2"] == pytest.approx(np.median(prices[same]))
    assert dossier.prices["area_median_nok_m2"] == pytest.approx(np.median(prices[in_area]))
    assert dossier.prices["region_n"] == int(same.sum())
    assert dossier.prices["plot_nok_m2"] == pytest.approx((row["price_min_nok_m2"] + row["price_max_nok_m2"]) / 2)


def test_neighbours_and_firms_are_near_the_plot(dossier, plots):
    geom = dossier.geometry
    near = plots[(plots.geometry.distance(geom) <= dossier.radius_m) & (plots["code"] != dossier.code)]
    assert set(dossier.neighbours["code"]) == set(near["code"])
    assert list(dossier.neighbours["distance_m"]) == sorted(dossier.neighbours["distance_m"])
    assert sum(i["n_firms"] for i in dossier.industries) == len(dossier.firms)
    for firm in dossier.firms:
        assert (
            firm["distance_m"] <= dossier.radius_m
            or not firm["on_plot"]
            or firm["name"]
            in {
                o["name"]
                for occ in plots.loc[plots["business_area_id"] == dossier.facts["business_area_id"], "occupants"]
                for o in occ
            }
        )


def test_synthetic_notice_counts_this_plot(dossier):
    plots_count = dossier.synthetic.get("plots")
    assert plots_count is not None and plots_count.n_total == 1
    assert dossier.synthetic.text("nb").startswith("Syntetiske data")


def test_unknown_code_names_the_code(registry):
    with pytest.raises(PlotNotFoundError, match="'NOPE-9'"):
        build_plot_dossier(registry, "NOPE-9")


def test_codes_match_without_regard_to_case(registry, available_code):
    assert build_plot_dossier(registry, available_code.lower(), isochrone_minutes=()).code == available_code


def test_a_locked_plot_names_its_pending_decision(registry, plots):
    row = plots[(plots["status"] == "locked") & plots["decision_id"].notna()].iloc[0]
    d = build_plot_dossier(registry, str(row["code"]))
    decision = registry.get_decision(str(row["decision_id"]))
    assert d.decision["title"] == decision.title and d.decision["status"] == str(decision.status)
