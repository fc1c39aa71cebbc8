"""Vector tiles of plots and business areas: the features of a bbox query, simplified per zoom, cached until an edit;
plots too small to see are points, and a tile over the feature budget counts its plots per grid cell."""

from __future__ import annotations

import threading
from collections import Counter

import geopandas as gpd
import mapbox_vector_tile
import morecantile
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from landreg.errors import EntityNotFoundError
from landreg.registry import PlotQuery
from landreg.testing import make_plot_frame
from landreg.tiles import TILE_EXTENT, TileCache, render_tile, tile_address
from landreg.tiles.grid import POINT_BELOW_AREA_UNITS2, TILE_BUFFER, aggregate_cell_m

TMS = morecantile.tms.get("WebMercatorQuad")
TO_LONLAT = Transformer.from_crs(25832, 4326, always_xy=True)
FROM_3857 = Transformer.from_crs(3857, 25832, always_xy=True)


def _decode(tile: bytes) -> dict:
    return mapbox_vector_tile.decode(tile, default_options={"y_coord_down": False})


def _to_3857(geometry, tile) -> shapely.Geometry:
    """A decoded tile geometry (tile units) back in EPSG:3857 metres."""
    minx, miny, _, _ = tile.bounds_3857
    return shapely.transform(shapely.geometry.shape(geometry), lambda xy: xy * tile.unit_m + (minx, miny))


def _tiles_over(registry, z: int) -> set[tuple[int, int]]:
    lon0, lat0, lon1, lat1 = TO_LONLAT.transform_bounds(*registry.plots_extent())
    return {(t.x, t.y) for t in TMS.tiles(lon0, lat0, lon1, lat1, [z])}


@pytest.fixture
def grid(registry):
    """Thirty-six plots on a 100 m grid; returns (registry, plots as stored, in EPSG:3857)."""
    registry.add_plots(make_plot_frame(36, seed=7), actor="fixture")
    return registry, registry.query_plots().to_crs(3857)


def test_tile_holds_the_plots_of_its_bbox_with_their_attributes(grid):
    registry, stored = grid
    z = 16
    seen: set[str] = set()
    tiles = _tiles_over(registry, z)
    assert len(tiles) > 1  # the plots span several tiles: clipping at tile edges is exercised
    for x, y in tiles:
        tile = tile_address(z, x=x, y=y)
        decoded = _decode(render_tile(registry, "plots", z=z, x=x, y=y))
        features = decoded["plots"]["features"] if decoded else []
        assert decoded == {} or decoded["plots"]["extent"] == TILE_EXTENT
        pad = TILE_BUFFER * tile.unit_m
        minx, miny, maxx, maxy = tile.bounds_3857
        expected = stored[stored.intersects(shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad))]
        # Pieces clearly above a pixel must be there; slivers that vanish on the integer grid may go either way.
        piece_units2 = shapely.area(shapely.clip_by_rect(expected.geometry.values, *tile.buffered_bounds_3857))
        piece_units2 = piece_units2 / tile.unit_m**2
        got = {f["properties"]["plot_id"] for f in features}
        assert set(expected["plot_id"][piece_units2 >= 2 * POINT_BELOW_AREA_UNITS2]) <= got <= set(expected["plot_id"])
        by_id = expected.set_index("plot_id")
        for f in features:
            row = by_id.loc[f["properties"]["plot_id"]]
            props = f["properties"]
            assert (props["code"], props["status"], props["zoning"]) == (row["code"], row["status"], row["zoning"])
            assert props["area_daa"] == pytest.approx(row["area_m2"] / 1000, abs=1e-3)
            assert ("price_class" in props) == (not np.isnan(row["price_min_nok_m2"]))
        seen |= {f["properties"]["plot_id"] for f in features}
    assert seen == set(stored["plot_id"])


