"""A vectorised Mapbox Vector Tile (2.1) encoder for polygons and points already in tile units.

The geometry commands of every feature are computed at once with numpy (rounding to the integer
grid, dropping repeated and collapsed points, winding exteriors positive and holes negative as the
specification asks), and property values are factorised per column into the layer's value table,
so a tile of a few thousand plots encodes in milliseconds; ``mapbox-vector-tile`` spends about
0.1 ms per feature on the same work.  The protobuf wire format is written directly
(https://github.com/mapbox/vector-tile-spec/blob/master/2.1/vector_tile.proto).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely

_MOVE_TO, _LINE_TO, _CLOSE_PATH = 1, 2, 7
_POINT, _POLYGON = 1, 3


def encode_layer(name: str, geometries: Any, properties: Mapping[str, Any], *, extent: int = 4096) -> bytes:
    """One tile holding one layer of features.

    Parameters
    ----------
    name : str
        The layer's name.
    geometries : array of shapely geometries
        Polygons, multipolygons or points in tile units, x to the right and y down from the tile's
        top-left corner (``extent`` units across); coordinates are rounded to whole units.  None or
        empty geometries, and polygons that collapse on the integer grid, are left out.
    properties : mapping of str to sequence
        One value per geometry for each property; None and NaN are left out of a feature.
    extent : int
        Tile units across the tile.

    Returns
    -------
    bytes
        The encoded tile; ``b""`` when no feature is left.
    """
    geometries = np.asarray(geometries, dtype=object)
    geom_types = shapely.get_type_id(geometries)
    is_point = geom_types == 0
    streams = [b""] * len(geometries)
    kinds = np.zeros(len(geometries), dtype=np.int64)
    for at, stream in _polygon_streams(geometries, np.isin(geom_types, (3, 6))).items():
        streams[at], kinds[at] = stream, _POLYGON
    points = np.flatnonzero(is_point & ~shapely.is_empty(geometries))
    if len(points):
        xy = np.rint(shapely.get_coordinates(geometries[points])).astype(np.int64)
        ints = np.column_stack([np.full(len(points), _command(_MOVE_TO, 1)), _zigzag(xy[:, 0]), _zigzag(xy[:, 1])])
        data, lengths = _varints(ints.ravel())
        ends = np.cumsum(lengths.reshape(-1, 3).sum(axis=1))
        for k, at in enumerate(points.tolist()):
            streams[at], kinds[at] = data[ends[k - 1] if k else 0 : ends[k]], _POINT
    kept = np.flatnonzero(kinds > 0)
    if not len(kept):
        return b""
    keys, values, tags = _tag_streams(
        {k: np.asarray(v, dtype=object)[kept] for k, v in properties.items()}, n=len(kept)
    )
    layer = [b"\x78\x02", _field_bytes(1, name.encode())]
    for k, at in enumerate(kept.tolist()):
        feature = _field_bytes(2, tags[k]) + b"\x18" + bytes((int(kinds[at]),)) + _field_bytes(4, streams[at])
        layer.append(_field_bytes(2, feature))
    layer += [_field_bytes(3, key.encode()) for key in keys]
    layer += [_field_bytes(4, value) for value in values]
    layer.append(b"\x28" + _varint(extent))
    return _field_bytes(3, b"".join(layer))


def _polygon_streams(geometries: np.ndarray, is_polygon: np.ndarray) -> dict[int, bytes]:
    """Encoded geometry commands of each (multi)polygon that keeps at least one ring, by index."""
    index = np.flatnonzero(is_polygon & ~shapely.is_empty(geometries))
    if not len(index):
        return {}
    parts, part_feature = shapely.get_parts(geometries[index], return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    xy = np.rint(coords).astype(np.int64)
    # Drop each ring's closing point, then points repeating the one before them (rounding merges close points).
    last_of_ring = np.r_[coord_ring[1:] != coord_ring[:-1], True]
    keep = ~last_of_ring
    same_as_previous = np.r_[False, (coord_ring[1:] == coord_ring[:-1]) & (xy[1:] == xy[:-1]).all(axis=1)]
    keep &= ~same_as_previous
    xy, coord_ring = xy[keep], coord_ring[keep]
    # A ring whose last point came back onto its first.
    first = np.r_[True, coord_ring[1:] != coord_ring[:-1]]
    start = np.flatnonzero(first)
    ring_of_start = coord_ring[start]
    end = np.r_[start[1:], len(xy)] - 1
    closes = (xy[end] == xy[start]).all(axis=1) & (end > start)
    drop = np.zeros(len(xy), dtype=bool)
    drop[end[closes]] = True
    xy, coord_ring = xy[~drop], coord_ring[~drop]
    start = np.flatnonzero(np.r_[True, coord_ring[1:] != coord_ring[:-1]])
    ring_of_start = coord_ring[start]
    count = np.diff(np.r_[start, len(xy)])
    # Signed area (shoelace, twice the area) of every ring, in tile coordinates (y down).
    following = np.arange(1, len(xy) + 1)
    following[start + count - 1] = start
    cross = xy[:, 0] * xy[following, 1] - xy[following, 0] * xy[:, 1]
    area2 = np.add.reduceat(cross, start) if len(start) else np.zeros(0, dtype=np.int64)
    n_rings = len(rings)
    ring_points = np.zeros(n_rings, dtype=np.int64)
    ring_points[ring_of_start] = count
    ring_area2 = np.zeros(n_rings, dtype=np.int64)
    ring_area2[ring_of_start] = area2
    is_exterior = np.r_[True, ring_part[1:] != ring_part[:-1]]
    ring_ok = (ring_points >= 3) & (ring_area2 != 0)
    part_ok = np.zeros(len(parts), dtype=bool)
    part_ok[ring_part[is_exterior]] = ring_ok[is_exterior]
    ring_ok &= part_ok[ring_part]
    # Exteriors wind with a positive area, holes with a negative one: reverse the rings that do not.
    reverse = ring_ok & ((ring_area2 > 0) != is_exterior)
    ring_start = np.zeros(n_rings, dtype=np.int64)
    ring_start[ring_of_start] = start
    point_keep = ring_ok[coord_ring]
    order = np.arange(len(xy))
    flip = reverse[coord_ring]
    s, c = ring_start[coord_ring], ring_points[coord_ring]
    order[flip] = (2 * s + c - 1 - order)[flip]
    order = order[point_keep]
    pts = xy[order]
    pt_ring = coord_ring[order]
    pt_feature = part_feature[ring_part[pt_ring]]
    if not len(pts):
        return {}
    # Cursor deltas: from the feature's origin for its first point, else from the point before.
    delta = np.diff(pts, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    feature_first = np.r_[True, pt_feature[1:] != pt_feature[:-1]]
    delta[feature_first] = pts[feature_first]
    ring_first = np.r_[True, pt_ring[1:] != pt_ring[:-1]]
    first_idx = np.flatnonzero(ring_first)
    n = np.diff(np.r_[first_idx, len(pts)])
    # Per ring: MoveTo(1) x y, LineTo(n-1) (x y)*(n-1), ClosePath: 2n + 3 integers.
    out_start = np.r_[0, np.cumsum(2 * n + 3)[:-1]]
    ints = np.empty(int((2 * n + 3).sum()), dtype=np.int64)
    ints[out_start] = _command(_MOVE_TO, 1)
    ints[out_start + 3] = (_LINE_TO & 0x7) | ((n - 1) << 3)
    ints[out_start + 2 * n + 2] = _command(_CLOSE_PATH, 1)
    within = np.arange(len(pts)) - np.repeat(first_idx, n)
    slot = np.repeat(out_start, n) + 1 + 2 * within + (within > 0)
    ints[slot] = _zigzag(delta[:, 0])
    ints[slot + 1] = _zigzag(delta[:, 1])
    data, lengths = _varints(ints)
    ring_bytes = np.add.reduceat(lengths, out_start)
    ring_feature = pt_feature[first_idx]
    feature_ends = np.r_[ring_feature[1:] != ring_feature[:-1], True]
    byte_ends = np.cumsum(ring_bytes)[feature_ends]
    byte_starts = np.r_[0, byte_ends[:-1]]
    features = ring_feature[feature_ends]
    return {int(index[f]): data[a:b] for f, a, b in zip(features, byte_starts, byte_ends, strict=True)}


def _tag_streams(properties: Mapping[str, np.ndarray], *, n: int) -> tuple[list[str], list[bytes], list[bytes]]:
    """Keys, encoded values and each feature's packed tags (key index, value index pairs)."""
    keys: list[str] = []
    values: list[bytes] = []
    columns: list[np.ndarray] = []
    for name, column in properties.items():
        kind = pd.api.types.infer_dtype(column, skipna=True)
        if kind in ("floating", "mixed-integer-float"):
            column = np.asarray(column, dtype=float)
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        if not len(uniques):
            continue
        if uniques.dtype == object and all(type(v) is str for v in uniques):
            encoded: list[bytes | None] = [_field_bytes(1, v.encode()) for v in uniques]
        elif uniques.dtype.kind == "f":
            raw = np.asarray(uniques, dtype="<f8").tobytes()
            encoded = [b"\x19" + raw[8 * i : 8 * i + 8] for i in range(len(uniques))]
        else:
            encoded = [_value(v) for v in uniques]
        usable = np.array([e is not None for e in encoded])
        offset = len(values)
        index = np.cumsum(usable) - 1 + offset
        values += [e for e in encoded if e is not None]
        key = len(keys)
        keys.append(name)
        ok = codes >= 0
        ok[ok] = usable[codes[ok]]
        pairs = np.full((n, 2), -1, dtype=np.int64)
        pairs[ok, 0] = key
        pairs[ok, 1] = index[codes[ok]]
        columns.append(pairs)
    if not columns:
        return keys, values, [b""] * n
    tags = np.stack(columns, axis=1)  # feature x column x (key, value)
    present = tags[:, :, 0] >= 0
    data, lengths = _varints(tags[present].ravel())
    per_feature = np.zeros(n, dtype=np.int64)
    np.add.at(per_feature, np.nonzero(present)[0], lengths.reshape(-1, 2).sum(axis=1))
    ends = np.cumsum(per_feature)
    starts = ends - per_feature
    return keys, values, [data[a:b] for a, b in zip(starts, ends, strict=True)]


