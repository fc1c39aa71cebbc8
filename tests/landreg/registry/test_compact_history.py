"""Compact history: versions store what changed (periodic snapshots), and every past state reads as before."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3

import pytest
import shapely
from shapely.affinity import translate

from landreg.crs import STORAGE_CRS
from landreg.registry import GeoPackageRegistry, history, open_registry
from landreg.registry.cql import parse_filter
from landreg.registry.query import PlotQuery
from landreg.testing import make_plot_frame

#: Fields compared between a stored plot and the state rebuilt by hand.
_FIELDS = ("code", "name", "status", "price_min_nok_m2", "price_max_nok_m2", "availability_note", "valid_to")


def _edit(i: int, plot, *, move: bool) -> dict:
    """The i-th edit: attributes every time, the geometry every third time when ``move``."""
    changes = {
        "name": f"Tomt {i} på Tulluan",
        "price_min_nok_m2": 500.0 + i,
        "price_max_nok_m2": 900.0 + i,
        "availability_note": None if i % 4 == 0 else f"merknad {i}",
        "status": "reserved" if i % 2 else "available",
    }
    if move and i % 3 == 0:
        changes["geometry"] = translate(plot.geometry, xoff=0.5, yoff=0.0)
    return changes


def test_as_of_after_many_edits_equals_the_state_rebuilt_by_hand(registry):
    plot_id, other_id = registry.add_plots(make_plot_frame(2, seed=3), actor="test")
    plot = registry.get_plot(plot_id)
    expected = {f: getattr(plot, f) for f in _FIELDS}
    geometry = plot.geometry
    states = [(plot.updated_at, dict(expected), geometry)]
    for i in range(1, 21):  # past one snapshot interval
        changes = _edit(i, plot, move=True)
        plot = registry.update_plot(plot_id, changes, expected_version=plot.version, actor="editor", crs=STORAGE_CRS)
        expected.update({k: v for k, v in changes.items() if k != "geometry"})  # by hand
        geometry = changes.get("geometry", geometry)
        states.append((plot.updated_at, dict(expected), geometry))
    ended = registry.end_plot(plot_id, expected_version=plot.version, actor="editor", reason="sold")
    states.append((ended.updated_at, {**expected, "valid_to": ended.valid_to}, geometry))

    history_frame = registry.plot_history(plot_id)
    assert list(history_frame["version"]) == list(range(1, 23))
    for version, (when, fields, geom) in enumerate(states, start=1):
        past = registry.get_plot(plot_id, as_of=when)
        assert past.version == version
        assert {f: getattr(past, f) for f in _FIELDS} == fields
        assert shapely.equals_exact(past.geometry, geom, tolerance=1e-6)
        row = history_frame[history_frame["version"] == version].iloc[0]
        assert row["name"] == fields["name"] and row["status"] == fields["status"]
        if 1 < version < len(states):  # what each edit changed, from what to what
            assert row["before"]["name"] == states[version - 2][1]["name"] and row["after"]["name"] == fields["name"]
        assert shapely.equals_exact(row.geometry, geom, tolerance=1e-6)
        # a query as of then: the same state, found by its attributes and by its place
        frame = registry.query_plots(as_of=when, include_ended=True, status=[fields["status"]])
        match = frame[frame["plot_id"] == plot_id]
        assert len(match) == 1 and match.iloc[0]["name"] == fields["name"]
        assert match.iloc[0]["price_max_nok_m2"] == fields["price_max_nok_m2"]
        assert shapely.equals_exact(match.iloc[0].geometry, geom, tolerance=1e-6)
        window = registry.query_plots(as_of=when, include_ended=True, intersects=geom.centroid.buffer(0.1))
        assert list(window["plot_id"]) == [plot_id]
        counted = registry.count_plots(
            PlotQuery(
                as_of=when, include_ended=True, plot_ids=(plot_id,), filter_ast=parse_filter("price_max_nok_m2 > 900")
            )
        )
        assert counted == (1 if (fields["price_max_nok_m2"] or 0) > 900 else 0)
    # the plot never edited reads as it was stored
    assert registry.get_plot(other_id, as_of=states[-1][0]).version == 1


def test_history_rows_store_changes_and_periodic_snapshots(registry):
    (plot_id,) = registry.add_plots(make_plot_frame(1, seed=4), actor="test")
    plot = registry.get_plot(plot_id)
    for i in range(1, 20):
        plot = registry.update_plot(plot_id, {"name": f"navn {i}"}, expected_version=plot.version, actor="t")
    bases = _stored_bases(registry, plot_id)
    every = history.SNAPSHOT_EVERY_VERSIONS
    snapshots = [v for v, base in bases if base is None]
    assert snapshots == [1, 1 + every]  # rebuilding a version reads at most `every` rows
    assert all(base == (1 if v <= every else 1 + every) for v, base in bases if base is not None)
    assert len(bases) == 20


def _stored_bases(registry, plot_id):
    sql = "SELECT version, base_version FROM plot_versions WHERE plot_id = {} ORDER BY version"
    if isinstance(registry, GeoPackageRegistry):
        return registry._conn.execute(sql.format("?"), (plot_id,)).fetchall()
    with registry._connection() as conn:
        return conn.execute(sql.format("%s"), (plot_id,)).fetchall()


def _history_bytes(registry) -> int:
    """Bytes the history takes: the GeoPackage file after VACUUM, or the PostgreSQL table with its TOAST."""
    if isinstance(registry, GeoPackageRegistry):
        registry._conn.execute("VACUUM")
        return os.path.getsize(registry.path)
    with registry._connection() as conn:
        conn.execute("VACUUM FULL plot_versions")
        return int(conn.execute("SELECT pg_total_relation_size('plot_versions')").fetchone()[0])


def _grow(registry, ids, *, edits: int) -> int:
    before = _history_bytes(registry)
    plots = {pid: registry.get_plot(pid) for pid in ids}
    for i in range(1, edits + 1):
        for pid in ids:
            p = plots[pid]
            changes = _edit(i, p, move=i == edits)  # the last edit also moves every plot
            plots[pid] = registry.update_plot(pid, changes, expected_version=p.version, actor="e", crs=STORAGE_CRS)
    return _history_bytes(registry) - before


@pytest.mark.slow
def test_ten_edits_per_plot_grow_the_history_far_less_than_full_snapshots(backend, registry, monkeypatch, request):
    frame = make_plot_frame(40, seed=5)
    compact_ids = registry.add_plots(frame, actor="test")
    compact = _grow(registry, compact_ids, edits=10)
    # the same registry and edits with a full row for every version (what history stored before)
    if backend == "geopackage":
        full_registry = open_registry(registry.path.with_name("full.gpkg"), create=True)
    else:
        from landreg.registry import PostGISRegistry
        from tests.postgis_server import drop_schema, fresh_schema_name

        url, schema = request.getfixturevalue("postgis_url"), fresh_schema_name()
        full_registry = open_registry(url, create=True, schema=schema)
        request.addfinalizer(lambda: drop_schema(url, schema))
        assert isinstance(full_registry, PostGISRegistry)
    with full_registry:
        full_ids = full_registry.add_plots(frame, actor="test")
        monkeypatch.setattr(history, "SNAPSHOT_EVERY_VERSIONS", 1)
        full = _grow(full_registry, full_ids, edits=10)
    assert full > 0 and compact > 0
    assert compact / full < 0.4, f"compact history grew {compact} bytes, full snapshots {full}"


def test_a_registry_written_with_full_history_rows_opens_and_reads(tmp_path):
    """A file from before compact history: its rows are snapshots, its edits go on as deltas."""
    path = tmp_path / "old.gpkg"
    with open_registry(path, create=True) as reg:
        (plot_id,) = reg.add_plots(make_plot_frame(1, seed=6), actor="old")
        first = reg.get_plot(plot_id)
    conn = sqlite3.connect(path)  # the layout of earlier files: no base_version column
    conn.execute("ALTER TABLE plot_versions DROP COLUMN base_version")
    conn.commit()
    conn.close()
    with open_registry(path) as reg:
        plot = reg.update_plot(plot_id, {"name": "Ny"}, expected_version=1, actor="new")
        assert reg.get_plot(plot_id, as_of=first.updated_at).name == first.name
        assert reg.get_plot(plot_id, as_of=plot.updated_at + dt.timedelta(seconds=1)).name == "Ny"
        assert list(reg.plot_history(plot_id)["name"]) == [first.name, "Ny"]


@pytest.mark.db
def test_db_copy_carries_compact_history_both_ways_losslessly(tmp_path, postgis_url):
    from landreg.registry.postgis.copy import copy_gpkg_to_postgis, copy_postgis_to_gpkg, gpkg_checksums
    from tests.postgis_server import drop_schema, fresh_schema_name

    source = open_registry(tmp_path / "source.gpkg", create=True)
    (plot_id,) = source.add_plots(make_plot_frame(1, seed=12), actor="t")
    plot = source.get_plot(plot_id)
    times = [plot.updated_at]
    for i in range(1, 20):
        plot = source.update_plot(
            plot_id, _edit(i, plot, move=True), expected_version=plot.version, actor="e", crs=STORAGE_CRS
        )
        times.append(plot.updated_at)
    schema = fresh_schema_name()
    try:
        with source, open_registry(postgis_url, create=True, schema=schema) as middle:
            copy_gpkg_to_postgis(source, middle)
            back = GeoPackageRegistry.create(tmp_path / "back.gpkg")
            with back:
                copy_postgis_to_gpkg(middle, back)
                assert gpkg_checksums(back) == gpkg_checksums(source)
                for reg in (middle, back):
                    for when in times:
                        mine, theirs = source.get_plot(plot_id, as_of=when), reg.get_plot(plot_id, as_of=when)
                        assert theirs.model_dump() == mine.model_dump()
                    hist = reg.plot_history(plot_id)
                    mine_before = [_parsed(b) for b in source.plot_history(plot_id)["before"]]
                    assert [_parsed(b) for b in hist["before"]] == mine_before
    finally:
        drop_schema(postgis_url, schema)


def _parsed(record):
    """A before/after record with its JSON-text values parsed (PostgreSQL may order a JSON object's keys)."""
    if record is None:
        return None
    return {k: json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v for k, v in record.items()}


@pytest.mark.db
@pytest.mark.parametrize("backend", ["postgis"])
def test_the_history_view_shows_change_rows_whole(registry, postgis_url):
    import psycopg

    (plot_id,) = registry.add_plots(make_plot_frame(1, seed=13), actor="t")
    plot = registry.get_plot(plot_id)
    for i in range(1, 5):
        plot = registry.update_plot(
            plot_id, _edit(i, plot, move=True), expected_version=plot.version, actor="e", crs=STORAGE_CRS
        )
    expected = registry.plot_history(plot_id)
    with psycopg.connect(postgis_url) as conn:
        rows = conn.execute(
            f'SELECT version, name, ST_AsBinary(geom) FROM "{registry.schema}".plot_history '
            "WHERE plot_id = %s ORDER BY version",
            (plot_id,),
        ).fetchall()
    assert [r[1] for r in rows] == expected["name"].tolist()
    for (_, _, wkb), geom in zip(rows, expected.geometry, strict=True):
        assert shapely.equals_exact(shapely.from_wkb(bytes(wkb)), geom, tolerance=1e-6)
