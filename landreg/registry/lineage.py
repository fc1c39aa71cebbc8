"""Geometry of splits and merges (pure functions, EPSG:25832)."""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import split as _split

from landreg.errors import InvalidGeometryError

#: Largest area (m²) by which split parts may differ from their parent.
SPLIT_TOLERANCE_M2 = 1.0


def split_geometry(
    parent: BaseGeometry,
    *,
    blade: BaseGeometry | None = None,
    parts: Sequence[BaseGeometry] | None = None,
    label: str = "plot",
) -> list[BaseGeometry]:
    """Split ``parent`` by a line (``blade``) or check given ``parts`` against it.

    Parts must not overlap and together must cover the parent (within
    :data:`SPLIT_TOLERANCE_M2`); a blade must cut the parent into at least two pieces.

    Raises
    ------
    InvalidGeometryError
        When the blade does not cut the plot or the parts do not tile it.
    """
    if (blade is None) == (parts is None):
        raise InvalidGeometryError(f"{label}: give either a cutting line (blade) or the parts, not both or neither")
    if blade is not None:
        if blade.geom_type not in ("LineString", "MultiLineString"):
            raise InvalidGeometryError(f"{label}: the blade must be a LineString, got a {blade.geom_type}")
        pieces: list[BaseGeometry] = []
        for poly in shapely.get_parts(parent):
            pieces.extend(shapely.get_parts(_split(poly, blade)))
        if len(pieces) < 2:
            raise InvalidGeometryError(f"{label}: the blade does not cut the plot into two or more pieces")
        return pieces
    assert parts is not None
    if len(parts) < 2:
        raise InvalidGeometryError(f"{label}: a split needs at least two parts, got {len(parts)}")
    union = shapely.union_all(list(parts))
    missing = parent.difference(union).area
    outside = union.difference(parent).area
    overlap = sum(p.area for p in parts) - union.area
    if missing > SPLIT_TOLERANCE_M2 or outside > SPLIT_TOLERANCE_M2 or overlap > SPLIT_TOLERANCE_M2:
        raise InvalidGeometryError(
            f"{label}: the parts must tile the plot exactly; {missing:.1f} m² of the plot is not covered, "
            f"{outside:.1f} m² lies outside it and {overlap:.1f} m² is covered twice"
        )
    return list(parts)


def merge_geometry(geoms: Sequence[BaseGeometry], *, labels: Sequence[str]) -> BaseGeometry:
    """Union of plots that must form one contiguous polygon.

    Raises
    ------
    InvalidGeometryError
        When the plots do not touch each other (the union is not one polygon).
    """
    if len(geoms) < 2:
        raise InvalidGeometryError(f"a merge needs at least two plots, got {len(geoms)}")
    union = shapely.union_all(list(geoms))
    union = shapely.make_valid(union) if not union.is_valid else union
    polys = [g for g in shapely.get_parts(union) if g.geom_type == "Polygon"]
    if len(polys) != 1:
        raise InvalidGeometryError(
            f"plots {', '.join(labels)} do not form one contiguous area ({len(polys)} separate parts); "
            "only touching plots can be merged"
        )
    return polys[0]