def test_plot_outline_stays_within_the_zoom_tolerance_and_loses_vertices(registry):
    frame = make_plot_frame(1, seed=3)
    centre = frame.geometry.iloc[0].centroid
    frame = frame.set_geometry([centre.buffer(80.0, quad_segs=64)], crs=25832)
    registry.add_plots(frame, actor="fixture")
    original = registry.query_plots().to_crs(3857).geometry.iloc[0]
    vertices = {}
    for z in (12, 17):
        lon, lat = TO_LONLAT.transform(centre.x, centre.y)
        t = TMS.tile(lon, lat, z)
        tile = tile_address(z, x=t.x, y=t.y)
        (feature,) = _decode(render_tile(registry, "plots", z=z, x=t.x, y=t.y))["plots"]["features"]
        drawn = _to_3857(feature["geometry"], tile)
        clipped = shapely.clip_by_rect(original, *tile.buffered_bounds_3857)
        # simplification (1 unit) plus rounding to the integer grid (half a unit diagonal)
        assert shapely.hausdorff_distance(drawn, clipped) <= 2.0 * tile.unit_m
        vertices[z] = shapely.get_num_coordinates(drawn)
    assert vertices[12] < vertices[17] <= shapely.get_num_coordinates(original)


def test_empty_and_impossible_tiles(grid):
    registry, _ = grid
    assert render_tile(registry, "plots", z=10, x=0, y=0) == b""  # the far north-west Pacific
    with pytest.raises(EntityNotFoundError, match="from 0 to 24"):
        render_tile(registry, "plots", z=25, x=0, y=0)
    with pytest.raises(EntityNotFoundError, match="from 0 to 3"):
        render_tile(registry, "plots", z=2, x=4, y=0)
    with pytest.raises(EntityNotFoundError, match="plots, business_areas"):
        render_tile(registry, "roads", z=2, x=1, y=1)


def test_ended_plots_leave_the_tiles(grid):
    registry, stored = grid
    gone = registry.query_plots(PlotQuery(limit=1)).iloc[0]
    registry.end_plot(gone["plot_id"], expected_version=int(gone["version"]), actor="test")
    z = 15
    ids = set()
    for x, y in _tiles_over(registry, z):
        decoded = _decode(render_tile(registry, "plots", z=z, x=x, y=y))
        ids |= {f["properties"]["plot_id"] for f in decoded.get("plots", {}).get("features", [])}
    assert ids == set(stored["plot_id"]) - {gone["plot_id"]}


def test_cache_serves_repeats_and_an_edit_invalidates_it(grid):
    registry, _ = grid
    plot = registry.query_plots(PlotQuery(limit=1)).iloc[0]
    lon, lat = TO_LONLAT.transform(*shapely.centroid(plot.geometry).coords[0])
    t = TMS.tile(lon, lat, 16)
    cache = TileCache()

    def status_in_tile() -> str:
        decoded = _decode(render_tile(registry, "plots", z=16, x=t.x, y=t.y, cache=cache))
        (status,) = [
            f["properties"]["status"]
            for f in decoded["plots"]["features"]
            if f["properties"]["plot_id"] == plot["plot_id"]
        ]
        return status

    before = status_in_tile()
    assert status_in_tile() == before and cache.hits == 1
    new_status = "sold" if before != "sold" else "available"
    registry.update_plot(plot["plot_id"], {"status": new_status}, expected_version=int(plot["version"]), actor="test")
    assert status_in_tile() == new_status
    assert cache.misses == 2


def test_business_areas_tile(registry):
    areas = gpd.GeoDataFrame(
        {"area_id": ["torgard"], "name": ["Torgård"], "municipality_no": ["5001"], "area_type": ["logistics"]},
        geometry=[shapely.box(566000, 7020000, 567000, 7021000)],
        crs=25832,
    )
    registry.save_business_areas(areas)
    lon, lat = TO_LONLAT.transform(566500, 7020500)
    t = TMS.tile(lon, lat, 13)
    cache = TileCache()
    (feature,) = _decode(render_tile(registry, "business_areas", z=13, x=t.x, y=t.y, cache=cache))["business_areas"][
        "features"
    ]
    assert feature["properties"] == {
        "area_id": "torgard",
        "name": "Torgård",
        "municipality_no": "5001",
        "area_type": "logistics",
    }
    registry.save_business_areas(areas.assign(name="Torgård nord"))
    (feature,) = _decode(render_tile(registry, "business_areas", z=13, x=t.x, y=t.y, cache=cache))["business_areas"][
        "features"
    ]
    assert feature["properties"]["name"] == "Torgård nord"


