"""Coordinate reference systems: storage in EPSG:25832, transforms only at the edges."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from pyproj import CRS
from pyproj.exceptions import CRSError as _PyprojCRSError

from landreg.errors import CRSError

STORAGE_EPSG = 25832
STORAGE_CRS = CRS.from_epsg(STORAGE_EPSG)
WEB_CRS = CRS.from_user_input("OGC:CRS84")

#: Extent of Trondheimsregionen's ten municipalities in EPSG:25832 (minx, miny, maxx, maxy),
#: from Kartverket's municipality polygons, widened by about 10 km.
REGION_EXTENT_25832: tuple[float, float, float, float] = (498_000.0, 6_937_000.0, 646_000.0, 7_093_000.0)


def parse_crs(value: Any, *, where: str = "input") -> CRS:
    """Parse a CRS given as EPSG code, ``"EPSG:…"``, URI, WKT or :class:`pyproj.CRS`.

    Raises
    ------
    CRSError
        When the value is empty or not a CRS that pyproj knows.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CRSError(f"{where} has no coordinate reference system; declare one, e.g. EPSG:25832 or EPSG:4326")
    if isinstance(value, str) and value.startswith("http://www.opengis.net/def/crs/"):
        parts = value.rstrip("/").split("/")
        value = f"{parts[-3]}:{parts[-1]}"
    try:
        return CRS.from_user_input(value)
    except _PyprojCRSError as exc:
        raise CRSError(
            f"{where}: unknown coordinate reference system {value!r}; expected an EPSG code such as "
            "EPSG:25832 or EPSG:4326, an OGC URI or WKT"
        ) from exc


def to_storage_crs(frame: gpd.GeoDataFrame, *, where: str = "input") -> gpd.GeoDataFrame:
    """Return ``frame`` in EPSG:25832, transforming with pyproj when needed.

    Raises
    ------
    CRSError
        When the frame has no CRS (never guessed) or it cannot be transformed.
    """
    if frame.crs is None:
        raise CRSError(
            f"{where} has no coordinate reference system; declare one (e.g. EPSG:25832 or EPSG:4326) — "
            "landreg never guesses"
        )
    if frame.crs.equals(STORAGE_CRS):
        return frame
    try:
        return frame.to_crs(STORAGE_CRS)
    except Exception as exc:  # pyproj raises several types here
        raise CRSError(f"{where}: cannot transform from {frame.crs.to_string()} to EPSG:25832 ({exc})") from exc
