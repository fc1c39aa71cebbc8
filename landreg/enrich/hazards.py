"""Hazard and constraint shares per plot, with an explicit "not checked".

For each layer (quick clay, flood, protected areas, …) a plot gets the share
of its area inside the layer's polygons and a three-valued status:

``inside``
    the share is above zero (overlap more than :data:`MIN_OVERLAP_M2`);
``clear``
    the plot lies wholly inside the layer's *coverage* (where the hazard was
    mapped) and the share is zero;
``not_checked``
    otherwise — part of the plot lies where nobody mapped the hazard.  This
    is never reported as ``clear``, and its share is NaN, not 0.

A layer given without a coverage (``coverage=None``) is taken to be mapped
everywhere (e.g. protected areas, a complete national register).

Overlapping polygons of one layer (nested flood zones of several return
periods) are dissolved first, so shares never exceed 1.  Shares come from
vectorised shapely: an STRtree query of the plots against the dissolved
parts, one :func:`shapely.intersection` over all candidate pairs, areas
summed per plot with ``bincount``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.crs import to_storage_crs

#: Overlaps smaller than this (m²) are rounding noise of touching edges, not "inside".
MIN_OVERLAP_M2 = 0.01
#: Share of a plot's area that must lie in the coverage to count as fully covered.
FULL_COVERAGE_SHARE = 1.0 - 1e-9
STATUSES = ("inside", "clear", "not_checked")


@dataclass(frozen=True)
class HazardLayer:
    """One hazard or constraint layer.

    Attributes
    ----------
    name : str
        Column prefix: gives ``<name>_share`` and ``<name>_status``.
    zones : GeoDataFrame or None
        The hazard polygons (declared CRS); None when the layer is not available
        (every plot is then ``not_checked``).
    coverage : GeoDataFrame or None
        Where the hazard was mapped; None means mapped everywhere.
    """

    name: str
    zones: gpd.GeoDataFrame | None
    coverage: gpd.GeoDataFrame | None = None


def _dissolved_parts(frame: gpd.GeoDataFrame, *, where: str) -> np.ndarray:
    frame = to_storage_crs(frame, where=where)
    geoms = frame.geometry.to_numpy()
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if not len(geoms):
        return np.empty(0, dtype=object)
    geoms = shapely.make_valid(geoms)
    merged = shapely.union_all(geoms)
    parts = shapely.get_parts(merged)
    return parts[shapely.get_type_id(parts) == 3]  # polygons only (drops slivers of lower dimension)


def _overlap_m2(plots: np.ndarray, parts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(plots))
    if not len(parts) or not len(plots):
        return out
    tree = shapely.STRtree(parts)
    left, right = tree.query(plots, predicate="intersects")
    if len(left):
        areas = shapely.area(shapely.intersection(plots[left], parts[right]))
        out += np.bincount(left, weights=areas, minlength=len(plots))
    return out


def compute_hazard_shares(plots: gpd.GeoDataFrame, layers: Sequence[HazardLayer]) -> pd.DataFrame:
    """Share of each plot inside each hazard layer, with inside / clear / not_checked.

    Parameters
    ----------
    plots : GeoDataFrame
        Plot polygons with a declared CRS (EPSG:25832 after transform).
    layers : sequence of HazardLayer
        Hazard zones and, when partly mapped, the area the mapping covers.

    Returns
    -------
    DataFrame
        Indexed like ``plots``: ``<name>_share`` (0–1; NaN when ``not_checked``;
        a lower bound when ``inside`` but only partly mapped) and
        ``<name>_status`` per layer.  A layer without zones gives NaN and ``not_checked``.
    """
    plots = to_storage_crs(plots, where="plots")
    geoms = shapely.make_valid(plots.geometry.to_numpy())
    area = shapely.area(geoms)
    out = pd.DataFrame(index=plots.index)
    for layer in layers:
        if layer.zones is None:
            out[f"{layer.name}_share"] = np.nan
            out[f"{layer.name}_status"] = np.array(["not_checked"] * len(plots), dtype=object)
            continue
        overlap = _overlap_m2(geoms, _dissolved_parts(layer.zones, where=f"{layer.name} zones"))
        if layer.coverage is None:
            covered = np.ones(len(plots), dtype=bool)
        else:
            mapped = _overlap_m2(geoms, _dissolved_parts(layer.coverage, where=f"{layer.name} coverage"))
            covered = mapped >= area * FULL_COVERAGE_SHARE - MIN_OVERLAP_M2
        inside = overlap > MIN_OVERLAP_M2
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(inside, np.minimum(overlap / area, 1.0), np.where(covered, 0.0, np.nan))
        status = np.where(inside, "inside", np.where(covered, "clear", "not_checked")).astype(object)
        out[f"{layer.name}_share"] = share
        out[f"{layer.name}_status"] = status
    return out
