"""CRS URIs of OGC API – Features Part 2 and axis-order-aware transforms."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

from api.errors import InvalidParameterError
from landreg.registry.query import bbox_to_storage as registry_bbox_to_storage

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
STORAGE_CRS_URI = "http://www.opengis.net/def/crs/EPSG/0/25832"
SUPPORTED_CRS = [
    CRS84,
    "http://www.opengis.net/def/crs/EPSG/0/4326",
    STORAGE_CRS_URI,
    "http://www.opengis.net/def/crs/EPSG/0/25833",
]
_ALIASES = {
    "EPSG:4326": SUPPORTED_CRS[1],
    "EPSG:25832": SUPPORTED_CRS[2],
    "EPSG:25833": SUPPORTED_CRS[3],
    "CRS84": CRS84,
    "OGC:CRS84": CRS84,
}


def normalise_crs_uri(value: str | None, *, param: str = "crs") -> str:
    """The canonical URI for a supported CRS given as URI or ``EPSG:n``; CRS84 when empty."""
    if value is None or value == "":
        return CRS84
    uri = _ALIASES.get(value, value)
    if uri not in SUPPORTED_CRS:
        raise InvalidParameterError(f"{param}={value!r} is not supported; expected one of {SUPPORTED_CRS}")
    return uri


@lru_cache(maxsize=16)
def _crs(uri: str) -> CRS:
    if uri == CRS84:
        return CRS.from_user_input("OGC:CRS84")
    return CRS.from_epsg(int(uri.rsplit("/", 1)[1]))


@lru_cache(maxsize=32)
def transformer(src_uri: str, dst_uri: str) -> Transformer:
    """A transformer that respects each CRS's authority axis order (EPSG:4326 is lat, lon)."""
    return Transformer.from_crs(_crs(src_uri), _crs(dst_uri), always_xy=False)


def _needs_swap(uri: str) -> bool:
    return uri == SUPPORTED_CRS[1]  # EPSG:4326 is latitude first


def transform_geometries(geoms: np.ndarray, src_uri: str, dst_uri: str) -> np.ndarray:
    """Transform shapely geometries between two supported CRSs (coordinates in each CRS's axis order)."""
    if src_uri == dst_uri:
        return geoms
    t = transformer(src_uri, dst_uri)

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = t.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


#: Decimals of served coordinates: finer than the registry's 1 mm tolerance for "the same geometry"
#: (writes.SAME_GEOMETRY_TOLERANCE_M), so a feature read and sent back is unchanged. Metres: 3
#: (rounding moves a point at most 0.5 mm); degrees: 8 (at most 0.56 mm; 7 would move it up to 5.6 mm).
COORDINATE_DECIMALS = {CRS84: 8, SUPPORTED_CRS[1]: 8, STORAGE_CRS_URI: 3, SUPPORTED_CRS[3]: 3}


def served_geometries(geoms: np.ndarray, crs_uri: str) -> np.ndarray:
    """EPSG:25832 geometries moved to ``crs_uri`` with coordinates rounded to :data:`COORDINATE_DECIMALS`.

    Parameters
    ----------
    geoms : ndarray of shapely geometries
        Geometries in EPSG:25832 (no missing ones).
    crs_uri : str
        A supported CRS URI.

    Returns
    -------
    ndarray
        The geometries in ``crs_uri`` (its axis order), rounded in the same pass.
    """
    decimals = COORDINATE_DECIMALS[crs_uri]
    if crs_uri == STORAGE_CRS_URI:
        return shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    t = transformer(STORAGE_CRS_URI, crs_uri)

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = t.transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([x, y]), decimals)

    return shapely.transform(geoms, fn)


def bbox_to_storage(bbox: tuple[float, float, float, float], bbox_crs_uri: str) -> shapely.Geometry:
    """A bbox given in ``bbox_crs_uri`` (its axis order) as a polygon in EPSG:25832.

    The box is clipped to the area where EPSG:25832 is defined and its edges are densified
    before transforming (:func:`landreg.registry.query.bbox_to_storage`), so a box up to the
    whole world finds every feature in it.
    """
    a0, b0, a1, b1 = bbox
    if _needs_swap(bbox_crs_uri):
        a0, b0, a1, b1 = b0, a0, b1, a1  # EPSG:4326 bbox is lat,lon order: bring it to CRS84 lon,lat
    return registry_bbox_to_storage(
        (a0, b0, a1, b1), bbox_crs=_crs(CRS84 if _needs_swap(bbox_crs_uri) else bbox_crs_uri)
    )
