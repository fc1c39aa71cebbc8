"""One road layer from a street-level network where it covers the land and a regional one elsewhere.

The street network (OpenStreetMap, ``osm_roads``) is complete inside its coverage polygon; the
regional network (N1000 ``veglenke``) covers all of Trøndelag but is generalised (no local
streets, so plots snap kilometres away).  :func:`combine_road_networks` keeps

* the street links inside the coverage (cut at its edge),
* the regional links outside it (cut at its edge), and its car ferries whole (joined to the
  nearest road within 500 m when the graph is built, see :mod:`landreg.enrich.ferries`),

and joins each place where a regional road leaves the coverage to the street network: the cut
end gets a straight **connector** link (two-way, at the regional link's speed, not a road plots
connect to) to the nearest end node of a *comparable* street link within ``join_tolerance_m``
(default :data:`DEFAULT_JOIN_TOLERANCE_M`, 1 km: N1000 lines lie up to a few hundred metres off
the real road):

1. a street link with the same road number (``E6`` ↔ ``E 6``, ``Fv715`` ↔ ``715``), else
2. for European, national and county roads (E, R, F) a main street link (motorway … tertiary),
   for municipal and private roads any street link.

A road of two one-way carriageways reaches the boundary as two ends a few metres apart: every
comparable end within :data:`CARRIAGEWAY_JOIN_M` of the nearest one is joined too, so the road
can be driven both ways.  A cut end with no comparable street node within the tolerance stays
unjoined (listed in :attr:`CombinedRoads.joins` with ``joined = False``).

The ``network`` column says where each row comes from: ``regional``, ``streets`` or ``connector``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.crs import STORAGE_CRS, to_storage_crs
from landreg.enrich.lines import line_ends

#: Largest distance from a regional road's cut end to the street node it is joined to, metres.
DEFAULT_JOIN_TOLERANCE_M = 1_000.0
#: Comparable street ends this close to the nearest one are joined too (the other carriageway), metres.
CARRIAGEWAY_JOIN_M = 60.0
_ON_EDGE_M = 0.01
_MAIN_CATEGORIES = ("E", "R", "F")
_MAIN_HIGHWAYS = ("motorway", "motorway_link", "trunk", "trunk_link", "primary", "secondary", "tertiary")
_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class CombinedRoads:
    """The combined road layer and how the regional roads were joined at the coverage edge.

    Attributes
    ----------
    roads : GeoDataFrame
        Street links inside, regional links outside, connectors (EPSG:25832); column ``network``.
    joins : DataFrame
        One row per regional cut end: ``x``, ``y``, ``road_ref``, ``joined``, ``n_connectors``,
        ``distance_m`` (to the nearest joined street node; NaN when unjoined), ``by`` (``number``,
        ``class`` or ``""``).
    """

    roads: gpd.GeoDataFrame
    joins: pd.DataFrame


def _numbers(values: pd.Series) -> np.ndarray:
    """The road number in a ref (``E6``, ``Fv715``, ``E 6``, ``715``), -1 when there is none."""
    out = np.full(len(values), -1, dtype=np.int64)
    for i, value in enumerate(values.tolist()):
        if isinstance(value, str) and (hit := _NUMBER.search(value.split(";")[0])):
            out[i] = int(hit.group(1))
    return out


def _column(frame: gpd.GeoDataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)


def _split_by_area(frame: gpd.GeoDataFrame, area: shapely.Geometry, *, inside: bool) -> gpd.GeoDataFrame:
    """The parts of the lines inside (or outside) ``area``, one LineString per row (attributes repeated)."""
    geoms = frame.geometry.to_numpy()
    crossing = np.zeros(len(geoms), dtype=bool)
    segments = [
        shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1))
        for xy in (shapely.get_coordinates(ring) for ring in shapely.get_rings(shapely.get_parts(area)))
    ]
    if len(geoms) and segments:  # an STRtree over the lines finds those the edge crosses
        crossing[np.unique(shapely.STRtree(geoms).query(np.concatenate(segments), predicate="intersects")[1])] = True
    first = line_ends(geoms)[0]
    within = ~crossing & shapely.contains_xy(area, first[:, 0], first[:, 1])
    keep = (within if inside else ~within & ~crossing) | crossing
    whole = frame[keep & ~crossing]
    cut = frame[crossing].copy()
    clipped = (shapely.intersection if inside else shapely.difference)(cut.geometry.to_numpy(), area)
    cut = cut.set_geometry(gpd.GeoSeries(clipped, index=cut.index, crs=frame.crs)).explode(index_parts=False)
    geoms = cut.geometry.to_numpy()
    cut = cut[(shapely.get_type_id(geoms) == 1) & (shapely.length(geoms) > 0)]
    return pd.concat([whole, cut]).sort_index(kind="stable") if len(cut) else whole


def _street_ends(streets: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """End points of the street links, whether each is on a main road, and its road number."""
    geoms = streets.geometry.to_numpy()
    ends = np.vstack(line_ends(geoms))
    category = _column(streets, "vegkategori").astype("string").fillna("")
    main = category.isin(_MAIN_CATEGORIES).to_numpy() | _column(streets, "highway").isin(_MAIN_HIGHWAYS).to_numpy()
    number = _numbers(_column(streets, "ref"))
    return ends, np.concatenate([main, main]), np.concatenate([number, number])


def combine_road_networks(
    regional: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame,
    *,
    coverage: gpd.GeoDataFrame,
    join_tolerance_m: float = DEFAULT_JOIN_TOLERANCE_M,
) -> CombinedRoads:
    """Street links inside ``coverage``, regional links outside, joined at its edge (see the module docstring).

    Parameters
    ----------
    regional : GeoDataFrame
        The regional road layer (N1000: ``speed_kmh``, ``vegkategori``, ``road_ref``, ``typeVeg``),
        declared CRS.
    streets : GeoDataFrame
        The street-level layer (``speed_kmh``, ``vegkategori``, ``highway``, ``ref``, ``oneway``),
        declared CRS.
    coverage : GeoDataFrame
        Polygon(s) where the street layer is complete, declared CRS.
    join_tolerance_m : float
        Largest distance from a regional cut end to the street node it is joined to.

    Returns
    -------
    CombinedRoads
    """
    regional = to_storage_crs(regional, where="regional roads").reset_index(drop=True)
    streets = to_storage_crs(streets, where="street roads").reset_index(drop=True)
    area = shapely.union_all(to_storage_crs(coverage, where="street coverage").geometry.to_numpy())
    ferry = _column(regional, "typeVeg").astype("string").eq("bilferje").fillna(False).to_numpy(dtype=bool)
    outside = _split_by_area(regional[~ferry], area, inside=False)
    inside = _split_by_area(streets, area, inside=True)

    edge = area.boundary
    ends, main, number = _street_ends(inside)
    geoms = outside.geometry.to_numpy()
    speed = outside["speed_kmh"].to_numpy(dtype=float)
    category = _column(outside, "vegkategori").astype("string").fillna("").to_numpy(dtype=object)
    road_number = _numbers(_column(outside, "road_ref"))
    connectors: list[dict[str, object]] = []
    joins: list[dict[str, object]] = []
    cut_ends = np.vstack(line_ends(geoms))
    on_edge = np.flatnonzero(shapely.distance(shapely.points(cut_ends), edge) <= _ON_EDGE_M)
    for row in on_edge.tolist():
        i, xy = row % len(geoms), cut_ends[row]
        dist = np.hypot(*(ends - xy).T)
        near = dist <= join_tolerance_m
        by = ""
        candidates = np.flatnonzero(near & (number == road_number[i]) & (road_number[i] >= 0))
        if len(candidates):
            by = "number"
        else:
            comparable = main if category[i] in _MAIN_CATEGORIES else np.ones(len(ends), dtype=bool)
            candidates = np.flatnonzero(near & comparable)
            by = "class" if len(candidates) else ""
        chosen: list[int] = []
        if len(candidates):
            nearest = candidates[int(np.argmin(dist[candidates]))]
            close = candidates[np.hypot(*(ends[candidates] - ends[nearest]).T) <= CARRIAGEWAY_JOIN_M]
            _, first = np.unique(np.round(ends[close], 2), axis=0, return_index=True)
            chosen = close[np.sort(first)].tolist()
        for j in chosen:
            connectors.append(
                {
                    "network": "connector",
                    "speed_kmh": speed[i],
                    "geometry": shapely.LineString([xy, ends[j]]),
                }
            )
        joins.append(
            {
                "x": float(xy[0]),
                "y": float(xy[1]),
                "road_ref": outside["road_ref"].iloc[i] if "road_ref" in outside.columns else None,
                "joined": bool(chosen),
                "n_connectors": len(chosen),
                "distance_m": float(dist[chosen].min()) if chosen else float("nan"),
                "by": by,
            }
        )
    parts = [
        outside.assign(network="regional"),
        regional[ferry].assign(network="regional"),
        inside.assign(network="streets"),
    ]
    if connectors:
        parts.append(gpd.GeoDataFrame(connectors, geometry="geometry", crs=STORAGE_CRS))
    parts = [p for p in parts if len(p)]
    roads = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=STORAGE_CRS)
    columns = ["x", "y", "road_ref", "joined", "n_connectors", "distance_m", "by"]
    return CombinedRoads(roads=roads, joins=pd.DataFrame(joins, columns=columns))
