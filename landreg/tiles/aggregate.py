"""Plot counts on a grid for tiles holding more plots than a tile should draw one by one.

Like tippecanoe's ``--cluster-densest-as-needed`` (https://github.com/felt/tippecanoe), a tile
over :data:`~landreg.tiles.grid.FEATURE_BUDGET` live plots carries one point per grid cell with the
number of plots in it (``plot_count``) instead of the plots.  The cells are squares of
:func:`~landreg.tiles.grid.aggregate_cell_m` metres on the EPSG:25832 grid (the same at every
tile of a zoom level); a plot is counted in the cell that holds the south-west corner of its
bounding box, and a cell belongs to the one tile that holds its centre, so every live plot is
counted exactly once at every aggregated zoom.  The counts come from an index alone (the R-tree
on GeoPackage; on PostGIS a B-tree of the live plots' stored corners, read index-only): no
geometry is read, so such a tile costs about as much as counting the plots under it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from landreg.registry.base import SqlReader
from landreg.tiles.grid import FEATURE_BUDGET, TILE_EXTENT, TileAddress, _transformer, query_box_25832
from landreg.tiles.mvt import encode_layer

#: The property of an aggregate feature: how many live plots its cell holds.
COUNT_PROPERTY = "plot_count"
#: Height (m) of the row bands leading the PostGIS index of live plots' corners (``plots_live_corner_idx``,
#: migration 0010); the count query names the same expression so that the index serves it.
CORNER_BAND_M = 64


def plots_over_budget(registry: SqlReader, tile: TileAddress, *, budget: int = FEATURE_BUDGET) -> bool:
    """Whether more than ``budget`` live plots reach into the buffered tile (counted through the index, at most
    ``budget + 1``)."""
    box = query_box_25832(tile)
    if box is None:
        return False
    if registry.backend == "geopackage":
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM rtree_plots_geom r CROSS JOIN plots p ON p.fid = r.id "
            "WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? AND p.valid_to IS NULL LIMIT ?)"
        )
        params: list[Any] = [box[2], box[0], box[3], box[1], budget + 1]
    else:
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM plots WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 25832) "
            "AND valid_to IS NULL LIMIT %s) t"
        )
        params = [*box, budget + 1]
    row = registry.read_row(sql, params)
    return bool(row and int(row[0]) > budget)


def cell_window(tile: TileAddress) -> tuple[float, float, float, float, float] | None:
    """``(x0, y0, x1, y1, cell_m)``: the whole cells (EPSG:25832) that may have their centre in ``tile``."""
    box = query_box_25832(tile, buffered=False)
    if box is None:
        return None
    cell = tile.aggregate_cell_m
    x0, y0 = math.floor(box[0] / cell) * cell, math.floor(box[1] / cell) * cell
    x1, y1 = (math.floor(box[2] / cell) + 1) * cell, (math.floor(box[3] / cell) + 1) * cell
    return x0, y0, x1, y1, cell


def postgis_cell_count_query(window: tuple[float, float, float, float, float]) -> tuple[str, list[Any]]:
    """SQL and parameters counting live plots per cell of a :func:`cell_window` on PostGIS: ``(i, j, count)`` rows.

    An index-only scan of the live plots' stored corners (``plots_live_corner_idx``, schema
    version 10): one short range of the index per 64 m row band of the window, no plot row read.
    """
    x0, y0, x1, y1, cell = window
    bands = list(range(math.floor(y0 / CORNER_BAND_M), math.floor(y1 / CORNER_BAND_M) + 1))
    sql = (
        "SELECT floor((sw_x_m - %s) / %s)::int AS i, floor((sw_y_m - %s) / %s)::int AS j, count(*) "
        f"FROM plots WHERE valid_to IS NULL AND floor(sw_y_m / {CORNER_BAND_M})::integer = ANY(%s::integer[]) "
        "AND sw_x_m >= %s AND sw_x_m < %s AND sw_y_m >= %s AND sw_y_m < %s GROUP BY i, j"
    )
    return sql, [x0, cell, y0, cell, bands, x0, x1, y0, y1]


def aggregate_cells(registry: SqlReader, tile: TileAddress) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres (EPSG:25832 x and y) and live plot counts of the non-empty cells that belong to ``tile``."""
    window = cell_window(tile)
    if window is None:
        return np.empty(0), np.empty(0), np.empty(0, dtype=np.int64)
    x0, y0, x1, y1, cell = window
    corner = "minx >= ? AND minx < ? AND miny >= ? AND miny < ?"
    if registry.backend == "geopackage":
        # The R-tree keeps every plot's box (rounded outward to float32, which never moves a corner
        # across a cell edge: edges are whole metres); ended plots are taken off afterwards.
        rows = registry.read_rows(
            "SELECT cast((minx - ?) / ? AS int) AS i, cast((miny - ?) / ? AS int) AS j, count(*) "
            f"FROM rtree_plots_geom WHERE {corner} GROUP BY i, j",
            [x0, cell, y0, cell, x0, x1, y0, y1],
        )
        ended = registry.read_rows(
            "SELECT cast((r.minx - ?) / ? AS int), cast((r.miny - ?) / ? AS int), -1 FROM plots p "
            "CROSS JOIN rtree_plots_geom r ON r.id = p.fid WHERE p.valid_to IS NOT NULL AND "
            + corner.replace("min", "r.min"),
            [x0, cell, y0, cell, x0, x1, y0, y1],
        )
        rows = rows + ended
    else:
        rows = registry.read_rows(*postgis_cell_count_query(window))
    if not rows:
        return np.empty(0), np.empty(0), np.empty(0, dtype=np.int64)
    ij = np.array([(r[0], r[1]) for r in rows], dtype=np.int64)
    n = np.array([r[2] for r in rows], dtype=np.int64)
    cells, inverse = np.unique(ij, axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=n, minlength=len(cells)).astype(np.int64)
    cx, cy = x0 + (cells[:, 0] + 0.5) * cell, y0 + (cells[:, 1] + 0.5) * cell
    mx, my = _transformer(25832, 3857).transform(cx, cy)
    minx, miny, maxx, maxy = tile.bounds_3857
    mine = (counts > 0) & (mx >= minx) & (mx < maxx) & (my >= miny) & (my < maxy)
    return cx[mine], cy[mine], counts[mine]


def encode_aggregate_tile(registry: SqlReader, tile: TileAddress, *, layer_id: str = "plots") -> bytes:
    """The tile as aggregate points (cell centres) carrying :data:`COUNT_PROPERTY`; ``b""`` when it has none."""
    cx, cy, counts = aggregate_cells(registry, tile)
    if not len(counts):
        return b""
    mx, my = _transformer(25832, 3857).transform(cx, cy)
    minx, _, _, maxy = tile.bounds_3857
    points = shapely.points((np.asarray(mx) - minx) / tile.unit_m, (maxy - np.asarray(my)) / tile.unit_m)
    return encode_layer(layer_id, points, {COUNT_PROPERTY: counts.astype(object)}, extent=TILE_EXTENT)


__all__ = [
    "COUNT_PROPERTY",
    "aggregate_cells",
    "cell_window",
    "encode_aggregate_tile",
    "plots_over_budget",
    "postgis_cell_count_query",
]
