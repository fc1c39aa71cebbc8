"""The tile grid: WebMercatorQuad from morecantile, tile bounds, query boxes and per-zoom tolerances."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyproj import Transformer

from landreg.crs import STORAGE_EPSG
from landreg.errors import EntityNotFoundError

#: The one tile matrix set served (OGC 2D TMS ``WebMercatorQuad``, EPSG:3857).
TILE_MATRIX_SET_ID = "WebMercatorQuad"
#: Tile coordinate space of an encoded tile (Mapbox Vector Tile ``extent``).
TILE_EXTENT = 4096
#: Geometry kept outside the tile edge, in tile units, so strokes join across tiles.
TILE_BUFFER = 64
#: Simplification tolerance in tile units: one unit is 1/4096 of the tile width, far below a
#: screen pixel (1/256 or 1/512 of the tile), so simplified outlines look the same as the originals.
SIMPLIFY_TILE_UNITS = 1.0
#: A plot whose outline covers less than this in a tile (tile units², one pixel of a tile drawn at 512 px)
#: is drawn as a point (a point on its surface) with the same properties: it stays visible and clickable.
POINT_BELOW_AREA_UNITS2 = 64.0
#: At most this many plots are drawn one by one in a tile (counted on the buffered tile, up to one more);
#: a tile over it carries grid cells with their plot count instead (see :func:`aggregate_cell_m`).  2,000
#: plots with their properties make a tile of about 330 KB, under the 500 KB that tippecanoe allows a tile.
FEATURE_BUDGET = 2000
#: Aggregate cells are ``2**(CELL_EXPONENT_Z0 - z)`` m square in EPSG:25832 at zoom ``z`` (512 m at zoom 10,
#: about 16 px of a 512-px tile at Trondheim's latitude), never under 1 m.
CELL_EXPONENT_Z0 = 19
#: Longitudes (degrees) beyond this distance from the UTM zone 32 central meridian (9° E) do not map to
#: meaningful EPSG:25832 coordinates; a tile's query box is clamped to this band.
_MAX_DEGREES_FROM_MERIDIAN = 45.0
_CENTRAL_MERIDIAN_DEG = 9.0
_MAX_LATITUDE_DEG = 85.06


@lru_cache(maxsize=1)
def web_mercator_quad() -> Any:
    """The morecantile ``TileMatrixSet`` of WebMercatorQuad."""
    import morecantile

    return morecantile.tms.get(TILE_MATRIX_SET_ID)


@dataclass(frozen=True)
class TileAddress:
    """One tile of WebMercatorQuad: zoom (tile matrix), column ``x`` and row ``y`` (from the top)."""

    z: int
    x: int
    y: int

    @property
    def bounds_3857(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) of the tile in EPSG:3857 metres."""
        b = web_mercator_quad().xy_bounds(self.x, self.y, self.z)
        return (b.left, b.bottom, b.right, b.top)

    @property
    def width_m(self) -> float:
        """Width of the tile in EPSG:3857 metres."""
        minx, _, maxx, _ = self.bounds_3857
        return maxx - minx

    @property
    def unit_m(self) -> float:
        """One tile unit (1/4096 of the tile width) in EPSG:3857 metres."""
        return self.width_m / TILE_EXTENT

    @property
    def simplify_tolerance_m(self) -> float:
        """The simplification tolerance of this zoom, in EPSG:3857 metres."""
        return SIMPLIFY_TILE_UNITS * self.unit_m

    @property
    def point_below_area_m2(self) -> float:
        """Outlines smaller than this in EPSG:3857 m² are drawn as points (:data:`POINT_BELOW_AREA_UNITS2`)."""
        return POINT_BELOW_AREA_UNITS2 * self.unit_m**2

    @property
    def aggregate_cell_m(self) -> float:
        """Side of this zoom's aggregate cells in EPSG:25832 metres (a power of two)."""
        return aggregate_cell_m(self.z)

    @property
    def buffered_bounds_3857(self) -> tuple[float, float, float, float]:
        """The tile bounds grown by :data:`TILE_BUFFER` tile units on every side (EPSG:3857)."""
        minx, miny, maxx, maxy = self.bounds_3857
        pad = TILE_BUFFER * self.unit_m
        return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def tile_address(z: int, *, x: int, y: int) -> TileAddress:
    """Check that a tile exists in WebMercatorQuad and return its address.

    Parameters
    ----------
    z : int
        Zoom level (tile matrix id), 0 to 24.
    x, y : int
        Column and row (row 0 at the top), each from 0 to ``2**z - 1``.

    Raises
    ------
    EntityNotFoundError
        When the zoom level is not in the tile matrix set or the row or column is outside it.
    """
    tms = web_mercator_quad()
    if not tms.minzoom <= z <= tms.maxzoom:
        raise EntityNotFoundError(
            f"tile matrix {z} is not in {TILE_MATRIX_SET_ID}; zoom levels go from {tms.minzoom} to {tms.maxzoom}"
        )
    last = 2**z - 1
    for name, value in (("column (x)", x), ("row (y)", y)):
        if not 0 <= value <= last:
            raise EntityNotFoundError(
                f"tile {name} {value} is outside tile matrix {z} of {TILE_MATRIX_SET_ID}; it goes from 0 to {last}"
            )
    return TileAddress(z, x, y)


