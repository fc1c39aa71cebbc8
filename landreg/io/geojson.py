"""GeoJSON reading and writing with nested properties kept as JSON arrays and objects.

Output follows RFC 7946 (CRS84 longitude/latitude) unless another CRS is
asked for, in which case the (pre-RFC) ``crs`` member names it so that the
file can be read back without guessing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landreg.crs import WEB_CRS, parse_crs
from landreg.errors import InvalidGeometryError, Problem, ValidationError
from landreg.json_values import json_value


def frame_to_feature_collection(
    frame: gpd.GeoDataFrame, *, id_column: str | None = "plot_id", precision: int | None = None
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection dict of ``frame`` in the frame's own CRS."""
    attrs = [c for c in frame.columns if c != frame.geometry.name]
    features = []
    geoms = frame.geometry.values
    if precision is not None:
        geoms = shapely.set_precision(np.asarray(geoms, dtype=object), 10.0**-precision)
    for rec, geom in zip(frame[attrs].to_dict(orient="records"), geoms, strict=True):
        props = {k: json_value(v) for k, v in rec.items()}
        feat: dict[str, Any] = {"type": "Feature"}
        if id_column and props.get(id_column) is not None:
            feat["id"] = props[id_column]
        feat["geometry"] = None if geom is None else shapely.geometry.mapping(geom)
        feat["properties"] = props
        features.append(feat)
    return {"type": "FeatureCollection", "features": features}


def write_geojson(frame: gpd.GeoDataFrame, path: str | Path, *, crs: Any = None) -> None:
    """Write ``frame`` as GeoJSON (CRS84 by default; ``crs`` to keep another)."""
    target = WEB_CRS if crs is None else parse_crs(crs)
    out = frame.to_crs(target)
    fc = frame_to_feature_collection(out)
    if not target.equals(WEB_CRS) and not target.equals(CRS.from_epsg(4326)):
        fc["crs"] = {"type": "name", "properties": {"name": target.to_string()}}
    Path(path).write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")


