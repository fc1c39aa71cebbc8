"""GeoJSON reading and writing with nested properties kept as JSON arrays and objects.

Output follows RFC 7946 (CRS84 longitude/latitude) unless another CRS is
asked for, in which case the (pre-RFC) ``crs`` member names it so that the
file can be read back without guessing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landreg.crs import WEB_CRS, parse_crs
from landreg.errors import Problem, ValidationError
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
    rows, geoms, problems = [], [], []
    for i, feat in enumerate(features):
        props = dict(feat.get("properties") or {})
        if "id" in feat and "plot_id" not in props and isinstance(feat["id"], str):
            props["plot_id"] = feat["id"]
        g = feat.get("geometry")
        try:
            geoms.append(None if g is None else shapely.geometry.shape(g))
        except Exception as exc:  # shapely raises several types for bad GeoJSON
            problems.append(Problem(f"feature {i}", "geometry", f"not a valid GeoJSON geometry: {exc}"))
            geoms.append(None)
        rows.append(
            {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v) for k, v in props.items()}
        )
    if problems:
        raise ValidationError(problems, context=path.name)
    return gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geoms, crs=src_crs), crs=src_crs)
