"""Edits cost what they change: the layer extent grows incrementally, counts are reused while nothing changed."""

from __future__ import annotations

import pytest
from shapely.affinity import translate
from shapely.geometry import box

from landreg.crs import STORAGE_CRS
from landreg.registry import open_registry
from landreg.registry.query import PlotQuery
from landreg.testing import make_plot_frame


def _scanned_extent(registry):
    """The extent a full scan of the plots' R-tree gives (what GeoPackage readers expect)."""
    row = registry._conn.execute('SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_plots_geom"').fetchone()
    return tuple(row)


@pytest.mark.parametrize("backend", ["geopackage"])
def test_an_edit_keeps_the_extent_exact_without_scanning_the_spatial_index(registry):
    ids = registry.add_plots(make_plot_frame(25, seed=7), actor="test")
    assert registry.plots_extent() == _scanned_extent(registry)
    statements: list[str] = []
    registry._conn.set_trace_callback(statements.append)
    plots = {pid: registry.get_plot(pid) for pid in ids}
    minx, miny, maxx, maxy = registry.plots_extent()
    center = box(minx, miny, maxx, maxy).centroid
    inner = min(ids, key=lambda pid: plots[pid].geometry.centroid.distance(center))
    moved = registry.update_plot(
        inner,
        {"geometry": translate(plots[inner].geometry, xoff=0.4)},
        expected_version=1,
        actor="t",
        crs=STORAGE_CRS,
    )
    assert moved.version == 2
    scans = [s for s in statements if "rtree_plots_geom" in s and "min(minx)" in s.replace(" ", "")]
    assert scans == [], "an edit inside the extent scanned the spatial index"
    registry._conn.set_trace_callback(None)
    assert registry.plots_extent() == _scanned_extent(registry)

    # the plot on the eastern edge moves out (the extent grows), then back in (it shrinks again)
    east = max(ids, key=lambda pid: plots[pid].geometry.bounds[2])
    out = registry.update_plot(
        east, {"geometry": translate(plots[east].geometry, xoff=250.0)}, expected_version=1, actor="t", crs=STORAGE_CRS
    )
    assert registry.plots_extent() == _scanned_extent(registry)
    registry.update_plot(
        east, {"geometry": plots[east].geometry}, expected_version=out.version, actor="t", crs=STORAGE_CRS
    )
    assert registry.plots_extent() == _scanned_extent(registry)
    # a new plot far to the north grows it too
    far = make_plot_frame(1, seed=8, origin=(plots[east].geometry.bounds[0], registry.plots_extent()[3] + 500.0))
    far["code"] = ["FAR-1"]
    registry.add_plots(far, actor="t")
    assert registry.plots_extent() == _scanned_extent(registry)


@pytest.mark.parametrize("backend", ["geopackage"])
def test_a_rolled_back_edit_leaves_the_extent_as_it_was(registry):
    (pid,) = registry.add_plots(make_plot_frame(1, seed=9), actor="test")
    plot = registry.get_plot(pid)
    before = registry.plots_extent()
    with pytest.raises(RuntimeError), registry.transaction():
        registry.update_plot(
            pid, {"geometry": translate(plot.geometry, xoff=300.0)}, expected_version=1, actor="t", crs=STORAGE_CRS
        )
        raise RuntimeError("undo")
    registry.update_plot(pid, {"name": "bare navnet"}, expected_version=1, actor="t")
    assert registry.plots_extent() == before == _scanned_extent(registry)


def test_number_matched_is_counted_once_while_nothing_changes(registry, backend, request):
    registry.add_plots(make_plot_frame(30, seed=10), actor="test")
    page = PlotQuery(limit=5)
    first = registry.query_records(page)
    assert first.number_matched == 30
    hits = registry._counts.hits
    following = registry.query_records(PlotQuery(limit=5, after_fid=first.next_after_fid))
    filtered = [registry.count_plots(status=["available", "reserved"]) for _ in range(2)]
    assert following.number_matched == 30 and filtered[0] == filtered[1]
    assert registry._counts.hits >= hits + 2  # the second page and the repeated filter were not counted again
    # a plot added by another writer (another connection) is counted at once
    other = open_registry(registry.path) if backend == "geopackage" else _same_postgis_registry(registry)
    with other:
        (new_id,) = other.add_plots(
            make_plot_frame(1, seed=11, prefix="X", origin=(575_000.0, 7_020_000.0)), actor="other"
        )
    assert registry.query_records(page).number_matched == 31
    added = 1 if registry.get_plot(new_id).status in ("available", "reserved") else 0
    assert registry.count_plots(status=["available", "reserved"]) == filtered[0] + added


def _same_postgis_registry(registry):
    return open_registry(registry.url, schema=registry.schema)


@pytest.mark.parametrize("backend", ["geopackage"])
def test_an_edit_on_the_extent_edge_reads_the_spatial_index_near_the_edge_only(registry):
    ids = registry.add_plots(make_plot_frame(36, seed=12), actor="test")
    plots = {pid: registry.get_plot(pid) for pid in ids}
    west = min(ids, key=lambda pid: plots[pid].geometry.bounds[0])
    statements: list[str] = []
    registry._conn.set_trace_callback(statements.append)
    registry.update_plot(
        west, {"geometry": translate(plots[west].geometry, xoff=3.0)}, expected_version=1, actor="t", crs=STORAGE_CRS
    )
    registry._conn.set_trace_callback(None)
    assert registry.plots_extent() == _scanned_extent(registry)  # the western edge moved in by the next plot
    reads = [s for s in statements if "rtree_plots_geom" in s and s.lstrip().upper().startswith("SELECT")]
    extent_reads = [s for s in reads if "min(" in s.replace(" ", "") or "max(" in s.replace(" ", "")]
    assert extent_reads, "the extent was not refreshed from the spatial index"
    assert all("WHERE" in s.upper() for s in extent_reads), "an edit on the edge scanned the whole spatial index"
