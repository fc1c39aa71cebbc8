"""What each tiled collection holds, and how GeoPackage registries read and encode a tile in process.

Each tiled collection is one vector-tile layer of the same name.  Plots carry their code,
status, zoning, readiness, area (m² and decares) and asking price with its price class
(basis and connection fees, as :func:`landreg.prices.observations.price_class_of` names it);
business areas carry their id, name, type and nuisance class.  Missing values are left out
of a feature's properties (vector tiles have no null).  A plot too small to see at a zoom is
a point with the same properties; a tile holding more plots than
:data:`~landreg.tiles.grid.FEATURE_BUDGET` carries aggregates instead (:mod:`landreg.tiles.aggregate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
import shapely

from landreg.errors import EntityNotFoundError
from landreg.registry.base import EntityTables, PlotStore, SqlReader
from landreg.tiles.grid import TILE_BUFFER, TILE_EXTENT, TileAddress, query_box_25832, to_3857
from landreg.tiles.mvt import encode_layer

PLOT_PROPERTIES: tuple[str, ...] = (
    "plot_id",
    "code",
    "name",
    "status",
    "zoning",
    "readiness",
    "municipality_no",
    "business_area_id",
    "area_m2",
    "price_min_nok_m2",
    "price_max_nok_m2",
    "price_basis",
    "connection_fees_included",
)
AREA_PROPERTIES: tuple[str, ...] = ("area_id", "name", "municipality_no", "area_type", "nuisance_class")


@dataclass(frozen=True)
class TileLayer:
    """One tiled collection: its id (also the layer name), title and the properties it carries."""

    id: str
    title: str
    properties: tuple[str, ...]
    derived: tuple[str, ...] = ()

    @property
    def all_properties(self) -> tuple[str, ...]:
        """Every property a feature of this layer may carry (stored ones, then derived ones)."""
        return self.properties + self.derived


#: Plot properties derived from the stored ones: area in decares and the price class.
DERIVED_PLOT_PROPERTIES: tuple[str, ...] = ("area_daa", "price_class")
TILE_LAYERS: dict[str, TileLayer] = {
    "plots": TileLayer("plots", "Plots of business land", PLOT_PROPERTIES, DERIVED_PLOT_PROPERTIES),
    "business_areas": TileLayer("business_areas", "Business areas", AREA_PROPERTIES),
}


def tile_layer(collection_id: str) -> TileLayer:
    """The tiled collection with this id.

    Raises
    ------
    EntityNotFoundError
        When no tiled collection has this id, naming the ones there are.
    """
    try:
        return TILE_LAYERS[collection_id]
    except KeyError:
        raise EntityNotFoundError(
            f"collection {collection_id!r} has no vector tiles; tiled collections: {', '.join(TILE_LAYERS)}"
        ) from None


class LayerSource(PlotStore, EntityTables, SqlReader, Protocol):
    """What the tile layers are read from: the plots and the business areas of a registry, and its database."""


def read_layer_frame(
    registry: LayerSource, *, layer: TileLayer, tile: TileAddress
) -> tuple[np.ndarray, dict[str, Any]]:
    """The layer's current features that may reach into ``tile``: geometries (EPSG:25832) and property columns.

    Plots are read from a GeoPackage registry's file through its R-tree, only the tile's
    columns and the geometry blobs (no other column is parsed); business areas (few) are loaded whole.
    """
    box = query_box_25832(tile)
    if box is None:
        return np.empty(0, dtype=object), {}
    if layer.id == "plots":
        from landreg.gpkg.geometry import decode_geometries

        rows = registry.read_rows(
            f"SELECT p.geom, {', '.join('p.' + n for n in layer.properties)} "
            "FROM rtree_plots_geom r CROSS JOIN plots p ON p.fid = r.id "
            "WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? AND p.valid_to IS NULL",
            [box[2], box[0], box[3], box[1]],
        )
        if not rows:
            return np.empty(0, dtype=object), {}
        columns = list(zip(*rows, strict=True))
        geoms = decode_geometries(columns[0])
        props = {n: np.asarray(c, dtype=object) for n, c in zip(layer.properties, columns[1:], strict=True)}
        fees = props["connection_fees_included"]
        props["connection_fees_included"] = np.array([None if v is None else bool(v) for v in fees], dtype=object)
        return geoms, plot_properties(props)
    frame = registry.load_business_areas()
    if len(frame) == 0:
        return np.empty(0, dtype=object), {}
    frame = frame[frame.geometry.intersects(shapely.box(*box))]
    names = [n for n in layer.properties if n in frame]
    return np.asarray(frame.geometry.values, dtype=object), {n: frame[n].to_numpy(dtype=object) for n in names}


def plot_properties(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Plot property columns with ``area_daa`` and ``price_class`` added (``price_class`` only where priced)."""
    from landreg.prices.observations import price_class_of

    out = dict(columns)
    area = pd.to_numeric(pd.Series(columns["area_m2"], dtype=object), errors="coerce").to_numpy(dtype=float)
    out["area_daa"] = np.round(area / 1000.0, 3)
    priced = pd.notna(pd.Series(columns["price_min_nok_m2"])) | pd.notna(pd.Series(columns["price_max_nok_m2"]))
    classes: dict[tuple[Any, Any], str] = {}
    labels = np.full(len(area), None, dtype=object)
    for i in np.flatnonzero(priced.to_numpy()):
        key = (columns["price_basis"][i], columns["connection_fees_included"][i])
        if key not in classes:
            classes[key] = price_class_of(*key)
        labels[i] = classes[key]
    out["price_class"] = labels
    return out