def check_tile_matrix_set(tile_matrix_set_id: str) -> None:
    """Raise :class:`EntityNotFoundError` unless ``tile_matrix_set_id`` is the one served."""
    if tile_matrix_set_id != TILE_MATRIX_SET_ID:
        raise EntityNotFoundError(
            f"tile matrix set {tile_matrix_set_id!r} is not served; the one tile matrix set is {TILE_MATRIX_SET_ID!r}"
        )


@lru_cache(maxsize=4)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def aggregate_cell_m(z: int) -> float:
    """Side in EPSG:25832 metres of the grid cells that aggregate plots at zoom ``z`` (a power of two, ≥ 1 m)."""
    return float(2.0 ** max(CELL_EXPONENT_Z0 - z, 0))


def query_box_25832(tile: TileAddress, *, buffered: bool = True) -> tuple[float, float, float, float] | None:
    """The EPSG:25832 box that holds every stored geometry reaching into the (buffered) tile.

    The tile (grown by its buffer unless ``buffered`` is false) is taken to longitude/latitude,
    clamped to the band where EPSG:25832 is meaningful, and its densified outline transformed to
    EPSG:25832.  None when the tile lies wholly outside that band.
    """
    minx, miny, maxx, maxy = tile.buffered_bounds_3857 if buffered else tile.bounds_3857
    lon0, lat0, lon1, lat1 = _transformer(3857, 4326).transform_bounds(minx, miny, maxx, maxy, densify_pts=21)
    lon0 = max(lon0, _CENTRAL_MERIDIAN_DEG - _MAX_DEGREES_FROM_MERIDIAN)
    lon1 = min(lon1, _CENTRAL_MERIDIAN_DEG + _MAX_DEGREES_FROM_MERIDIAN)
    lat0, lat1 = max(lat0, -_MAX_LATITUDE_DEG), min(lat1, _MAX_LATITUDE_DEG)
    if lon0 >= lon1 or lat0 >= lat1:
        return None
    box = _transformer(4326, STORAGE_EPSG).transform_bounds(lon0, lat0, lon1, lat1, densify_pts=21)
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def tile_matrix_set_document() -> dict[str, Any]:
    """The OGC 2D Tile Matrix Set document of WebMercatorQuad (JSON-ready)."""
    return dict(web_mercator_quad().model_dump(mode="json", exclude_none=True))


def to_3857(geometries: Any) -> Any:
    """Transform an array of shapely geometries from EPSG:25832 to EPSG:3857."""
    import shapely

    transformer = _transformer(STORAGE_EPSG, 3857)
    return shapely.transform(geometries, lambda xy: _stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _stack(xy: tuple[Any, Any]) -> Any:
    import numpy as np

    return np.column_stack(xy)
