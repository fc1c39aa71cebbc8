"""Joining car-ferry lines to the roads they serve (EPSG:25832, metres).

A ferry line in N1000 often ends at the quay, short of the road: the data is
generalised to 1:1 000 000, where 0.5 mm on the map is 500 m.  A ferry end that
meets no road end is joined to the nearest point of the nearest road line
within :data:`DEFAULT_FERRY_CONNECT_TOLERANCE_M`: to that line's end node when
the point is one, else to a new node that splits the road line there (the
ferry line is extended to the point, so the crossing includes the gap).  An end
with no road within the tolerance stays *dangling*, unless it meets another
ferry line (a stop of a route with several legs).
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import substring

from landreg.enrich.lines import grid_keys, line_ends

#: How far a ferry end may lie from the nearest road and still be joined to it, metres.
DEFAULT_FERRY_CONNECT_TOLERANCE_M = 500.0


def _ends(geoms: np.ndarray, grid_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Start points then end points of the lines, and one integer key per grid cell of ``grid_m``."""
    ends = np.vstack(line_ends(geoms))
    return ends, grid_keys(ends, grid_m=grid_m)


def ferry_joins(
    geoms: np.ndarray, ferry: np.ndarray, *, tolerance_m: float, grid_m: float
) -> tuple[list[tuple[int, int, np.ndarray, tuple[int, float] | None]], np.ndarray]:
    """Where each ferry end that meets no road end joins the road network.

    Parameters
    ----------
    geoms : array of LineString
        Road and ferry lines (EPSG:25832).
    ferry : ndarray of bool
        Which lines are ferries.
    tolerance_m : float
        Largest distance from a ferry end to the road it is joined to.
    grid_m : float
        Grid on which line ends are one node.

    Returns
    -------
    joins : list of (ferry line, end 0 or -1, road point xy, (road line, distance along it) or None)
        The last item says where a road line is split for the join (None: at its end node).
    dangling : ndarray (n, 2)
        Ferry ends that meet neither a road within the tolerance nor another ferry line.
    """
    n = len(geoms)
    ends, keys = _ends(geoms, grid_m)
    road = np.flatnonzero(~ferry)
    at_road = np.isin(keys, np.concatenate([keys[road], keys[road + n]]))
    _, key_of_end, key_count = np.unique(keys, return_inverse=True, return_counts=True)
    shared = key_count[key_of_end.ravel()] > 1  # meets another line end (e.g. a ferry-to-ferry stop)
    joins: list[tuple[int, int, np.ndarray, tuple[int, float] | None]] = []
    dangling = []
    tree = shapely.STRtree(geoms[road]) if len(road) else None
    for part in np.flatnonzero(ferry).tolist():
        for side, row in ((0, part), (-1, part + n)):
            if at_road[row]:
                continue  # already meets a road end
            point = shapely.Point(ends[row])
            hit, dist = (
                tree.query_nearest(point, return_distance=True, all_matches=False)
                if tree is not None
                else (np.empty(0, dtype=int), np.empty(0))
            )
            if len(hit) == 0 or dist[0] > tolerance_m:
                if not shared[row]:
                    dangling.append(ends[row])
                continue
            r = int(road[hit[0]])
            line = geoms[r]
            at = float(line.project(point))
            if at <= grid_m or at >= line.length - grid_m:  # the nearest point is the road's end node
                xy = shapely.get_coordinates(shapely.get_point(line, 0 if at <= grid_m else -1))[0]
                joins.append((part, side, xy, None))
            else:
                joins.append((part, side, shapely.get_coordinates(line.interpolate(at))[0], (r, at)))
    return joins, np.array(dangling).reshape(-1, 2)


def join_ferry_ends(
    frame: gpd.GeoDataFrame, ferry: np.ndarray, *, tolerance_m: float, grid_m: float
) -> gpd.GeoDataFrame:
    """``frame`` (one LineString per row) with ferry ends moved onto the roads, split where they are joined.

    A split road line becomes several rows with the same attributes; rows keep their order.
    """
    geoms = frame.geometry.to_numpy().copy()
    joins, _ = ferry_joins(geoms, ferry, tolerance_m=tolerance_m, grid_m=grid_m)
    if not joins:
        return frame
    cuts_of: dict[int, set[float]] = {}
    for *_, split in joins:
        if split is not None:
            cuts_of.setdefault(split[0], set()).add(split[1])
    cut_xy: dict[tuple[int, float], np.ndarray] = {}
    rows: list[int] = []
    parts: list[object] = []
    for i, line in enumerate(geoms):
        if i not in cuts_of:
            rows.append(i)
            parts.append(line)
            continue
        cuts = [0.0, *sorted(cuts_of[i]), line.length]
        pieces = [shapely.get_coordinates(substring(line, a, b)) for a, b in itertools.pairwise(cuts)]
        for k in range(1, len(pieces)):  # consecutive pieces share their cut point exactly
            pieces[k][0] = pieces[k - 1][-1]
            cut_xy[(i, cuts[k])] = pieces[k - 1][-1]
        rows += [i] * len(pieces)
        parts += [shapely.LineString(c) for c in pieces]
    moved: dict[int, np.ndarray] = {}
    for part, side, xy, split in joins:
        coords = moved.get(part, shapely.get_coordinates(geoms[part]))
        coords[side] = cut_xy[split] if split is not None else xy
        moved[part] = coords
    parts = [shapely.LineString(moved[i]) if i in moved else g for i, g in zip(rows, parts, strict=True)]
    out = frame.iloc[rows].copy()
    return out.set_geometry(gpd.GeoSeries(parts, index=out.index, crs=frame.crs)).reset_index(drop=True)
