"""Assumed driving speeds on the N1000 road network (``veglenke``), in km/h.

Kartverket's N1000 roads carry no speed limits, so the regional network gets a
documented assumption per road class (:data:`ROAD_SPEEDS_KMH`, the effective
speed outside built-up areas) and two interpretable adjustments for built-up
areas (N1000 ``tettbebyggelse``), calibrated against published drive times:

* **Class speeds** (:data:`ROAD_SPEEDS_KMH`): motorways 100 km/h, limited-access
  roads (``motortrafikkveg``) 85, every other rural E, national and county road
  70, municipal roads 50, private roads 40.  The general limit outside built-up
  areas is 80 km/h (trafikkreglene § 13, https://lovdata.no/forskrift/1986-03-21-747);
  the two-lane roads of the region pass through villages and curves with lower
  limits, so their effective speed is taken below it.
* **Urban speed factor** (:data:`URBAN_SPEED_FACTOR`): the part of a link that
  lies inside a built-up area is driven at ``factor × class speed`` — 0.6 on
  motorways and limited-access roads (lower limits, merging, congestion), 0.65
  on other roads (50–60 km/h streets, lights, roundabouts).
* **Urban junction delay** (:data:`URBAN_JUNCTION_DELAY_S`, 10 s): each
  junction (a node where three or more links meet) inside a built-up area
  costs 10 s, half charged to each link end that meets there.

The values of the limited-access speed, the rural two-lane speed, the urban
factors and the junction delay are a calibration, not published figures: they
were chosen on a grid of these global parameters (never per reference) so that
every reference drive time in use lies within ±15 %.  The margin is thin (worst
14.3 %; fitted without it, 3 of the 10 references would fall outside ±15 %): the
search, its leave-one-out check and the references that bind are in
``bench/RESULTS.md``.
No length correction is applied: N1000 is generalised at 1:1 000 000, but
along the reference routes inside the OpenStreetMap extract of the Trondheim
region its route lengths are within ±4 % of the street-level ones (median
ratio 1.0; ``bench/RESULTS.md``).

The stored ``speed_kmh`` of a link is its *effective* average speed: link
length divided by the time these rules give (:func:`calibrated_speeds_kmh`).
Car ferries keep :data:`ROAD_SPEEDS_KMH` ``["bilferje"]`` (routing uses the
ferry model of :mod:`landreg.enrich.network`).  The calibration and its error
per reference drive time are in ``bench/RESULTS.md`` (references:
``bench/reference_drive_times.toml``).  The class table is also printed in
``layers/layers.toml`` and ``layers/README.md``.  Change it here and regenerate
the road layer with ``python -m landreg.demo.generate --stage sources``.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

from landreg.errors import ConfigurationError

#: Speed by class, checked in this order: ferry, motorway type, road category.
ROAD_SPEEDS_KMH: dict[str, float] = {
    "bilferje": 15.0,  # car ferry: effective speed for display; routing uses landreg.enrich's ferry model
    "motorveg": 100.0,  # motorway (E6 Trondheim–Stjørdal and south of Trondheim)
    "motortrafikkveg": 85.0,  # limited-access road (calibrated)
    "E": 70.0,  # other European roads (E6, E14, E39): two-lane, villages and curves (calibrated)
    "R": 70.0,  # national roads (riksveg): same two-lane standard as the E-roads
    "F": 70.0,  # county roads (fylkesveg)
    "K": 50.0,  # municipal roads (kommunal veg)
    "P": 40.0,  # private roads
}

#: Share of the class speed driven inside built-up areas: ``motorway`` (motorveg,
#: motortrafikkveg) and ``other`` roads.
URBAN_SPEED_FACTOR: dict[str, float] = {"motorway": 0.6, "other": 0.65}
#: Delay per junction (three or more links) inside a built-up area, seconds.
URBAN_JUNCTION_DELAY_S = 10.0
#: End points closer than this (on a grid) are one node when junctions are counted, metres.
_NODE_GRID_M = 1.0

#: ``typeVeg`` values kept in the regional road layer (paths and passenger ferries carry no cars).
CAR_ROAD_TYPES: frozenset[str] = frozenset({"enkelBilveg", "bilferje"})


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def road_speed_kmh(
    type_veg: object,
    vegkategori: object,
    motorvegtype: object = None,
    *,
    speeds_kmh: dict[str, float] | None = None,
) -> float:
    """The assumed free-flow speed of one N1000 road link (outside built-up areas).

    Parameters
    ----------
    type_veg : str
        ``typeVeg`` of the link (``enkelBilveg`` or ``bilferje``).
    vegkategori : str
        Road category: ``E``, ``R``, ``F``, ``K`` or ``P``.
    motorvegtype : str, optional
        ``motorveg``, ``motortrafikkveg`` or ``IkkeMotorveg``.
    speeds_kmh : dict, optional
        Class speeds overriding entries of :data:`ROAD_SPEEDS_KMH` (same keys).

    Returns
    -------
    float
        Speed in km/h from :data:`ROAD_SPEEDS_KMH`.

    Raises
    ------
    ConfigurationError
        When the link is not a car road or its category has no speed.
    """
    kind, cat, mtype = _text(type_veg), _text(vegkategori), _text(motorvegtype)
    table = {**ROAD_SPEEDS_KMH, **(speeds_kmh or {})}
    if kind not in CAR_ROAD_TYPES:
        raise ConfigurationError(f"typeVeg {kind!r} is not a car road; expected one of {sorted(CAR_ROAD_TYPES)}")
    if kind == "bilferje":
        return table["bilferje"]
    if mtype in ("motorveg", "motortrafikkveg"):
        return table[mtype]
    if cat not in ("E", "R", "F", "K", "P"):
        raise ConfigurationError(f"vegkategori {cat!r} has no speed; expected one of E, R, F, K, P")
    return table[cat]


def calibrated_speeds_kmh(
    roads: gpd.GeoDataFrame,
    *,
    built_up: gpd.GeoDataFrame,
    speeds_kmh: dict[str, float] | None = None,
    urban_speed_factor: dict[str, float] | None = None,
    urban_junction_delay_s: float = URBAN_JUNCTION_DELAY_S,
) -> np.ndarray:
    """Effective speed of every N1000 road link: class speed, slowed inside built-up areas.

    Parameters
    ----------
    roads : GeoDataFrame
        N1000 ``veglenke`` car roads (``typeVeg``, ``vegkategori``, ``motorvegtype``),
        LineStrings in a metric CRS (EPSG:25832).
    built_up : GeoDataFrame
        Built-up area polygons (N1000 ``tettbebyggelse``) in the CRS of ``roads``.
    speeds_kmh : dict, optional
        Class speeds overriding entries of :data:`ROAD_SPEEDS_KMH` (e.g. for a calibration search).
    urban_speed_factor : dict, optional
        ``{"motorway": ..., "other": ...}``; default :data:`URBAN_SPEED_FACTOR`.
    urban_junction_delay_s : float
        Delay per junction inside a built-up area.

    Returns
    -------
    ndarray
        ``speed_kmh`` per row: ``length / (time outside + time inside + junction delays)``;
        ferries keep their class speed.

    Raises
    ------
    ConfigurationError
        When a link is not a car road, or the two frames have different CRSs.
    """
    if roads.crs is None or built_up.crs is None or not roads.crs.equals(built_up.crs):
        raise ConfigurationError(f"roads ({roads.crs}) and built-up areas ({built_up.crs}) need the same CRS")
    factor = {**URBAN_SPEED_FACTOR, **(urban_speed_factor or {})}
    classes = zip(roads["typeVeg"], roads["vegkategori"], roads["motorvegtype"], strict=True)
    speed = np.array([road_speed_kmh(t, c, m, speeds_kmh=speeds_kmh) for t, c, m in classes], dtype=float)
    ferry = roads["typeVeg"].astype(str).to_numpy() == "bilferje"
    motorway = roads["motorvegtype"].isin(["motorveg", "motortrafikkveg"]).to_numpy()
    geoms = roads.geometry.to_numpy()
    area = shapely.union_all(built_up.geometry.to_numpy())
    length = shapely.length(geoms)
    inside = shapely.length(shapely.intersection(geoms, area))
    slow = np.where(motorway, factor["motorway"], factor["other"])
    time_s = (length - inside) / (speed / 3.6) + inside / (slow * speed / 3.6)
    ends = np.vstack([shapely.get_coordinates(shapely.get_point(geoms, i)) for i in (0, -1)])
    keys = np.round(ends / _NODE_GRID_M).astype(np.int64)
    _, node = np.unique(keys, axis=0, return_inverse=True)
    node = node.ravel()
    degree = np.bincount(node[np.concatenate([~ferry, ~ferry])])  # ferries make no road junction
    degree = np.pad(degree, (0, node.max() + 1 - len(degree)))
    junction_end = (degree[node] >= 3) & shapely.contains_xy(area, ends[:, 0], ends[:, 1])
    n = len(roads)
    time_s = time_s + urban_junction_delay_s / 2 * (junction_end[:n].astype(float) + junction_end[n:])
    with np.errstate(divide="ignore", invalid="ignore"):
        effective = np.where(length > 0, length / time_s * 3.6, speed)
    return np.where(ferry, speed, np.round(effective, 2))
