"""Vector tiles encoded by the database on PostGIS registries (``ST_AsMVTGeom`` / ``ST_AsMVT``).

The same layers as the in-process encoder (:mod:`landreg.tiles.layers`): simplified with the
zoom's tolerance, clipped to the tile plus its buffer, quantised to 4096 units, found through
the GiST index with the tile's EPSG:25832 query box; an outline smaller than
:data:`~landreg.tiles.grid.POINT_BELOW_AREA_UNITS2` in the tile is a point on its surface.
"""

from __future__ import annotations

from landreg.registry.base import SqlReader
from landreg.tiles.grid import TILE_BUFFER, TILE_EXTENT, TileAddress, query_box_25832
from landreg.tiles.layers import TileLayer


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
