"""Tiles to measure: a seeded sample of the tiles over the plots' extent, and their cold render times."""

from __future__ import annotations

import random
import time
from typing import Any

from landreg.tiles.grid import TileAddress, _transformer, tile_address, web_mercator_quad


def tile_sample(registry: Any, zoom: int, n: int, *, seed: int = 0) -> list[TileAddress]:
    """Up to ``n`` distinct tiles of zoom ``zoom`` over the extent of the registry's plots, in a seeded order.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        Its plots' extent (:meth:`plots_extent`, EPSG:25832) says where the tiles are.
    zoom : int
        WebMercatorQuad zoom level.
    n : int
        How many tiles at most (all the tiles over the extent when there are fewer).
    seed : int
        The same seed gives the same tiles.

    Returns
    -------
    list of TileAddress
        Each with ``z``, ``x``, ``y``, to pass to :func:`landreg.tiles.render_tile`; empty when there are no plots.

    Examples
    --------
    >>> for tile in tile_sample(registry, 13, 50):  # doctest: +SKIP
    ...     render_tile(registry, "plots", z=tile.z, x=tile.x, y=tile.y)
    """
    extent = registry.plots_extent()
    if extent is None or n <= 0:
        return []
    minx, miny, maxx, maxy = extent
    lon0, lat0, lon1, lat1 = _transformer(25832, 4326).transform_bounds(minx, miny, maxx, maxy, densify_pts=21)
    tiles = [(t.x, t.y) for t in web_mercator_quad().tiles(lon0, lat0, lon1, lat1, [zoom])]
    random.Random(seed).shuffle(tiles)
    return [tile_address(zoom, x=x, y=y) for x, y in tiles[:n]]


def time_tiles(registry: Any, tiles: list[TileAddress], *, collection_id: str = "plots") -> list[tuple[float, int]]:
    """Render each tile once, without a cache: seconds taken and bytes of each (the cold cost a request pays).

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        Where the tiles are read.
    tiles : list of TileAddress
        E.g. from :func:`tile_sample`.
    collection_id : str
        ``"plots"`` or ``"business_areas"``.

    Returns
    -------
    list of (float, int)
        Wall-clock seconds and encoded size in bytes, one pair per tile, in order.
    """
    from landreg.tiles import render_tile

    out = []
    for tile in tiles:
        t0 = time.perf_counter()
        data = render_tile(registry, collection_id, z=tile.z, x=tile.x, y=tile.y)
        out.append((time.perf_counter() - t0, len(data)))
    return out


__all__ = ["tile_sample", "time_tiles"]
