"""The registry on both backends: add, get, update, end, split, merge, history, as_of, queries."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from landreg import (
    PlotEndedError,
    PlotNotFoundError,
    ValidationError,
    VersionConflictError,
    open_registry,
    summarize_registry,
)
from landreg.errors import InvalidGeometryError, RegistryFormatError
from landreg.testing import make_plot_frame


def test_added_plot_reads_back_with_computed_area(loaded, plots):
    reg, ids = loaded
    p = reg.get_plot(ids[0])
    assert p.code == plots.loc[0, "code"]
    assert p.version == 1
    assert p.area_m2 == pytest.approx(plots.geometry.iloc[0].area)
    assert p.area_daa == pytest.approx(p.area_m2 / 1000)
    assert p.municipality_name == "Trondheim - Tråante"
    assert p.geometry.geom_type == "MultiPolygon"
    assert p.valid_from is not None and p.valid_to is None


def test_area_from_input_is_ignored(registry):
    frame = make_plot_frame(1)
    frame["area_m2"] = 1.0  # a wrong area in the input
    (pid,) = registry.add_plots(frame, actor="t")
    assert registry.get_plot(pid).area_m2 == pytest.approx(frame.geometry.iloc[0].area)


def test_input_in_another_crs_is_transformed(registry):
    frame = make_plot_frame(1).to_crs(4326)
    (pid,) = registry.add_plots(frame, actor="t")
    stored = registry.get_plot(pid).geometry
    assert shapely.equals_exact(stored, shapely.MultiPolygon([make_plot_frame(1).geometry.iloc[0]]), tolerance=1e-3)


def test_update_writes_a_new_version_and_history(loaded):
    reg, ids = loaded
    before = reg.get_plot(ids[0])
    after = reg.update_plot(
        ids[0],
        {"status": "reserved", "price_min_nok_m2": 100.0, "price_max_nok_m2": 200.0},
        expected_version=1,
        actor="kari",
    )
    assert after.version == 2 and after.status == "reserved"
    hist = reg.plot_history(ids[0])
    assert list(hist["version"]) == [1, 2]
    assert list(hist["op"]) == ["add", "update"]
    last = hist.iloc[-1]
    assert last["actor"] == "kari"
    # the edit also records who set the changed fields (provenance) and that the plot was verified today
    changed = {"status", "price_min_nok_m2", "price_max_nok_m2", "provenance", "last_verified"}
    assert set(last["changed_fields"]) == changed
    assert last["before"]["status"] == before.status
    assert last["after"]["status"] == "reserved"
    assert hist.iloc[0]["superseded_at"] == last["recorded_at"]


def test_update_without_change_writes_nothing(loaded):
    reg, ids = loaded
    p = reg.get_plot(ids[0])
    same = reg.update_plot(ids[0], {"status": p.status}, expected_version=1, actor="t")
    assert same.version == 1
    assert len(reg.plot_history(ids[0])) == 1


def test_stale_version_conflicts_and_changes_nothing(loaded):
    reg, ids = loaded
    reg.update_plot(ids[0], {"name": "A"}, expected_version=1, actor="a")
    with pytest.raises(VersionConflictError) as info:
        reg.update_plot(ids[0], {"name": "B"}, expected_version=1, actor="b")
    assert info.value.current_version == 2
    assert reg.get_plot(ids[0]).name == "A"
    assert len(reg.plot_history(ids[0])) == 2


def test_geometry_update_recomputes_area(loaded):
    reg, ids = loaded
    p = reg.get_plot(ids[0])
    bigger = p.geometry.buffer(5, join_style="mitre")
    q = reg.update_plot(ids[0], {"geometry": bigger}, expected_version=1, actor="t", crs=25832)
    assert q.area_m2 == pytest.approx(bigger.area)
    assert "geometry" in reg.plot_history(ids[0]).iloc[-1]["changed_fields"]


def test_managed_fields_cannot_be_set(loaded):
    reg, ids = loaded
    with pytest.raises(ValidationError, match="managed by the registry"):
        reg.update_plot(ids[0], {"area_m2": 5.0}, expected_version=1, actor="t")


def test_end_keeps_the_plot(loaded):
    reg, ids = loaded
    ended = reg.end_plot(ids[0], expected_version=1, actor="t", reason="sold and built")
    assert ended.valid_to is not None and ended.version == 2
    assert ids[0] not in set(reg.query_plots()["plot_id"])
    assert ids[0] in set(reg.query_plots(include_ended=True)["plot_id"])
    assert reg.plot_history(ids[0]).iloc[-1]["note"] == "sold and built"
    with pytest.raises(PlotEndedError):
        reg.update_plot(ids[0], {"name": "x"}, expected_version=2, actor="t")


def test_as_of_reads_the_past(loaded):
    reg, ids = loaded
    t0 = reg.get_plot(ids[0]).updated_at
    time.sleep(0.01)
    reg.update_plot(ids[0], {"status": "sold"}, expected_version=1, actor="t")
    t1 = reg.get_plot(ids[0]).updated_at
    reg.end_plot(ids[1], expected_version=1, actor="t")
    assert reg.get_plot(ids[0], as_of=t0).status != "sold" or reg.get_plot(ids[0], as_of=t0).version == 1
    assert reg.get_plot(ids[0], as_of=t0).version == 1
    assert reg.get_plot(ids[0], as_of=t1).status == "sold"
    past = reg.query_plots(as_of=t0)
    assert len(past) == 9 and set(past["version"]) == {1}
    assert len(reg.query_plots()) == 8
    assert len(reg.query_plots(as_of=t1)) == 9
    before_anything = t0 - dt.timedelta(seconds=10)
    assert len(reg.query_plots(as_of=before_anything)) == 0
    with pytest.raises(PlotNotFoundError):
        reg.get_plot(ids[0], as_of=before_anything)


def test_split_by_line_records_lineage(registry):
    frame = make_plot_frame(1)
    frame.loc[0, "geometry"] = shapely.box(566000, 7020000, 566200, 7020100)
    (pid,) = registry.add_plots(frame, actor="t")
    kids = registry.split_plot(
        pid, expected_version=1, actor="t", blade=shapely.LineString([(566050, 7019000), (566050, 7021000)]), crs=25832
    )
    assert sorted(round(k.area_m2) for k in kids) == [5000, 15000]
    assert all(k.previously_part_of == [pid] for k in kids)
    assert [k.code for k in kids] == [f"{frame.loc[0, 'code']}-1", f"{frame.loc[0, 'code']}-2"]
    parent = registry.get_plot(pid)
    assert parent.valid_to is not None
    assert registry.plot_history(pid).iloc[-1]["op"] == "split"
    assert registry.plot_history(kids[0].plot_id).iloc[0]["op"] == "split"


def test_split_into_parts_must_tile_the_plot(registry):
    frame = make_plot_frame(1)
    frame.loc[0, "geometry"] = shapely.box(566000, 7020000, 566200, 7020100)
    (pid,) = registry.add_plots(frame, actor="t")
    with pytest.raises(InvalidGeometryError, match="not covered"):
        registry.split_plot(
            pid,
            expected_version=1,
            actor="t",
            crs=25832,
            parts=[shapely.box(566000, 7020000, 566100, 7020100), shapely.box(566100, 7020000, 566150, 7020100)],
        )
    assert registry.get_plot(pid).valid_to is None  # nothing changed
    kids = registry.split_plot(
        pid,
        expected_version=1,
        actor="t",
        crs=25832,
        codes=["A-1", "A-2"],
        parts=[shapely.box(566000, 7020000, 566100, 7020100), shapely.box(566100, 7020000, 566200, 7020100)],
    )
    assert [k.code for k in kids] == ["A-1", "A-2"]


def test_merge_touching_plots(registry):
    frame = make_plot_frame(2, columns=2)
    frame.loc[0, "geometry"] = shapely.box(566000, 7020000, 566100, 7020100)
    frame.loc[1, "geometry"] = shapely.box(566100, 7020000, 566200, 7020100)
    ids = registry.add_plots(frame, actor="t")
    merged = registry.merge_plots(ids, expected_versions=dict.fromkeys(ids, 1), actor="t", code="M-1")
    assert merged.area_m2 == pytest.approx(20000)
    assert merged.previously_part_of == ids
    assert merged.geometry.geom_type == "MultiPolygon" and len(merged.geometry.geoms) == 1
    assert all(registry.get_plot(i).valid_to is not None for i in ids)


def test_merge_rejects_separate_plots(registry):
    frame = make_plot_frame(2, columns=2, cell_m=300)
    ids = registry.add_plots(frame, actor="t")
    with pytest.raises(InvalidGeometryError, match="contiguous"):
        registry.merge_plots(ids, expected_versions=dict.fromkeys(ids, 1), actor="t")
    assert all(registry.get_plot(i).valid_to is None for i in ids)


def test_merge_checks_every_version(registry):
    frame = make_plot_frame(2, columns=2)
    frame.loc[1, "geometry"] = shapely.box(566100, 7020000, 566200, 7020100)
    frame.loc[0, "geometry"] = shapely.box(566000, 7020000, 566100, 7020100)
    ids = registry.add_plots(frame, actor="t")
    registry.update_plot(ids[1], {"name": "changed"}, expected_version=1, actor="other")
    with pytest.raises(VersionConflictError):
        registry.merge_plots(ids, expected_versions=dict.fromkeys(ids, 1), actor="t")
    assert registry.count_plots() == 2


def test_code_is_unique_among_live_plots_and_ids_never_reused(loaded, plots):
    reg, ids = loaded
    again = plots.iloc[[0]].copy()
    again["geometry"] = shapely.box(500500, 6950000, 500600, 6950100)
    with pytest.raises(ValidationError, match="already used by a live plot"):
        reg.add_plots(again, actor="t")
    reg.end_plot(ids[0], expected_version=1, actor="t")
    again["plot_id"] = ids[0]
    with pytest.raises(ValidationError, match="never reused"):
        reg.add_plots(again, actor="t")
    again = again.drop(columns="plot_id")
    (new_id,) = reg.add_plots(again, actor="t")  # the code is free again once the plot ended
    assert new_id != ids[0]


def test_query_by_attributes(registry):
    frame = make_plot_frame(60, seed=3, municipality_no=None)
    registry.add_plots(frame, actor="t")
    got = registry.query_plots(
        status="available,reserved", municipality_no=["5001", "5028"], min_area_m2=3000, max_price_nok_m2=2000
    )
    expect = frame[
        frame.status.isin(["available", "reserved"])
        & frame.municipality_no.isin(["5001", "5028"])
        & (frame.area >= 3000)
        & (frame.price_min_nok_m2 <= 2000)
    ]
    assert sorted(got["code"]) == sorted(expect["code"])
    assert len(got) > 0
    assert registry.count_plots(zoning="office") == int((frame.zoning == "office").sum())


def test_bbox_query_equals_geopandas_and_uses_rtree(registry):
    frame = make_plot_frame(400, seed=4)
    registry.add_plots(frame, actor="t")
    box = (566_350.0, 7_020_250.0, 567_020.0, 7_020_730.0)
    got = registry.query_plots(bbox=box)
    expect = frame[frame.intersects(shapely.box(*box))]
    assert sorted(got["code"]) == sorted(expect["code"])
    from landreg.registry.query import PlotQuery

    if registry.backend == "postgis":  # the window runs in the database, through the GiST index
        with registry._connection() as conn:
            conn.execute("ANALYZE plots")
        assert "plots_geom_idx" in registry.explain_query(PlotQuery.build(bbox=box))
        return
    sql, params = registry._query_sql(PlotQuery.build(bbox=box), select="fid")
    plan = " ".join(str(r) for r in registry._conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "rtree_plots_geom" in plan and "VIRTUAL TABLE INDEX" in plan


def test_paging_is_stable_and_complete(registry):
    registry.add_plots(make_plot_frame(95, seed=5), actor="t")
    pages = [registry.query_plots(limit=20, offset=o) for o in range(0, 100, 20)]
    codes = [c for p in pages for c in p["code"]]
    assert len(codes) == 95 and len(set(codes)) == 95


def test_price_history(loaded):
    reg, ids = loaded
    reg.add_price_observations(
        ids[0],
        [
            {"observed_on": "2015-01-01", "kind": "asking", "price_nok_m2": 900, "basis": "serviced", "source": "x"},
            {"observed_on": "2020-06-01", "kind": "transaction", "price_nok_m2": 1100, "basis": "serviced"},
        ],
        actor="t",
    )
    hist = reg.price_history(ids[0])
    assert list(hist["price_nok_m2"]) == [900, 1100]
    with pytest.raises(PlotNotFoundError):
        reg.add_price_observations("nope", [], actor="t")


@pytest.mark.parametrize("backend", ["geopackage"])
def test_file_is_a_standard_geopackage(loaded, registry_path):
    _, ids = loaded
    conn = sqlite3.connect(registry_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 10300
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    layers = dict(pyogrio.list_layers(registry_path))
    assert layers["plots"] == "MultiPolygon"
    via_gdal = gpd.read_file(registry_path, layer="plots")
    assert sorted(via_gdal["plot_id"]) == sorted(ids)
    assert via_gdal.crs.to_epsg() == 25832
    info = pyogrio.read_info(registry_path, layer="plots")
    assert info["features"] == 9


def test_summary(loaded, plots):
    reg, _ = loaded
    s = summarize_registry(reg)
    assert s.n_live == 9
    assert s.area_daa == pytest.approx(plots.area.sum() / 1000)
    assert sum(n for n, _ in s.by_status.values()) == 9
    assert "daa" in s.to_text()


def test_open_rejects_other_files(tmp_path):
    other = tmp_path / "other.gpkg"
    make_plot_frame(2).to_file(other)
    with pytest.raises(RegistryFormatError):
        open_registry(other)
    with pytest.raises(FileNotFoundError):
        open_registry(tmp_path / "missing.gpkg")


def test_history_of_an_add_shows_the_added_values(loaded, plots):
    reg, ids = loaded
    first = reg.plot_history(ids[0]).iloc[0]
    assert first["op"] == "add" and first["before"] is None
    assert first["after"]["code"] == plots.loc[0, "code"]
    assert first["after"]["utilities"] == '["water","sewer","power"]'
    assert "status" in first["changed_fields"]


def test_validity_queries(loaded):
    reg, ids = loaded
    ended = reg.end_plot(ids[0], expected_version=1, actor="t")
    before_end = ended.valid_to - dt.timedelta(milliseconds=1)
    after_end = ended.valid_to + dt.timedelta(seconds=1)
    assert ids[0] in set(reg.query_plots(valid_at=before_end)["plot_id"])
    assert ids[0] not in set(reg.query_plots(valid_at=after_end)["plot_id"])
    assert ids[0] in set(reg.query_plots(valid_during=(before_end, None))["plot_id"])
    assert ids[0] not in set(reg.query_plots(valid_during=(after_end, None))["plot_id"])


def test_cql2_filter_equals_the_same_query_in_geopandas(registry):
    from landreg.registry import PlotQuery
    from landreg.registry.cql import parse_filter

    frame = make_plot_frame(300, seed=8)
    registry.add_plots(frame, actor="t")
    area = shapely.box(566_300, 7_020_300, 567_200, 7_021_100)
    text = (
        "status IN ('available','sold') AND area_m2 BETWEEN 3000 AND 7000 AND code LIKE 'T-0001%' "
        f"AND S_INTERSECTS(geometry, {area.wkt}) AND NOT requires_new_road = true"
    )
    got = registry.query_plots(PlotQuery(filter_ast=parse_filter(text), filter_crs="EPSG:25832"))
    want = frame[
        frame.status.isin(["available", "sold"])
        & frame.area.between(3000, 7000)
        & frame.code.str.startswith("T-0001")
        & frame.intersects(area)
        & ~frame.requires_new_road
    ]
    assert sorted(got["code"]) == sorted(want["code"]) and len(want) > 0
    as_json = {
        "op": "and",
        "args": [
            {"op": "in", "args": [{"property": "status"}, ["available", "sold"]]},
            {"op": "s_intersects", "args": [{"property": "geometry"}, shapely.geometry.mapping(area)]},
        ],
    }
    got = registry.query_plots(PlotQuery(filter_ast=parse_filter(as_json, lang="cql2-json"), filter_crs="EPSG:25832"))
    want = frame[frame.status.isin(["available", "sold"]) & frame.intersects(area)]
    assert sorted(got["code"]) == sorted(want["code"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status = = 'x'", "line 1, column"),
        ("colour = 'red'", "unknown queryable 'colour'"),
        ("area_m2 > 'big'", "is a number"),
        ("status > 3", "is a string"),
    ],
)
def test_bad_cql2_filters_say_what_is_wrong(registry, text, message):
    from landreg.registry import PlotQuery
    from landreg.registry.cql import FilterError, parse_filter

    with pytest.raises(FilterError, match=message):
        registry.query_plots(PlotQuery(filter_ast=parse_filter(text)))


@pytest.mark.parametrize("value", [None, float("nan"), np.float64("nan"), pd.NA, pd.NaT])
def test_one_missing_value_test_serves_plot_reads_and_price_writes(value):
    from landreg.registry import codec, prices, reads

    assert codec.is_missing(value)
    assert not codec.is_missing(0.0) and not codec.is_missing("")
    assert reads.is_missing is prices.is_missing is codec.is_missing