def _value(value: Any) -> bytes | None:
    """One ``Value`` message: string, double, signed integer or boolean (None for anything else)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return b"\x38" + (b"\x01" if value else b"\x00")
    if isinstance(value, int):
        return b"\x30" + _varint(_zigzag_int(value))
    if isinstance(value, float):
        return None if value != value else b"\x19" + struct.pack("<d", value)
    if isinstance(value, str):
        return _field_bytes(1, value.encode())
    return None


def _command(command: int, count: int) -> int:
    return (command & 0x7) | (count << 3)


def _zigzag(values: np.ndarray) -> np.ndarray:
    return (values << 1) ^ (values >> 63)


def _zigzag_int(value: int) -> int:
    return (value << 1) ^ (value >> 63)


def _varint_slow(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_SMALL_VARINTS = [_varint_slow(v) for v in range(1 << 14)]


def _varint(value: int) -> bytes:
    return _SMALL_VARINTS[value] if value < 16384 else _varint_slow(value)


def _field_bytes(field: int, payload: bytes) -> bytes:
    """A length-delimited field: tag, length, payload."""
    n = len(payload)
    return _SMALL_VARINTS[(field << 3) | 2] + (_SMALL_VARINTS[n] if n < 16384 else _varint_slow(n)) + payload


def _varints(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Base-128 varints of non-negative integers, concatenated, and the length of each in bytes."""
    v = values.astype(np.uint64)
    width = 10
    lengths = np.ones(len(v), dtype=np.int64)
    for k in range(1, width):
        lengths += v >= np.uint64(1 << (7 * k))
    groups = np.empty((len(v), int(lengths.max()) if len(v) else 1), dtype=np.uint8)
    for k in range(groups.shape[1]):
        more = np.where(lengths > k + 1, 0x80, 0).astype(np.uint8)
        groups[:, k] = ((v >> np.uint64(7 * k)) & np.uint64(0x7F)).astype(np.uint8) | more
    mask = np.arange(groups.shape[1]) < lengths[:, None]
    return groups[mask].tobytes(), lengths


__all__ = ["encode_layer"]
