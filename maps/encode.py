"""Light geometry for web maps: simplify in metres, transform to CRS84, round to a precision suited to the zoom.

Two encodings:

* :func:`geojson_collection` — a GeoJSON FeatureCollection (CRS84) with
  coordinates rounded to ``decimals`` (5 decimals ≈ 1 m), for the context layers;
* :func:`encode_polygons` — the plot layer's compact form: per plot a list of
  polygons, each a list of rings, each a flat list of integers
  ``[x0, y0, dx1, dy1, ...]`` in ``1 / scale`` degrees (delta-encoded, closing
  vertex dropped, repeated vertices removed); ``landreg-map.js`` decodes it.
  About 9 characters per vertex instead of 20, so 10,000 plots stay well under 5 MB.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from landreg.json_values import json_value

WEB_CRS = "EPSG:4326"
#: Decimals of a degree by use: 5 ≈ 1 m (plots), 4 ≈ 10 m (regional context layers).
PLOT_DECIMALS = 5
CONTEXT_DECIMALS = 4


def to_web(
    frame: gpd.GeoDataFrame,
    *,
    simplify_m: float = 0.0,
    clip_bounds: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """``frame`` simplified (in its own metric CRS, EPSG:25832) and transformed to lon/lat.

    Parameters
    ----------
    frame : GeoDataFrame
        With a declared CRS (EPSG:25832 expected for ``simplify_m`` in metres).
    simplify_m : float
        Douglas–Peucker tolerance in metres (topology preserved); 0 keeps every vertex.
    clip_bounds : (minx, miny, maxx, maxy), optional
        EPSG:25832 box to clip to first (drops what lies outside).

    Returns
    -------
    GeoDataFrame
        EPSG:4326, empty geometries removed.
    """
    if frame.crs is None:
        raise ValueError("to_web: the frame has no CRS; expected EPSG:25832 (or any declared CRS)")
    out = frame
    if clip_bounds is not None:
        out = out.clip(shapely.box(*clip_bounds))
    if simplify_m > 0:
        out = out.set_geometry(shapely.simplify(out.geometry.values, simplify_m, preserve_topology=True))
    out = out.to_crs(WEB_CRS)
    return out[~out.geometry.is_empty & out.geometry.notna()]


def round_geometries(geoms: Any, *, decimals: int) -> np.ndarray:
    """Coordinates rounded to ``decimals`` (shortest float repr then prints them short)."""
    return shapely.transform(np.asarray(geoms, dtype=object), lambda c: np.round(c, decimals))


def geojson_collection(
    frame: gpd.GeoDataFrame,
    *,
    columns: Sequence[str] = (),
    decimals: int = CONTEXT_DECIMALS,
    digits: int = 1,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``frame`` (already in EPSG:4326) with only ``columns``.

    Parameters
    ----------
    frame : GeoDataFrame
        EPSG:4326 (see :func:`to_web`).
    columns : sequence of str
        Properties to keep (missing ones are skipped).
    decimals : int
        Decimals of the coordinates.
    digits : int
        Decimals of float properties.
    """
    if frame.crs is not None and not frame.crs.equals(WEB_CRS):
        raise ValueError(f"geojson_collection expects EPSG:4326, got {frame.crs.to_string()}; call to_web first")
    geoms = round_geometries(frame.geometry.values, decimals=decimals)
    cols = [c for c in columns if c in frame.columns]
    values = {c: frame[c].tolist() for c in cols}
    features = []
    for i, geom in enumerate(geoms):
        props = {c: json_value(values[c][i], digits=digits) for c in cols}
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def encode_polygons(geoms: Any, *, decimals: int = PLOT_DECIMALS) -> list[list[list[list[int]]]]:
    """Polygons / MultiPolygons in lon/lat as delta-encoded integer rings (see the module docstring).

    Parameters
    ----------
    geoms : array of shapely geometries
        EPSG:4326 (Polygon or MultiPolygon).
    decimals : int
        The integers are ``round(coordinate * 10**decimals)``.

    Returns
    -------
    list
        One entry per geometry: polygons -> rings -> ``[x0, y0, dx1, dy1, ...]``.
    """
    geoms = np.asarray(geoms, dtype=object)
    scale = 10**decimals
    polys, poly_of_geom = shapely.get_parts(geoms, return_index=True)
    rings, ring_of_poly = shapely.get_rings(polys, return_index=True)
    coords, coord_of_ring = shapely.get_coordinates(rings, return_index=True)
    q = np.round(coords * scale).astype(np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(coord_of_ring)) + 1]
    ends = np.r_[starts[1:], len(q)]
    out: list[list[list[list[int]]]] = [[] for _ in range(len(geoms))]
    poly_lists: list[list[list[int]]] = [[] for _ in range(len(polys))]
    for a, b in zip(starts, ends, strict=True):
        ring = q[a : b - 1] if b - a > 1 and (q[a] == q[b - 1]).all() else q[a:b]
        d = np.diff(ring, axis=0)
        keep = (d != 0).any(axis=1)
        flat = np.concatenate([ring[:1], d[keep]]).ravel().tolist()
        if len(flat) >= 6:  # a ring needs three distinct vertices after rounding
            poly_lists[ring_of_poly[coord_of_ring[a]]].append(flat)
    for p, rings_of_p in enumerate(poly_lists):
        if rings_of_p:
            out[poly_of_geom[p]].append(rings_of_p)
    return out


def dumps_script_json(value: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
