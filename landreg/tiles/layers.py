"""What each tiled collection holds, and the in-process encoder (used on GeoPackage registries).

Each tiled collection is one vector-tile layer of the same name.  Plots carry their code,
status, zoning, readiness, area (m² and decares) and asking price with its price class
(basis and connection fees, as :func:`landreg.prices.observations.price_class_of` names it);
business areas carry their id, name, type and nuisance class.  Missing values are left out
of a feature's properties (vector tiles have no null).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
import shapely

from landreg.errors import EntityNotFoundError
from landreg.registry.base import EntityTables, PlotStore
from landreg.tiles.grid import MIN_FEATURE_AREA_UNITS2, TILE_BUFFER, TILE_EXTENT, TileAddress, query_box_25832, to_3857

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


class LayerSource(PlotStore, EntityTables, Protocol):
    """What the tile layers are read from: the plots and the business areas of a registry."""


def read_layer_frame(registry: LayerSource, *, layer: TileLayer, tile: TileAddress) -> Any:
    """The layer's current features that may reach into ``tile`` (EPSG:25832), read through the spatial index."""
    from landreg.registry import PlotQuery

    box = query_box_25832(tile)
    if box is None:
        return None
    if layer.id == "plots":
        return registry.query_plots(PlotQuery(bbox=box, min_area_m2=tile.min_stored_area_m2))
    frame = registry.load_business_areas()
    if len(frame) == 0:
        return frame
    minx, miny, maxx, maxy = box
    return frame[frame.geometry.intersects(shapely.box(minx, miny, maxx, maxy))]


def add_derived_properties(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``area_daa`` and ``price_class`` to a frame of plots (``price_class`` only where priced)."""
    from landreg.prices.observations import price_class_of
    from landreg.units import daa_from_m2

    out = frame.copy()
    out["area_daa"] = [None if pd.isna(a) else round(float(daa_from_m2(a)), 3) for a in out["area_m2"]]
    priced = out["price_min_nok_m2"].notna() | out["price_max_nok_m2"].notna()
    out["price_class"] = [
        price_class_of(b, f) if p else None
        for b, f, p in zip(out["price_basis"], out["connection_fees_included"], priced, strict=True)
    ]
    return out


def encode_layer_tile(frame: Any, *, layer: TileLayer, tile: TileAddress) -> bytes:
    """Encode features (EPSG:25832) as one Mapbox Vector Tile layer: to EPSG:3857, simplified, clipped.

    Each geometry is simplified with the zoom's tolerance (:attr:`TileAddress.simplify_tolerance_m`,
    topology kept), clipped to the tile grown by :data:`~landreg.tiles.grid.TILE_BUFFER` units and
    quantised to the tile's 4096 units; features left smaller than
    :data:`~landreg.tiles.grid.MIN_FEATURE_AREA_UNITS2` are dropped.

    Returns
    -------
    bytes
        The encoded tile; empty (``b""``) when no feature reaches into the tile.
    """
    import mapbox_vector_tile

    if frame is None or len(frame) == 0:
        return b""
    if layer.id == "plots":
        frame = add_derived_properties(frame)
    geoms = to_3857(np.asarray(frame.geometry.values, dtype=object))
    geoms = shapely.simplify(geoms, tile.simplify_tolerance_m, preserve_topology=True)
    geoms = shapely.clip_by_rect(geoms, *tile.buffered_bounds_3857)
    minx, miny, _, _ = tile.bounds_3857
    unit_m = tile.unit_m
    # To tile units on the integer grid, as the tile stores them: outlines that collapse there are dropped.
    geoms = shapely.transform(geoms, lambda xy: (xy - (minx, miny)) / unit_m)
    geoms = shapely.set_precision(geoms, 1.0)
    keep = ~shapely.is_empty(geoms) & (shapely.area(geoms) >= MIN_FEATURE_AREA_UNITS2)
    if not keep.any():
        return b""
    names = [n for n in layer.all_properties if n in frame]
    features = [
        {"geometry": geom, "properties": _properties(row, names)}
        for geom, row, k in zip(geoms, frame[names].itertuples(index=False, name=None), keep, strict=True)
        if k
    ]
    encoded: bytes = mapbox_vector_tile.encode(
        [{"name": layer.id, "features": features}],
        default_options={
            "quantize_bounds": None,  # already on the tile grid (set_precision above)
            "extents": TILE_EXTENT,
            "y_coord_down": False,
            "check_winding_order": True,
        },
    )
    return encoded


def _properties(values: Iterable[Any], names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        if value is None or (not isinstance(value, str | bool | list | dict) and pd.isna(value)):
            continue
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, list | dict):
            continue
        out[name] = value
    return out


__all__ = ["TILE_BUFFER", "TILE_LAYERS", "TileLayer", "encode_layer_tile", "read_layer_frame", "tile_layer"]