def _features(registry, z: int, **kwargs) -> list[dict]:
    out = []
    for x, y in _tiles_over(registry, z):
        decoded = _decode(render_tile(registry, "plots", z=z, x=x, y=y, **kwargs))
        out += [{**f, "tile": (x, y)} for f in decoded.get("plots", {}).get("features", [])]
    return out


def test_plots_under_a_pixel_are_points_with_their_properties(registry):
    """At zoom 9 one pixel (64 tile units²) is about 4,700 m² on the ground at Trondheim's latitude (63.4° N)."""
    small = make_plot_frame(4, seed=1, cell_m=40.0)  # plots of at most 36 m x 36 m
    large = make_plot_frame(4, seed=2, cell_m=200.0, origin=(567000.0, 7021000.0), prefix="L")  # at least 80 m x 80 m
    registry.add_plots(pd.concat([small, large], ignore_index=True), actor="fixture")
    stored = registry.query_plots().set_index("code")
    features = _features(registry, 9)
    kinds = {f["properties"]["code"]: f["geometry"]["type"] for f in features}
    assert kinds == {code: "Polygon" if area > 6000 else "Point" for code, area in stored["area_m2"].items()}
    assert set(kinds.values()) == {"Point", "Polygon"}
    for f in features:
        row = stored.loc[f["properties"]["code"]]
        assert (f["properties"]["plot_id"], f["properties"]["status"]) == (row["plot_id"], row["status"])
        if f["geometry"]["type"] == "Point":  # drawn inside the plot (to the integer grid's precision)
            tile = tile_address(9, x=f["tile"][0], y=f["tile"][1])
            point = shapely.transform(
                _to_3857(f["geometry"], tile), lambda xy: np.column_stack(FROM_3857.transform(*xy.T))
            )
            assert row.geometry.distance(point) <= 2 * tile.unit_m
    # Zoomed in, every plot is an outline.
    assert {f["geometry"]["type"] for f in _features(registry, 16)} == {"Polygon"}


def _cells_by_tile(plots: gpd.GeoDataFrame, z: int) -> dict[tuple[int, int], Counter]:
    """Independent reference: each plot in the cell of its south-west corner, each cell in the tile of its centre."""
    cell = aggregate_cell_m(z)
    bounds = shapely.bounds(plots.geometry.values)
    i, j = np.floor(bounds[:, 0] / cell).astype(int), np.floor(bounds[:, 1] / cell).astype(int)
    out: dict[tuple[int, int], Counter] = {}
    for ci, cj in zip(i, j, strict=True):
        t = TMS.tile(*TO_LONLAT.transform((ci + 0.5) * cell, (cj + 0.5) * cell), z)
        out.setdefault((t.x, t.y), Counter())[(ci, cj)] += 1
    return out


def _decoded_cells(features: list[dict], z: int) -> dict[tuple[int, int], Counter]:
    cell = aggregate_cell_m(z)
    out: dict[tuple[int, int], Counter] = {}
    for f in features:
        tile = tile_address(z, x=f["tile"][0], y=f["tile"][1])
        x, y = FROM_3857.transform(*_to_3857(f["geometry"], tile).coords[0])
        key = (int(np.floor(x / cell)), int(np.floor(y / cell)))
        out.setdefault(f["tile"], Counter())[key] += f["properties"]["plot_count"]
    return out


