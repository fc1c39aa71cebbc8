"""Mapbox Vector Tiles of plots and business areas on the WebMercatorQuad grid, read per request.

:func:`render_tile` reads the features of one tile through the registry's spatial index and
encodes them in process (:mod:`landreg.tiles.mvt`), or on PostGIS at high zooms in the database
with ``ST_AsMVT`` (:mod:`landreg.tiles.postgis`).  Plots too small to see at a zoom are points; a tile over
:data:`FEATURE_BUDGET` plots carries counts per grid cell (:mod:`landreg.tiles.aggregate`).  A
:class:`TileCache` keeps encoded tiles until the registry changes, and computes each tile once
however many requests ask for it at the same time.
"""

from __future__ import annotations

from typing import Protocol

from landreg.registry.base import SqlReader
from landreg.tiles.aggregate import COUNT_PROPERTY, cell_window, encode_aggregate_tile, plots_over_budget
from landreg.tiles.cache import TileCache, changed_plot_boxes, registry_change_key
from landreg.tiles.grid import (
    CELL_EXPONENT_Z0,
    FEATURE_BUDGET,
    POINT_BELOW_AREA_UNITS2,
    SIMPLIFY_TILE_UNITS,
    TILE_BUFFER,
    TILE_EXTENT,
    TILE_MATRIX_SET_ID,
    TileAddress,
    check_tile_matrix_set,
    query_box_25832,
    tile_address,
    tile_matrix_set_document,
)
from landreg.tiles.layers import (
    TILE_LAYERS,
    LayerSource,
    TileLayer,
    encode_layer_tile,
    read_layer_frame,
    tile_layer,
)
from landreg.tiles.sample import tile_sample, time_tiles


class TileSource(LayerSource, SqlReader, Protocol):
    """What tiles are rendered from: a registry's plots and business areas, and its database (PostGIS encodes)."""


def render_tile(
    registry: TileSource,
    collection_id: str,
    *,
    z: int,
    x: int,
    y: int,
    cache: TileCache | None = None,
    budget: int = FEATURE_BUDGET,
) -> bytes:
    """One vector tile of a collection as it is in the registry now.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        Where the features are read (EPSG:25832).
    collection_id : str
        ``"plots"`` (live plots) or ``"business_areas"``.
    z, x, y : int
        WebMercatorQuad zoom, column and row (row 0 at the top).
    cache : TileCache, optional
        Tiles kept from earlier calls (emptied when the registry has changed since); concurrent
        calls for the same tile compute it once.
    budget : int
        Most plots drawn one by one in a tile; a tile with more carries plot counts per grid cell
        (:mod:`landreg.tiles.aggregate`).

    Returns
    -------
    bytes
        The Mapbox Vector Tile (one layer named after the collection); ``b""`` when the tile holds no feature.

    Raises
    ------
    EntityNotFoundError
        For an unknown collection or a tile outside the grid.
    """
    layer = tile_layer(collection_id)
    tile = tile_address(z, x=x, y=y)
    if cache is None:
        return _encode(registry, layer, tile, budget=budget)
    return cache.get_or_compute(
        (collection_id, z, x, y, budget),
        lambda: _encode(registry, layer, tile, budget=budget),
        change_key=registry_change_key(registry),
        box=_depends_on(layer, tile),
        changes=lambda old, new: changed_plot_boxes(registry, old, new),
    )


def _depends_on(layer: TileLayer, tile: TileAddress) -> tuple[float, float, float, float] | None:
    """Where (EPSG:25832) a changed plot can change this tile: its query box and its aggregate cells.

    None for business areas: their tiles are dropped on any change of the registry.
    """
    if layer.id != "plots":
        return None
    box, cells = query_box_25832(tile), cell_window(tile)
    if box is None or cells is None:
        return box
    return (min(box[0], cells[0]), min(box[1], cells[1]), max(box[2], cells[2]), max(box[3], cells[3]))


def generalisation_note(collection_id: str) -> str:
    """How a collection's tiles are generalised at low zooms, in words (for tileset metadata and layer descriptions).

    Raises
    ------
    EntityNotFoundError
        For a collection without tiles.
    """
    layer = tile_layer(collection_id)
    note = (
        f"Outlines are simplified to {SIMPLIFY_TILE_UNITS:g} tile unit (1/{TILE_EXTENT} of the tile) and clipped "
        f"to the tile plus {TILE_BUFFER} units."
    )
    if layer.id != "plots":
        return note
    return note + (
        f" A plot covering less than {POINT_BELOW_AREA_UNITS2:g} tile units² (one pixel of a 512-pixel tile) is a "
        "point on its surface with the same properties. A tile reaching more than "
        f"{FEATURE_BUDGET:,} live plots carries instead one point per grid cell with the property "
        f"'{COUNT_PROPERTY}': cells are squares of 2^({CELL_EXPONENT_Z0} - zoom) m on the EPSG:25832 grid "
        "(at least 1 m), a plot is counted in the cell holding the south-west corner of its bounding box and a "
        "cell belongs to the tile holding its centre, so every live plot is counted once per zoom level."
    )


def _encode(registry: TileSource, layer: TileLayer, tile: TileAddress, *, budget: int) -> bytes:
    if layer.id == "plots" and plots_over_budget(registry, tile, budget=budget):
        return encode_aggregate_tile(registry, tile, layer_id=layer.id)
    if registry.backend == "geopackage":
        geoms, properties = read_layer_frame(registry, layer=layer, tile=tile)
        return encode_layer_tile(geoms, properties, layer=layer, tile=tile)
    from landreg.tiles.postgis import DATABASE_ENCODES_FROM_ZOOM, encode_layer_tile_postgis, read_plot_frame_postgis

    if layer.id == "plots" and tile.z < DATABASE_ENCODES_FROM_ZOOM:
        geoms, properties = read_plot_frame_postgis(registry, layer=layer, tile=tile)
        return encode_layer_tile(geoms, properties, layer=layer, tile=tile)
    return encode_layer_tile_postgis(registry, layer=layer, tile=tile)


__all__ = [
    "COUNT_PROPERTY",
    "FEATURE_BUDGET",
    "TILE_EXTENT",
    "TILE_LAYERS",
    "TILE_MATRIX_SET_ID",
    "TileAddress",
    "TileCache",
    "TileLayer",
    "TileSource",
    "check_tile_matrix_set",
    "generalisation_note",
    "registry_change_key",
    "render_tile",
    "tile_address",
    "tile_layer",
    "tile_matrix_set_document",
    "tile_sample",
    "time_tiles",
]
