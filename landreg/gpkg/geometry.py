"""GeoPackage binary geometry (the ``GP`` header followed by ISO WKB).

See OGC GeoPackage 1.3, clause 2.1.3.  Encoding writes a little-endian header
with an XY envelope; decoding accepts every envelope kind.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np
import shapely

_MAGIC = b"GP"
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_HEADER = struct.Struct("<2sBBi4d")  # magic, version, flags, srs_id, minx, maxx, miny, maxy
_FLAGS_LE_XY = 0b0000_0011  # little endian, envelope [minx, maxx, miny, maxy]
_FLAGS_LE_EMPTY = 0b0001_0001  # little endian, empty geometry, no envelope


def encode_geometries(geoms: Sequence[shapely.Geometry] | np.ndarray, srs_id: int) -> list[bytes | None]:
    """Encode shapely geometries as GeoPackage binary blobs.

    Parameters
    ----------
    geoms : array of shapely geometries (None allowed)
        Geometries in the CRS of ``srs_id``; None is written as NULL.
    srs_id : int
        The ``srs_id`` written into each header (e.g. 25832).

    Returns
    -------
    list of bytes or None
    """
    arr = np.asarray(geoms, dtype=object)
    wkb = shapely.to_wkb(arr, byte_order=1, include_srid=False, flavor="iso")
    bounds = shapely.bounds(arr)
    empty = shapely.is_empty(arr)
    out: list[bytes | None] = []
    pack = _HEADER.pack
    for blob, (minx, miny, maxx, maxy), is_empty in zip(wkb, bounds, empty, strict=True):
        if blob is None:
            out.append(None)
        elif is_empty:
            out.append(struct.pack("<2sBBi", _MAGIC, 0, _FLAGS_LE_EMPTY, srs_id) + blob)
        else:
            out.append(pack(_MAGIC, 0, _FLAGS_LE_XY, srs_id, minx, maxx, miny, maxy) + blob)
    return out


def _wkb_offset(blob: bytes) -> int:
    if blob[:2] != _MAGIC:
        raise ValueError("not a GeoPackage geometry blob (missing 'GP' magic)")
    flags = blob[3]
    indicator = (flags >> 1) & 0b111
    if indicator not in _ENVELOPE_BYTES:
        raise ValueError(f"invalid GeoPackage envelope indicator {indicator}")
    return 8 + _ENVELOPE_BYTES[indicator]


def decode_geometries(blobs: Sequence[bytes | None]) -> np.ndarray:
    """Decode GeoPackage binary blobs to an array of shapely geometries."""
    wkbs = [None if b is None else bytes(b[_wkb_offset(b) :]) for b in blobs]
    return shapely.from_wkb(np.asarray(wkbs, dtype=object))


def blob_envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """Envelope ``(minx, maxx, miny, maxy)`` of a blob, or None when empty or null.

    Used by the SQL functions ``ST_MinX`` … that the R-tree triggers call.
    """
    if blob is None:
        return None
    flags = blob[3]
    if flags & 0b1_0000:
        return None
    indicator = (flags >> 1) & 0b111
    if indicator:
        order = "<" if flags & 1 else ">"
        return struct.unpack_from(order + "4d", blob, 8)
    geom = shapely.from_wkb(bytes(blob[_wkb_offset(blob) :]))
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return (minx, maxx, miny, maxy)


def blob_is_empty(blob: bytes | None) -> int:
    """1 when the blob is flagged or decodes as empty, else 0 (``ST_IsEmpty``)."""
    if blob is None:
        return 1
    return int(blob_envelope(blob) is None)