@pytest.mark.parametrize("z", [12, 14])
def test_tiles_over_the_budget_count_every_live_plot_once(registry, z):
    registry.add_plots(make_plot_frame(150, seed=5, cell_m=60.0), actor="fixture")
    gone = registry.query_plots(PlotQuery(limit=1)).iloc[0]
    registry.end_plot(gone["plot_id"], expected_version=int(gone["version"]), actor="test")
    live = registry.query_plots()
    features = _features(registry, z, budget=0)  # every tile with a plot is aggregated
    assert features and all(
        f["geometry"]["type"] == "Point" and set(f["properties"]) == {"plot_count"} for f in features
    )
    assert sum(f["properties"]["plot_count"] for f in features) == len(live) == 149
    assert _decoded_cells(features, z) == _cells_by_tile(live, z)


def test_only_tiles_over_the_budget_are_aggregated(registry):
    registry.add_plots(make_plot_frame(150, seed=5, cell_m=60.0), actor="fixture")
    z, budget = 16, 12
    kinds = set()
    for x, y in _tiles_over(registry, z):
        tile = tile_address(z, x=x, y=y)
        decoded = _decode(render_tile(registry, "plots", z=z, x=x, y=y, budget=budget))
        features = [{**f, "tile": (x, y)} for f in decoded.get("plots", {}).get("features", [])]
        near = registry.query_plots(PlotQuery(bbox=_box_25832(tile.buffered_bounds_3857)))
        if len(near) > budget:  # the reference counts plots of the tile's cells, from a bbox query around them
            around = registry.query_plots(PlotQuery(bbox=_box_25832(tile.bounds_3857, grow_m=aggregate_cell_m(z))))
            assert _decoded_cells(features, z).get((x, y), Counter()) == _cells_by_tile(around, z).get(
                (x, y), Counter()
            )
            kinds.add("counts")
        else:
            assert {f["properties"]["plot_id"] for f in features} <= set(near["plot_id"])
            kinds.add("plots")
    assert kinds == {"counts", "plots"}


def _box_25832(bounds_3857, *, grow_m: float = 0.0) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = FROM_3857.transform_bounds(*bounds_3857, densify_pts=21)
    return (x0 - grow_m, y0 - grow_m, x1 + grow_m, y1 + grow_m)


def test_concurrent_requests_for_one_tile_compute_it_once(registry):
    registry.add_plots(make_plot_frame(400, seed=9, cell_m=30.0), actor="fixture")
    lon0, lat0, lon1, lat1 = TO_LONLAT.transform_bounds(*registry.plots_extent())
    t = TMS.tile((lon0 + lon1) / 2, (lat0 + lat1) / 2, 15)
    cache = TileCache()
    start = threading.Barrier(8)
    results: list[bytes] = []

    def ask() -> None:
        start.wait()
        results.append(render_tile(registry, "plots", z=15, x=t.x, y=t.y, cache=cache))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and results[0] and len(set(results)) == 1
    assert cache.computed == 1
    assert results[0] == render_tile(registry, "plots", z=15, x=t.x, y=t.y)


def test_a_failed_computation_reaches_every_waiter():
    cache = TileCache()
    release = threading.Event()
    calls: list[int] = []
    errors: list[BaseException] = []

    def compute() -> bytes:
        calls.append(1)
        release.wait(5)
        raise RuntimeError("registry unreachable")

    def ask() -> None:
        try:
            cache.get_or_compute(("plots", 1, 0, 0), compute, change_key=(1,))
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    while len(cache._flights) == 0:  # the first caller is computing
        threading.Event().wait(0.001)
    release.set()
    for thread in threads:
        thread.join()
    assert len(errors) == 4 and calls  # every caller hears of the failure; none waits forever
    assert cache.get_or_compute(("plots", 1, 0, 0), lambda: b"tile", change_key=(1,)) == b"tile"


