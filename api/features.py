"""GeoJSON features from frames, in the requested CRS, serialised with orjson."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import shapely
from fastapi.responses import Response

from api.crs import CRS84, served_geometries
from landreg.json_values import json_value
from landreg.model.plot import JSON_FIELDS

GEOJSON = "application/geo+json"
_JSON_FIELDS = {"utilities", "occupants", "provenance", "previously_part_of", "outcomes"}
_PLAIN = frozenset({str, int, float, bool, type(None)})
_PLAIN_OR_PARSED = _PLAIN | {list, dict}


def records_to_features(
    records: list[dict[str, Any]], geometries: np.ndarray, *, id_column: str, crs_uri: str
) -> list[dict[str, Any]]:
    """Features from plain records and EPSG:25832 geometries (the fast path: GeoJSON geometry written by GEOS)."""
    geoms = np.asarray(geometries, dtype=object)
    present = np.array([g is not None for g in geoms], dtype=bool)
    texts = np.full(len(geoms), None, dtype=object)
    if present.any():
        moved = served_geometries(geoms[present], crs_uri)
        texts[present] = shapely.to_geojson(moved)
    out = []
    for rec, text in zip(records, texts, strict=True):
        # Registry records hold plain values and JSON parsed from text; orjson writes them as they
        # are (NaN and infinity as null, as json_value would); anything else is made JSON-safe.
        # A record of plain values only (lists and dicts: parsed JSON) is copied in one call.
        if _PLAIN_OR_PARSED.issuperset(map(type, rec.values())):
            props = dict(rec)
        else:
            props = {k: v if type(v) in _PLAIN or k in JSON_FIELDS else json_value(v) for k, v in rec.items()}
        if props.get("area_m2") is not None:
            props["area_daa"] = round(props["area_m2"] / 1000.0, 3)
        out.append(
            {
                "type": "Feature",
                "id": props.get(id_column),
                "geometry": None if text is None else orjson.Fragment(text),
                "properties": props,
            }
        )
    return out


def frame_to_features(
    frame: gpd.GeoDataFrame, *, id_column: str, crs_uri: str, extra: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Features (dicts) of a frame stored in EPSG:25832, with geometry in ``crs_uri``."""
    geoms = np.asarray(frame.geometry.values, dtype=object)
    present = np.array([g is not None for g in geoms], dtype=bool)
    if present.any():
        geoms = geoms.copy()
        geoms[present] = served_geometries(geoms[present], crs_uri)
    cols = [c for c in frame.columns if c != frame.geometry.name]
    out = []
    for rec, geom in zip(frame[cols].to_dict(orient="records"), geoms, strict=True):
        props = {k: json_value(v) for k, v in rec.items()}
        if "area_m2" in props and props["area_m2"] is not None:
            props["area_daa"] = round(props["area_m2"] / 1000.0, 3)
        if extra:
            props.update(extra)
        out.append(
            {
                "type": "Feature",
                "id": props.get(id_column),
                "geometry": None if geom is None else shapely.geometry.mapping(geom),
                "properties": props,
            }
        )
    return out


#: The columns of a scored plot that a scores FeatureCollection carries (besides ``contrib_*``).
SCORE_FEATURE_COLUMNS = (
    "plot_id",
    "code",
    "name",
    "municipality_no",
    "business_area_id",
    "status",
    "area_m2",
    "score",
    "rank",
    "percentile",
    "excluded",
)


def scores_feature_collection(result: Any, *, limit: int) -> dict[str, Any]:
    """The best ``limit`` scored plots as a CRS84 FeatureCollection, each carrying the profile record.

    Parameters
    ----------
    result : ScoreResult
        Scores of plots stored in EPSG:25832 (:func:`landreg.analysis.score_registry`).
    limit : int
        How many plots, best first (excluded plots last).

    Returns
    -------
    dict
        A GeoJSON FeatureCollection: score, rank, percentile and the contribution of each criterion.
    """
    frame = result.frame.sort_values(["excluded", "rank"], na_position="last").head(limit)
    keep = [c for c in frame.columns if c in SCORE_FEATURE_COLUMNS or c.startswith("contrib_")]
    features = frame_to_features(
        frame[[*keep, "geometry"]], id_column="plot_id", crs_uri=CRS84, extra=result.profile.record()
    )
    return {"type": "FeatureCollection", "features": features}


def geojson_response(
    body: dict[str, Any], *, crs_uri: str | None = None, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A ``application/geo+json`` response (with ``Content-Crs`` when a CRS is given)."""
    h = dict(headers or {})
    if crs_uri is not None:
        h["Content-Crs"] = f"<{crs_uri}>"
    return Response(
        orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY), status_code=status_code, media_type=GEOJSON, headers=h
    )


def json_response(
    body: Any, *, status_code: int = 200, media_type: str = "application/json", headers: dict[str, str] | None = None
) -> Response:
    """A JSON response serialised with orjson."""
    return Response(
        orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY),
        status_code=status_code,
        media_type=media_type,
        headers=headers,
    )
