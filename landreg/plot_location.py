"""Where a plot lies: its municipality and business area, derived from its geometry.

A plot's ``municipality_no`` and ``business_area_id`` follow the ground: the municipality (of
the municipality layer) and the business area (of the registry's outlines) that hold the
largest part of its area. A value given with a plot is checked against them, and a
contradiction is refused with both named, so that a label can never move a plot into a
municipality it does not lie in (the role of an editor is checked against the ground).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from landreg.errors import InvalidGeometryError, LocationMismatchError
from landreg.municipalities import TRONDELAG_MUNICIPALITIES, municipality_no_from_ref


@dataclass(frozen=True)
class PlotLocation:
    """The municipality and business area holding the largest share of a plot's area.

    Attributes
    ----------
    municipality_no : str or None
        Kommunenummer; None when the plot lies in no municipality of the layer.
    municipality_share : float
        Share (0–1) of the plot's area in that municipality.
    business_area_id : str or None
        The business area holding the largest share; None when the plot touches none.
    business_area_share : float
        Share (0–1) of the plot's area in that business area.
    """

    municipality_no: str | None
    municipality_share: float
    business_area_id: str | None
    business_area_share: float

    def municipality_text(self) -> str:
        """``"5001 Trondheim - Tråante (100 % of its area)"`` for messages."""
        if self.municipality_no is None:
            return "no municipality of the municipality layer"
        name = TRONDELAG_MUNICIPALITIES.get(self.municipality_no, "")
        return f"{self.municipality_no} {name} ({self.municipality_share:.0%} of its area)".replace("  ", " ")


def locate_plot(
    geometry: Any, *, municipalities: gpd.GeoDataFrame, business_areas: gpd.GeoDataFrame | None = None
) -> PlotLocation:
    """The municipality and business area that hold the largest part of ``geometry``.

    Parameters
    ----------
    geometry : shapely geometry
        The plot, in EPSG:25832.
    municipalities : GeoDataFrame
        The municipality layer (``kommunenummer``, polygons); reprojected to EPSG:25832 if needed.
    business_areas : GeoDataFrame, optional
        Business-area outlines (``area_id``, polygons), as ``registry.load_business_areas()`` gives.

    Returns
    -------
    PlotLocation

    Raises
    ------
    InvalidGeometryError
        When ``geometry`` is not a polygon with an area (a plot cannot lie anywhere otherwise).
    """
    polygonal = geometry is not None and geometry.geom_type in ("Polygon", "MultiPolygon")
    if polygonal:
        geometry = shapely.make_valid(geometry)  # the shares of a self-crossing ring still say where it lies
    if not polygonal or not geometry.area > 0:
        kind = "nothing" if geometry is None else f"a {geometry.geom_type} without area"
        raise InvalidGeometryError(f"a plot's geometry is a Polygon or MultiPolygon with an area; got {kind}")
    muni_no, muni_share = _largest_share(geometry, municipalities, "kommunenummer")
    area_id, area_share = (None, 0.0)
    if business_areas is not None and len(business_areas):
        area_id, area_share = _largest_share(geometry, business_areas, "area_id")
    return PlotLocation(muni_no, muni_share, area_id, area_share)


def _largest_share(geometry: Any, layer: gpd.GeoDataFrame, id_column: str) -> tuple[str | None, float]:
    """The id of the feature of ``layer`` holding the largest part of ``geometry``, and that share."""
    frame = layer if layer.crs is None or layer.crs.to_epsg() == 25832 else layer.to_crs(25832)
    polygons = np.asarray(frame.geometry.values, dtype=object)
    candidates = shapely.STRtree(polygons).query(geometry, predicate="intersects")
    if len(candidates) == 0:
        return None, 0.0
    shares = shapely.area(shapely.intersection(polygons[candidates], geometry)) / geometry.area
    best = int(np.argmax(shares))
    if shares[best] <= 0:
        return None, 0.0
    return str(frame[id_column].iloc[candidates[best]]), float(shares[best])


def located_fields(given: Mapping[str, Any], location: PlotLocation) -> dict[str, Any]:
    """The municipality and business-area fields of a plot lying at ``location``.

    A field given (in ``given``) must name what the ground says; a field left out is
    filled in from the ground (the municipality's name with it).

    Parameters
    ----------
    given : mapping
        The plot's fields as sent: ``municipality_no`` (number or name), ``business_area_id``.
    location : PlotLocation
        Where the plot's geometry lies (:func:`locate_plot`).

    Returns
    -------
    dict
        ``municipality_no``, ``municipality_name`` (None: derived from the number) and
        ``business_area_id``, to store with the plot.

    Raises
    ------
    LocationMismatchError
        When the plot lies in no municipality, or a given municipality or business area is
        not the one the geometry lies in; the message names both.
    """
    if location.municipality_no is None:
        raise LocationMismatchError(
            "the geometry lies in no municipality of the municipality layer; check its coordinates and their CRS"
        )
    out: dict[str, Any] = {"municipality_no": location.municipality_no}
    sent = given.get("municipality_no")
    if sent is not None and municipality_no_from_ref(str(sent)) != location.municipality_no:
        raise LocationMismatchError(
            f"municipality_no {sent!r} does not match the ground: the geometry lies in "
            f"{location.municipality_text()}; leave municipality_no out to have it derived, or correct the geometry"
        )
    if sent is None or given.get("municipality_name") is None:
        out["municipality_name"] = None  # derived from the number
    area = given.get("business_area_id")
    if area is not None and str(area) != location.business_area_id:
        where = (
            f"business area {location.business_area_id!r} ({location.business_area_share:.0%} of its area)"
            if location.business_area_id is not None
            else "no business area"
        )
        raise LocationMismatchError(
            f"business_area_id {area!r} does not match the ground: the geometry lies in {where}; "
            "leave business_area_id out to have it derived, or correct the geometry"
        )
    out["business_area_id"] = location.business_area_id
    return out