@pytest.mark.parametrize("backend", ["geopackage"])
def test_an_edit_by_another_connection_invalidates_the_cache(grid):
    """Another process (here another connection to the same file) edits a plot: the cached tile is not served."""
    from landreg.registry import open_registry

    registry, _ = grid
    plot = registry.query_plots(PlotQuery(limit=1)).iloc[0]
    lon, lat = TO_LONLAT.transform(*shapely.centroid(plot.geometry).coords[0])
    t = TMS.tile(lon, lat, 16)
    cache = TileCache()

    def status_in_tile() -> str:
        decoded = _decode(render_tile(registry, "plots", z=16, x=t.x, y=t.y, cache=cache))
        return next(
            f["properties"]["status"]
            for f in decoded["plots"]["features"]
            if f["properties"]["plot_id"] == plot["plot_id"]
        )

    before = status_in_tile()
    new_status = "sold" if before != "sold" else "available"
    with open_registry(registry.path) as other:
        other.update_plot(plot["plot_id"], {"status": new_status}, expected_version=int(plot["version"]), actor="other")
    assert status_in_tile() == new_status


def _tile_of(geometry, z: int) -> tuple[int, int]:
    t = TMS.tile(*TO_LONLAT.transform(*shapely.centroid(geometry).coords[0]), z)
    return (t.x, t.y)


@pytest.fixture
def far_apart(registry):
    """Two groups of plots 5 km apart (different tiles at zoom 14); returns (registry, plot near, plot far)."""
    near = make_plot_frame(4, seed=1, cell_m=100.0)
    far = make_plot_frame(4, seed=2, cell_m=100.0, origin=(574000.0, 7030000.0), prefix="F")
    registry.add_plots(pd.concat([near, far], ignore_index=True), actor="fixture")
    plots = registry.query_plots().set_index("code")
    return registry, plots.loc["T-000000"], plots.loc["F-000000"]


def test_an_edit_drops_only_the_tiles_it_reaches(far_apart):
    registry, near, far = far_apart
    z = 14
    near_tile, far_tile = _tile_of(near.geometry, z), _tile_of(far.geometry, z)
    assert near_tile != far_tile
    cache = TileCache()
    for x, y in (near_tile, far_tile):
        render_tile(registry, "plots", z=z, x=x, y=y, cache=cache)
    registry.update_plot(near["plot_id"], {"status": "sold"}, expected_version=int(near["version"]), actor="test")
    computed = cache.computed
    far_again = render_tile(registry, "plots", z=z, x=far_tile[0], y=far_tile[1], cache=cache)
    assert cache.computed == computed and far_again == render_tile(registry, "plots", z=z, x=far_tile[0], y=far_tile[1])
    near_again = render_tile(registry, "plots", z=z, x=near_tile[0], y=near_tile[1], cache=cache)
    assert cache.computed == computed + 1
    statuses = {f["properties"]["plot_id"]: f["properties"]["status"] for f in _decode(near_again)["plots"]["features"]}
    assert statuses[near["plot_id"]] == "sold"


def test_a_moved_plot_drops_the_tiles_of_its_old_and_new_place(far_apart):
    """The plot moves from one group to the other: the tiles of both places are drawn anew, no other."""
    registry, near, far = far_apart
    z = 14
    near_tile, far_tile = _tile_of(near.geometry, z), _tile_of(far.geometry, z)
    cache = TileCache()
    counts = {}
    for x, y in (near_tile, far_tile):
        counts[(x, y)] = len(_decode(render_tile(registry, "plots", z=z, x=x, y=y, cache=cache))["plots"]["features"])
    moved = shapely.affinity.translate(
        near.geometry,
        xoff=far.geometry.centroid.x - near.geometry.centroid.x + 400.0,
        yoff=far.geometry.centroid.y - near.geometry.centroid.y,
    )
    registry.update_plot(
        near["plot_id"], {"geometry": moved}, expected_version=int(near["version"]), actor="test", crs=25832
    )
    after = {
        (x, y): len(_decode(render_tile(registry, "plots", z=z, x=x, y=y, cache=cache))["plots"]["features"])
        for x, y in (near_tile, far_tile)
    }
    assert after == {near_tile: counts[near_tile] - 1, far_tile: counts[far_tile] + 1}
    assert cache.computed == 4
