"""Vector tiles on PostGIS registries: plot rows read for the in-process encoder, or encoded by the database.

Both give the same layers as :mod:`landreg.tiles.layers`: simplified with the zoom's tolerance,
clipped to the tile plus its buffer, quantised to 4096 units, found through the GiST index with
the tile's EPSG:25832 query box; an outline smaller than
:data:`~landreg.tiles.grid.POINT_BELOW_AREA_UNITS2` in the tile is a point on its surface.
Below :data:`DATABASE_ENCODES_FROM_ZOOM` a plot tile holds hundreds to thousands of plots, and
reading their outlines as WKB for the vectorised encoder (:mod:`landreg.tiles.mvt`) is about
three times faster than ``ST_AsMVTGeom`` per plot in the database (``bench/bench_tiles.py``);
from that zoom on a tile holds a few dozen plots and ``ST_AsMVT`` is as fast and spends no
CPU time in the serving process.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from landreg.registry.base import SqlReader
from landreg.tiles.grid import TILE_BUFFER, TILE_EXTENT, TileAddress, query_box_25832
from landreg.tiles.layers import TileLayer, plot_properties

#: Zoom from which the database encodes plot tiles (``ST_AsMVT``); below it plots are read and encoded in process.
DATABASE_ENCODES_FROM_ZOOM = 16


def read_plot_frame_postgis(
    registry: SqlReader, *, layer: TileLayer, tile: TileAddress
) -> tuple[np.ndarray, dict[str, Any]]:
    """The live plots that may reach into ``tile``: outlines (EPSG:25832) and the layer's property columns.

    Read through the GiST index, only the tile's columns and the outlines as WKB.
    """
    box = query_box_25832(tile)
    if box is None:
        return np.empty(0, dtype=object), {}
    columns = ", ".join(f'"{n}"' for n in layer.properties)
    rows = registry.read_rows(
        f"SELECT ST_AsBinary(geom), {columns} FROM plots "
        "WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 25832) AND valid_to IS NULL",
        list(box),
    )
    if not rows:
        return np.empty(0, dtype=object), {}
    values = list(zip(*rows, strict=True))
    geoms = shapely.from_wkb(np.asarray([bytes(g) for g in values[0]], dtype=object))
    props = {n: np.asarray(c, dtype=object) for n, c in zip(layer.properties, values[1:], strict=True)}
    return geoms, plot_properties(props)


def _fees_sql() -> str:
    from landreg.prices.observations import price_class_of

    def label(fees: bool | None) -> str:
        return price_class_of("x", fees).split(", ", 1)[1].replace("'", "''")

    return (
        f"CASE WHEN connection_fees_included THEN '{label(True)}' "
        f"WHEN NOT connection_fees_included THEN '{label(False)}' ELSE '{label(None)}' END"
    )


def _select_list(layer: TileLayer) -> str:
    names = [f'"{n}"' for n in layer.properties]
    if layer.id != "plots":
        return ", ".join(names)
    names = [n for n in names if n != '"connection_fees_included"'] + ['"connection_fees_included"']
    derived = (
        "round((area_m2 / 1000.0)::numeric, 3)::double precision AS area_daa, "
        "CASE WHEN price_min_nok_m2 IS NULL AND price_max_nok_m2 IS NULL THEN NULL "
        f"ELSE coalesce(price_basis, 'unknown basis') || ', ' || {_fees_sql()} END AS price_class"
    )
    return ", ".join(names) + ", " + derived


def encode_layer_tile_postgis(registry: SqlReader, *, layer: TileLayer, tile: TileAddress) -> bytes:
    """Encode one layer's tile in the database of a PostGIS registry.

    Returns
    -------
    bytes
        The Mapbox Vector Tile; empty (``b""``) when no feature reaches into the tile.
    """
    box = query_box_25832(tile)
    if box is None:
        return b""
    table = "plots" if layer.id == "plots" else "business_areas"
    live = " AND valid_to IS NULL" if layer.id == "plots" else ""
    columns = ", ".join(f'"{n}"' for n in layer.properties)
    sql = (
        f"SELECT ST_AsMVT(t, %s, {TILE_EXTENT}, 'geom') FROM ("
        "SELECT ST_AsMVTGeom(CASE WHEN ST_Area(g) < %s THEN ST_Transform(ST_PointOnSurface(geom), 3857) "
        "WHEN ST_NPoints(g) <= 5 THEN g ELSE ST_SimplifyPreserveTopology(g, %s) END, "
        f"ST_MakeEnvelope(%s, %s, %s, %s, 3857), {TILE_EXTENT}, {TILE_BUFFER}, true) AS geom, "
        f"{_select_list(layer)} FROM (SELECT geom, {columns}, "
        f"ST_Transform(geom, 3857) AS g FROM {table} "
        f"WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 25832){live} OFFSET 0) s"  # one transform per row
        ") t WHERE geom IS NOT NULL"
    )
    params = [layer.id, tile.point_below_area_m2, tile.simplify_tolerance_m, *tile.bounds_3857, *box]
    row = registry.read_row(sql, params)  # in the registry's schema
    return bytes(row[0]) if row and row[0] is not None else b""
