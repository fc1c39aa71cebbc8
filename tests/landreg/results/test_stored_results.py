"""Scores and supply kept in the registry equal a computation from scratch after every kind of edit (both backends)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import shapely

from landreg import analysis
from landreg.registry import open_registry
from landreg.results import refresh_results
from landreg.results.store import NAMES, ResultsTable
from landreg.scoring import score_plots
from landreg.supply import effective_supply
from tests.postgis_server import drop_schema, fresh_schema_name


@pytest.fixture(params=["geopackage", pytest.param("postgis", marks=pytest.mark.db)])
def backend(request) -> str:
    """The registry backend a test runs on."""
    return request.param


@pytest.fixture
def demo(backend, demo_registry_file, tmp_path, request):
    """The enriched demonstration registry on ``backend`` (a copy)."""
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    if backend == "geopackage":
        with open_registry(path) as reg:
            yield reg
        return
    from landreg.registry.postgis.copy import copy_gpkg_to_postgis

    url = request.getfixturevalue("postgis_url")
    schema = fresh_schema_name()
    try:
        with open_registry(path) as src, open_registry(url, create=True, schema=schema) as reg:
            copy_gpkg_to_postgis(src, reg)
            yield reg
    finally:
        drop_schema(url, schema)


def _from_scratch(registry, profile: str = "general"):
    plots = analysis.load_enriched_plots(registry)
    context = analysis.build_registry_scoring_context(registry, profile=profile, plots=plots)
    scores = score_plots(plots, profile=profile, context=context)
    return scores, effective_supply(plots, scores=scores)


def _assert_stored_equal_fresh(registry, profile: str = "general") -> None:
    from landreg.results import stored_supply

    stored = stored_supply(registry, profile=profile, uptake_by_municipality={"5001": 50.0}, with_plots=True)
    assert analysis.compute_registry_supply(registry, profile=profile).to_dict()["region"] == pytest.approx(
        stored.to_dict()["region"], rel=1e-12, nan_ok=True
    )
    scores, fresh = _from_scratch(registry, profile)
    fresh = effective_supply(
        scores.frame, scores=scores, profile=profile, uptake_by_municipality={"5001": 50.0}
    )  # same inputs, with the uptake
    pd.testing.assert_frame_equal(stored.municipalities, fresh.municipalities, check_dtype=False, rtol=1e-9)
    pd.testing.assert_frame_equal(stored.areas, fresh.areas, check_dtype=False, rtol=1e-9)
    assert stored.region == pytest.approx(fresh.region, rel=1e-9, nan_ok=True)
    assert stored.profile == fresh.profile
    plots = fresh.plots.sort_values("plot_id").reset_index(drop=True)
    mine = stored.plots.sort_values("plot_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(mine[list(plots.columns)], plots, check_dtype=False, rtol=1e-9)
    rows = pd.DataFrame(ResultsTable(registry).rows(profile, NAMES), columns=NAMES).set_index("plot_id")
    frame = scores.frame.set_index(scores.frame["plot_id"].astype(str))
    assert sorted(rows.index) == sorted(frame.index)
    pd.testing.assert_series_equal(
        rows["score"].astype(float).sort_index(), frame["score"].sort_index(), check_names=False, rtol=1e-9
    )


def test_stored_supply_follows_edits_rescoring_only_what_they_reach(demo):
    assert refresh_results(demo)["mode"] == "full"
    assert refresh_results(demo) == {"mode": "current", "plots": 0}
    _assert_stored_equal_fresh(demo)
    plots = demo.query_plots(status=("available",))
    plots = plots[plots["occupants"].map(lambda o: not o)]
    first, second = plots.iloc[0], plots.iloc[1]
    # an attribute edit: only that plot is rescored
    demo.update_plot(first["plot_id"], {"status": "sold"}, expected_version=int(first["version"]), actor="test")
    assert refresh_results(demo) == {"mode": "incremental", "plots": 1}
    _assert_stored_equal_fresh(demo)
    # a geometry edit: the plot loses its enrichment (stale) and its block of supply plots changes
    geom = shapely.affinity.translate(second.geometry, xoff=3.0)
    demo.update_plot(
        second["plot_id"], {"geometry": geom}, expected_version=int(second["version"]), actor="test", crs="EPSG:25832"
    )
    _assert_stored_equal_fresh(demo)
    # an ended plot leaves the stored results
    third = demo.get_plot(plots.iloc[2]["plot_id"])
    demo.end_plot(third.plot_id, expected_version=third.version, actor="test")
    _assert_stored_equal_fresh(demo)
    assert ResultsTable(demo).rows("general", ["plot_id"], plot_ids=[third.plot_id]) == []


def test_an_edit_of_a_plot_with_firms_rescores_everything(demo):
    refresh_results(demo, profile="logistics")
    plots = demo.query_plots()
    holder = plots[plots["occupants"].map(lambda o: bool(o))].iloc[0]
    demo.update_plot(holder["plot_id"], {"occupants": []}, expected_version=int(holder["version"]), actor="test")
    assert refresh_results(demo, profile="logistics")["mode"] == "full"
    _assert_stored_equal_fresh(demo, "logistics")


def test_geopackage_results_are_not_a_gis_layer(demo_registry_file, tmp_path):
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    with open_registry(path) as reg:
        refresh_results(reg)
        listed = reg.read_row("SELECT count(*) FROM gpkg_contents WHERE table_name LIKE 'analysis_results%'")
        stored = reg.read_row("SELECT count(*) FROM analysis_results")
    assert listed == (0,)
    assert stored is not None and stored[0] > 0


def test_scores_read_a_page_at_a_time_equal_scores_of_the_whole_registry(demo):
    from landreg.results import score_registry_in_pages

    plots = demo.query_plots(status=("available",))
    row = plots.iloc[0]
    demo.update_plot(row["plot_id"], {"price_min_nok_m2": 123.0}, expected_version=int(row["version"]), actor="t")
    whole, _ = _from_scratch(demo, "logistics")
    statuses = ["available", "planned", "locked"]
    expected = whole.frame[whole.frame["status"].isin(statuses)].copy()
    from landreg.scoring.score import assign_ranks

    assign_ranks(expected)
    paged = score_registry_in_pages(demo, profile="logistics", statuses=statuses, page_size=97)
    assert list(paged.frame.columns) == list(expected.columns)
    assert list(paged.frame.index) == list(expected.index)
    pd.testing.assert_frame_equal(
        pd.DataFrame(paged.frame.drop(columns="geometry")),
        pd.DataFrame(expected.drop(columns="geometry")),
        check_dtype=False,
    )
    assert paged.frame.geometry.geom_equals_exact(expected.geometry, tolerance=0).all()
    assert paged.not_applicable == whole.not_applicable
    assert analysis.score_registry(demo, profile="logistics").to_dict() == paged.to_dict()
    refresh_results(demo, profile="general")  # current kept results: their firms and criteria are used
    again = score_registry_in_pages(demo, profile="logistics", statuses=statuses, page_size=97)
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.frame.drop(columns="geometry")),
        pd.DataFrame(paged.frame.drop(columns="geometry")),
        check_dtype=False,
    )


def test_a_block_split_and_a_re_enrichment_are_followed_incrementally(demo):
    refresh_results(demo)
    supply = analysis.compute_registry_supply(demo).plots
    in_blocks = supply[(supply["block_area_daa"] > supply["area_daa"] + 1e-9) & supply["in_supply"]]
    plots = demo.query_plots(plot_ids=tuple(in_blocks["plot_id"]))
    middle = plots[plots["occupants"].map(lambda o: not o)].iloc[0]
    demo.update_plot(middle["plot_id"], {"status": "sold"}, expected_version=int(middle["version"]), actor="test")
    assert refresh_results(demo)["mode"] == "incremental"
    _assert_stored_equal_fresh(demo)  # its block's other plots have a smaller block now
    # the edited plot is enriched again for its new version (as the service does after an edit)
    row = demo.load_enrichment([middle["plot_id"]]).drop(columns=["computed_at"])
    row["plot_version"] = demo.get_plot(middle["plot_id"]).version
    row["slope_mean_deg"] = 40.0  # a different derived value, so its score changes
    demo.save_enrichment(row)
    assert refresh_results(demo) == {"mode": "incremental", "plots": 1}
    _assert_stored_equal_fresh(demo)