def read_geojson(path: str | Path, *, crs: Any = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON FeatureCollection; its ``crs`` member (or ``crs``) wins over CRS84."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([Problem(path.name, "file", f"not valid JSON: {exc}")], context="import") from exc
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise ValidationError(
            [Problem(path.name, "type", "expected a GeoJSON FeatureCollection or Feature")], context="import"
        )
    features = doc["features"] if doc["type"] == "FeatureCollection" else [doc]
    declared = (doc.get("crs") or {}).get("properties", {}).get("name")
    src_crs = parse_crs(crs or declared or "OGC:CRS84", where=path.name)
    return _features_frame(features, crs=src_crs, name=path.name)


def read_geojson_seq(path: str | Path, *, crs: Any = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON text sequence: one Feature per line, each optionally led by RS (RFC 8142); CRS84 unless ``crs``.

    Raises
    ------
    ValidationError
        Naming the line of a record that is not a GeoJSON Feature.
    """
    path = Path(path)
    features, problems = [], []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            text = line.strip().lstrip("\x1e").strip()
            if not text:
                continue
            try:
                feat = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(Problem(f"{path.name} line {number}", "record", f"not valid JSON: {exc}"))
                continue
            if not isinstance(feat, dict) or feat.get("type") != "Feature":
                problems.append(Problem(f"{path.name} line {number}", "type", "expected a GeoJSON Feature"))
                continue
            features.append(feat)
    if problems:
        raise ValidationError(problems, context="import")
    return _features_frame(features, crs=parse_crs(crs or "OGC:CRS84", where=path.name), name=path.name)


def _features_frame(features: list[Any], *, crs: CRS, name: str) -> gpd.GeoDataFrame:
    """GeoJSON Features as a frame in ``crs`` (nested properties as JSON text); geometries checked strictly."""
    src_crs = crs
    rows, geoms, problems = [], [], []
    for i, feat in enumerate(features):
        props = dict(feat.get("properties") or {})
        if "id" in feat and "plot_id" not in props and isinstance(feat["id"], str):
            props["plot_id"] = feat["id"]
        g = feat.get("geometry")
        try:
            geoms.append(None if g is None else geometry_from_geojson(g))
        except InvalidGeometryError as exc:
            problems.append(Problem(f"feature {i}", "geometry", f"not a valid GeoJSON geometry: {exc}"))
            geoms.append(None)
        rows.append(
            {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v) for k, v in props.items()}
        )
    if problems:
        raise ValidationError(problems, context=name)
    return gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geoms, crs=src_crs), crs=src_crs)


#: GeoJSON geometry types with coordinates, and how deep their position arrays nest.
_NESTING = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def geometry_from_geojson(obj: Any) -> shapely.Geometry:
    """A shapely geometry from a GeoJSON geometry object, checked strictly against RFC 7946.

    Nothing is repaired: an unclosed ring, a ring of fewer than four positions, a coordinate
    given as a string (or a boolean, NaN or infinity) and an unknown type are refused,
    so that what is stored is what the client sent.

    Parameters
    ----------
    obj : dict
        A GeoJSON geometry (``{"type": ..., "coordinates": ...}`` or a GeometryCollection),
        coordinates in whatever CRS the caller declares.

    Returns
    -------
    shapely.Geometry

    Raises
    ------
    InvalidGeometryError
        Naming the position (``coordinates[0][3]``) and what was wrong there.
    """
    if not isinstance(obj, dict):
        raise InvalidGeometryError(f"expected a GeoJSON geometry object, got {_json_kind(obj)}")
    kind = obj.get("type")
    if kind == "GeometryCollection":
        members = obj.get("geometries")
        if not isinstance(members, list):
            raise InvalidGeometryError(f"geometries: expected an array, got {_json_kind(members)}")
        parts = []
        for i, member in enumerate(members):
            if isinstance(member, dict) and member.get("type") == "GeometryCollection":
                raise InvalidGeometryError(f"geometries[{i}]: a GeometryCollection inside another is not accepted")
            try:
                parts.append(geometry_from_geojson(member))
            except InvalidGeometryError as exc:
                raise InvalidGeometryError(f"geometries[{i}]: {exc}") from None
        return shapely.GeometryCollection(parts)
    if kind not in _NESTING:
        raise InvalidGeometryError(
            f"unknown geometry type {kind!r}; expected one of {', '.join([*_NESTING, 'GeometryCollection'])}"
        )
    coords = obj.get("coordinates")
    _check_coordinates(coords, kind=kind, depth=_NESTING[kind], path="coordinates")
    return shapely.geometry.shape({"type": kind, "coordinates": coords})


def _check_coordinates(value: Any, *, kind: str, depth: int, path: str) -> None:
    """Check a (nested) coordinate array of a ``kind`` geometry ``depth`` levels above its positions."""
    if depth == 0:
        _check_position(value, path=path)
        return
    if not isinstance(value, list):
        raise InvalidGeometryError(f"{path}: expected an array, got {_json_kind(value)}")
    for i, item in enumerate(value):
        _check_coordinates(item, kind=kind, depth=depth - 1, path=f"{path}[{i}]")
    if depth == 1 and kind in ("Polygon", "MultiPolygon"):
        _check_ring(value, path=path)
    elif depth == 1 and kind in ("LineString", "MultiLineString") and len(value) < 2:
        raise InvalidGeometryError(f"{path}: a line needs at least 2 positions, got {len(value)}")


def _check_ring(ring: list[Any], *, path: str) -> None:
    if len(ring) < 4:
        raise InvalidGeometryError(
            f"{path}: a polygon ring needs at least 4 positions (the first repeated at the end), got {len(ring)}"
        )
    if ring[0] != ring[-1]:
        raise InvalidGeometryError(
            f"{path}: the ring is not closed: its first position {ring[0]} differs from its last {ring[-1]}; "
            "repeat the first position at the end"
        )


def _check_position(value: Any, *, path: str) -> None:
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        raise InvalidGeometryError(f"{path}: a position is an array of 2 or 3 numbers, got {value!r}")
    for i, number in enumerate(value):
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise InvalidGeometryError(
                f"{path}[{i}]: coordinates are JSON numbers, got {_json_kind(number)} {number!r}"
            )
        if not math.isfinite(number):
            raise InvalidGeometryError(f"{path}[{i}]: coordinates are finite numbers, got {number!r}")


def _json_kind(value: Any) -> str:
    """The JSON name of a parsed value's type (for messages in the client's terms)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"
