"""Mapbox Vector Tiles of plots and business areas on the WebMercatorQuad grid, read per request.

:func:`render_tile` reads the features of one tile through the registry's spatial index and
encodes them: in the database with ``ST_AsMVT`` on PostGIS, with ``mapbox-vector-tile`` on
GeoPackage.  A :class:`TileCache` keeps encoded tiles until the registry changes.
"""

from __future__ import annotations

from typing import Protocol

from landreg.registry.base import SqlReader
from landreg.tiles.cache import TileCache, registry_change_key
from landreg.tiles.grid import (
    TILE_EXTENT,
    TILE_MATRIX_SET_ID,
    TileAddress,
    check_tile_matrix_set,
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


class TileSource(LayerSource, SqlReader, Protocol):
    """What tiles are rendered from: a registry's plots and business areas, and its database (PostGIS encodes)."""


def render_tile(
    registry: TileSource, collection_id: str, *, z: int, x: int, y: int, cache: TileCache | None = None
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
        Tiles kept from earlier calls; emptied when the registry has changed since.

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
    key = (collection_id, z, x, y)
    change_key = registry_change_key(registry) if cache is not None else ()
    if cache is not None:
        cached = cache.get(key, change_key=change_key)
        if cached is not None:
            return cached
    encoded = _encode(registry, layer, tile)
    if cache is not None:
        cache.put(key, encoded, change_key=change_key)
    return encoded


def _encode(registry: TileSource, layer: TileLayer, tile: TileAddress) -> bytes:
    if registry.backend == "geopackage":
        return encode_layer_tile(read_layer_frame(registry, layer=layer, tile=tile), layer=layer, tile=tile)
    from landreg.tiles.postgis import encode_layer_tile_postgis

    return encode_layer_tile_postgis(registry, layer=layer, tile=tile)


__all__ = [
    "TILE_EXTENT",
    "TILE_LAYERS",
    "TILE_MATRIX_SET_ID",
    "TileAddress",
    "TileCache",
    "TileLayer",
    "TileSource",
    "check_tile_matrix_set",
    "registry_change_key",
    "render_tile",
    "tile_address",
    "tile_layer",
    "tile_matrix_set_document",
]
