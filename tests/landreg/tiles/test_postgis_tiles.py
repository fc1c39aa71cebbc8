"""Plot counts per grid cell follow edits on both backends; on PostGIS they are read from an index alone, and
plot tiles encoded in process equal those the database encodes."""

from __future__ import annotations

import mapbox_vector_tile
import pandas as pd
import psycopg
import pytest
import shapely

from landreg.registry import PlotQuery
from landreg.testing import make_plot_frame
from landreg.tiles import render_tile, tile_address
from landreg.tiles.aggregate import cell_window, postgis_cell_count_query
from landreg.tiles.layers import TILE_LAYERS, encode_layer_tile
from landreg.tiles.postgis import encode_layer_tile_postgis, read_plot_frame_postgis
from tests.landreg.tiles.test_render import _cells_by_tile, _decoded_cells, _features, _tiles_over


@pytest.mark.parametrize("z", [12, 14])
def test_counts_per_cell_equal_a_bbox_count_after_edits(registry, z):
    """A plot moved 1.5 km, one ended and one added: each cell's count is the reference count of the live plots."""
    registry.add_plots(make_plot_frame(150, seed=5, cell_m=60.0), actor="fixture")
    before = registry.query_plots(PlotQuery(limit=2))
    moved, gone = before.iloc[0], before.iloc[1]
    registry.update_plot(
        moved["plot_id"],
        {"geometry": shapely.affinity.translate(moved.geometry, xoff=1500.0, yoff=900.0)},
        expected_version=int(moved["version"]),
        actor="test",
        crs=25832,
    )
    registry.end_plot(gone["plot_id"], expected_version=int(gone["version"]), actor="test")
    registry.add_plots(make_plot_frame(1, seed=6, cell_m=60.0, origin=(571000.0, 7034000.0), prefix="N"), actor="t")
    live = registry.query_plots()
    assert len(live) == 150
    features = _features(registry, z, budget=0)  # every tile with a plot is aggregated
    assert sum(f["properties"]["plot_count"] for f in features) == 150
    assert _decoded_cells(features, z) == _cells_by_tile(live, z)


@pytest.mark.parametrize("backend", [pytest.param("postgis", marks=pytest.mark.db)])
def test_postgis_counts_cells_from_the_corner_index_alone(registry, postgis_url):
    """The count reads no plot row (at 150 plots the planner would read the table whole, so that is ruled out)."""
    registry.add_plots(make_plot_frame(150, seed=5, cell_m=60.0), actor="fixture")
    x, y = sorted(_tiles_over(registry, 12))[0]
    sql, params = postgis_cell_count_query(cell_window(tile_address(12, x=x, y=y)))
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute(f'VACUUM ANALYZE "{registry.schema}".plots')  # the visibility map lets the scan skip the rows
        conn.execute(f'SET search_path = "{registry.schema}", public')
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_bitmapscan = off")
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params).fetchall())
        counted = conn.execute(sql, params).fetchall()
    assert "Index Only Scan using plots_live_corner_idx" in plan and "Heap Fetches: 0" in plan
    assert sum(n for _, _, n in counted) > 0


@pytest.mark.parametrize("backend", [pytest.param("postgis", marks=pytest.mark.db)])
def test_postgis_bulk_add_leaves_the_corner_index_ready_for_index_only_counts(registry):
    """A bulk add (statistics refreshed) also sets the visibility map: a low-zoom count reads no plot row."""
    registry.add_plots(make_plot_frame(10_000, seed=8, cell_m=60.0), actor="fixture")
    x, y = sorted(_tiles_over(registry, 10))[0]
    sql, params = postgis_cell_count_query(cell_window(tile_address(10, x=x, y=y)))
    plan = "\n".join(r[0] for r in registry.read_rows("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params))
    assert "Index Only Scan using plots_live_corner_idx" in plan and "Heap Fetches: 0" in plan


def _content(tile: bytes) -> dict[str, tuple[dict, shapely.Geometry]]:
    decoded = mapbox_vector_tile.decode(tile, default_options={"y_coord_down": False})
    features = decoded["plots"]["features"] if decoded else []
    return {f["properties"]["plot_id"]: (f["properties"], shapely.geometry.shape(f["geometry"])) for f in features}


@pytest.mark.parametrize("backend", [pytest.param("postgis", marks=pytest.mark.db)])
@pytest.mark.parametrize("z", [9, 13, 15, 17])
def test_postgis_plot_tiles_encoded_in_process_equal_the_database_encoding(registry, z):
    """Same plots with the same properties; outlines equal on the tile grid (within a unit)."""
    small = make_plot_frame(60, seed=3, cell_m=40.0)
    large = make_plot_frame(20, seed=4, cell_m=250.0, origin=(568000.0, 7030000.0), prefix="L")
    registry.add_plots(pd.concat([small, large], ignore_index=True), actor="fixture")
    layer = TILE_LAYERS["plots"]
    compared = 0
    for x, y in sorted(_tiles_over(registry, z)):
        tile = tile_address(z, x=x, y=y)
        geoms, properties = read_plot_frame_postgis(registry, layer=layer, tile=tile)
        mine = _content(encode_layer_tile(geoms, properties, layer=layer, tile=tile))
        database = _content(encode_layer_tile_postgis(registry, layer=layer, tile=tile))
        assert mine.keys() == database.keys()
        for plot_id, (props, geometry) in mine.items():
            assert props == database[plot_id][0]
            assert geometry.geom_type.replace("Multi", "") == database[plot_id][1].geom_type.replace("Multi", "")
            # What the tile shows (slivers in the buffer around it are clipped in a different order).
            shown, shown_database = (
                shapely.clip_by_rect(g, 0, 0, 4096, 4096) for g in (geometry, database[plot_id][1])
            )
            assert shown.is_empty == shown_database.is_empty
            band_units2 = max(shown.length, shown_database.length)  # a band one unit wide along the outline
            assert shown.is_empty or shown.symmetric_difference(shown_database).area <= band_units2
        compared += len(mine)
        if z < 16:  # the tile served is the in-process one
            assert _content(render_tile(registry, "plots", z=z, x=x, y=y)) == mine
    assert compared >= 80
