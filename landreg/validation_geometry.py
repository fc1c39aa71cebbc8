"""Geometry checks of a batch of plots: type, emptiness, finite coordinates, validity, CRS, extent and size.

Each check runs on the whole batch at once (shapely's array functions); a record that fails is
then looked at on its own, to say why or to repair it.  Overlaps inside the batch are found
with one STRtree.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import shapely

from landreg.errors import _ProblemList
from landreg.plot_input import geometries_to_storage_crs

MIN_AREA_M2 = 1.0
_POLYGONAL = {"Polygon", "MultiPolygon"}
_POLYGON_TYPE_ID = 3  # shapely.get_type_id
_POLYGONAL_TYPE_IDS = (3, 6)  # Polygon, MultiPolygon


class Labels(Protocol):
    """How records are named in messages, by index."""

    def __getitem__(self, index: int) -> str: ...


def check_geometry(geoms_in: np.ndarray, labels: Labels, problems: _ProblemList, *, repair: bool) -> np.ndarray:
    """Geometry checks in the input CRS, the whole batch at once; returns 2-D, possibly repaired geometries.

    Only a record that fails a check is looked at on its own (to say why, or to repair it).
    """
    n = len(geoms_in)
    out = np.empty(n, dtype=object)
    if n == 0:
        return out
    given = ~shapely.is_missing(geoms_in)
    type_ids = shapely.get_type_id(geoms_in)
    polygonal = np.isin(type_ids, _POLYGONAL_TYPE_IDS)
    empty = np.zeros(n, dtype=bool)
    empty[polygonal] = shapely.is_empty(geoms_in[polygonal])
    finite = np.ones(n, dtype=bool)
    candidates = np.flatnonzero(polygonal & ~empty)
    coords, owner = shapely.get_coordinates(geoms_in[candidates], return_index=True)
    finite[candidates[np.unique(owner[~np.isfinite(coords).all(axis=1)])]] = False
    good = candidates[finite[candidates]]
    flat = shapely.force_2d(geoms_in[good])
    valid = shapely.is_valid(flat)
    out[good[valid]] = flat[valid]
    bad = np.ones(n, dtype=bool)
    bad[good[valid]] = False
    repaired = dict(zip(good[~valid].tolist(), flat[~valid].tolist(), strict=True))
    for i in np.flatnonzero(bad).tolist():
        label, geom = labels[i], geoms_in[i]
        if not given[i]:
            problems.add(label, "geometry", "geometry is missing; expected a Polygon or MultiPolygon")
        elif not polygonal[i]:
            problems.add(label, "geometry", f"expected a Polygon or MultiPolygon, got a {geom.geom_type}")
        elif empty[i]:
            problems.add(label, "geometry", "geometry is empty; expected a non-empty polygon")
        elif not finite[i]:
            problems.add(label, "geometry", "geometry has NaN or infinite coordinates")
        else:
            out[i] = _repaired(repaired[i], label, problems, repair=repair)
    return out


def _repaired(geom: Any, label: str, problems: _ProblemList, *, repair: bool) -> Any:
    """An invalid 2-D polygon made valid (with ``repair``), else None with the reason noted."""
    reason = shapely.is_valid_reason(geom)
    if not repair:
        problems.add(label, "geometry", f"invalid geometry: {reason} (input coordinates); fix it or import with repair")
        return None
    fixed = shapely.make_valid(geom)
    polys = [g for g in shapely.get_parts(fixed) if g.geom_type in _POLYGONAL and not g.is_empty]
    if not polys:
        problems.add(label, "geometry", f"invalid geometry ({reason}) could not be repaired to a polygon")
        return None
    return shapely.union_all(polys)


def _to_multipolygon(geoms: np.ndarray) -> np.ndarray:
    """Polygons as one-part MultiPolygons (the storage type); MultiPolygons and None as they are."""
    res = np.asarray(geoms, dtype=object).copy()
    polys = np.flatnonzero(shapely.get_type_id(res) == _POLYGON_TYPE_ID)
    if len(polys):
        res[polys] = shapely.multipolygons(res[polys], indices=np.arange(len(polys)))
    return res


def check_overlaps_within(geoms: np.ndarray, labels: Labels, problems: _ProblemList, tol_m2: float) -> None:
    """Note every pair of the batch's geometries (EPSG:25832; None skipped) that overlap by more than ``tol_m2``."""
    ok = np.array([g is not None for g in geoms])
    idx = np.flatnonzero(ok)
    if len(idx) < 2:
        return
    tree = shapely.STRtree(geoms[idx])
    left, right = tree.query(geoms[idx], predicate="intersects")
    mask = left < right
    left, right = left[mask], right[mask]
    if not len(left):
        return
    inter = shapely.area(shapely.intersection(geoms[idx][left], geoms[idx][right]))
    for a, b, area in zip(left, right, inter, strict=True):
        if area > tol_m2:
            problems.add(labels[idx[b]], "geometry", f"overlaps {labels[idx[a]]} in the same batch by {area:.1f} m²")


def storage_geometries(
    geoms_in: np.ndarray,
    crs: Any,
    labels: Labels,
    problems: _ProblemList,
    *,
    repair: bool,
    extent: tuple[float, float, float, float],
    context: str,
) -> np.ndarray:
    """Geometry checks in the input CRS, then transform to EPSG:25832 and check extent and size.

    Returns MultiPolygons in EPSG:25832, None where a record's geometry was refused.
    """
    checked = check_geometry(geoms_in, labels, problems, repair=repair)
    stored = geometries_to_storage_crs(checked, crs, where=context or "input")
    minx, miny, maxx, maxy = extent
    bounds = shapely.bounds(stored)
    with np.errstate(invalid="ignore"):
        outside = (bounds[:, 0] < minx) | (bounds[:, 1] < miny) | (bounds[:, 2] > maxx) | (bounds[:, 3] > maxy)
        small = shapely.area(stored) < MIN_AREA_M2
    for i in np.flatnonzero(outside | small).tolist():
        g = stored[i]
        if outside[i]:
            bx0, by0, bx1, by1 = g.bounds
            problems.add(
                labels[i],
                "geometry",
                f"lies outside the region extent {extent} (EPSG:25832); its bounds are "
                f"({bx0:.0f}, {by0:.0f}, {bx1:.0f}, {by1:.0f}) — is the declared CRS ({crs.to_string()}) right?",
            )
        else:
            problems.add(labels[i], "geometry", f"area {g.area:.3f} m² is below the minimum {MIN_AREA_M2} m²")
        stored[i] = None
    return _to_multipolygon(stored)