def encode_layer_tile(geometries: Any, properties: dict[str, Any], *, layer: TileLayer, tile: TileAddress) -> bytes:
    """Encode features (EPSG:25832) as one Mapbox Vector Tile layer: to EPSG:3857, simplified, clipped.

    Each outline is simplified with the zoom's tolerance (:attr:`TileAddress.simplify_tolerance_m`,
    topology kept), clipped to the tile grown by :data:`~landreg.tiles.grid.TILE_BUFFER` units and
    quantised to the tile's 4096 units.  An outline smaller than
    :data:`~landreg.tiles.grid.POINT_BELOW_AREA_UNITS2` in the tile is a point on its surface instead.

    Returns
    -------
    bytes
        The encoded tile; empty (``b""``) when no feature reaches into the tile.
    """
    geoms_25832 = np.asarray(geometries, dtype=object)
    if len(geoms_25832) == 0:
        return b""
    geoms = to_3857(geoms_25832)
    small = shapely.area(geoms) < tile.point_below_area_m2
    if small.any():
        geoms[small] = to_3857(shapely.point_on_surface(geoms_25832[small]))
    # Quadrilaterals (most plots) have no vertex to lose; only outlines reaching out of the tile are clipped.
    detailed = ~small & (shapely.get_num_coordinates(geoms) > 5)
    geoms[detailed] = shapely.simplify(geoms[detailed], tile.simplify_tolerance_m, preserve_topology=True)
    bounds = tile.buffered_bounds_3857
    extent = shapely.bounds(geoms)
    inside = (extent[:, :2] >= bounds[:2]).all(axis=1) & (extent[:, 2:] <= bounds[2:]).all(axis=1)
    crossing = ~small & ~inside
    geoms[crossing] = shapely.clip_by_rect(geoms[crossing], *bounds)
    outside = small.copy()
    points = geoms[small]
    outside[small] = ~shapely.contains_xy(shapely.box(*bounds), shapely.get_x(points), shapely.get_y(points))
    geoms[outside] = None
    minx, _, _, maxy = tile.bounds_3857
    unit_m = tile.unit_m
    geoms = shapely.transform(geoms, lambda xy: np.column_stack([(xy[:, 0] - minx), (maxy - xy[:, 1])]) / unit_m)
    names = [n for n in layer.all_properties if n in properties]
    return encode_layer(layer.id, geoms, {n: properties[n] for n in names}, extent=TILE_EXTENT)


__all__ = ["TILE_BUFFER", "TILE_LAYERS", "TileLayer", "encode_layer_tile", "read_layer_frame", "tile_layer"]
