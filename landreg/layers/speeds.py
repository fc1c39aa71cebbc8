"""Assumed driving speeds on the road networks, in km/h: N1000 (``veglenke``) and OpenStreetMap streets.

Routing uses the OpenStreetMap street network inside its coverage (Trondheim and its neighbours)
and N1000 outside (:mod:`landreg.enrich.combine`).  Neither carries speed limits, so each gets a
documented assumption per road class (the effective speed outside built-up areas) and two
interpretable adjustments for built-up areas (N1000 ``tettbebyggelse``), calibrated together
against published drive times.

N1000 (outside the street coverage):

* **Class speeds** (:data:`ROAD_SPEEDS_KMH`): motorways 100 km/h, limited-access
  roads (``motortrafikkveg``) 85, every other rural E, national and county road
  67.5, municipal roads 50, private roads 40.  The general limit outside built-up
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

OpenStreetMap streets (inside the coverage): class speeds of :data:`OSM_ROAD_SPEEDS_KMH`
(trunk 90 for the limited-access E6/E14/E39, primary and secondary 70, tertiary 60, local
streets 40, service roads and tracks 20), inside built-up areas ×0.65 on motorways and trunk
roads and ×0.75 on other roads (:data:`OSM_URBAN_SPEED_FACTOR`), and 10 s per junction where
three or more main roads (trunk … tertiary, :data:`OSM_JUNCTION_CLASSES`) meet: a side street or a
driveway costs no delay, so the street network's many junctions do not slow a through route.

The rural two-lane speed and the limited-access speed of N1000, the OSM trunk speed, the urban
factors and the junction delays are a calibration, not published figures: they were chosen on a
grid of these global parameters (never per reference) so that every reference drive time in use
lies within ±15 %.  The margin is thin (two references pull in opposite directions): the search,
its leave-one-out check and the references that bind are in ``bench/RESULTS.md``.
No length correction is applied: N1000 is generalised at 1:1 000 000, but
along the reference routes inside the OpenStreetMap extract of the Trondheim
region its route lengths are within ±4 % of the street-level ones (median
ratio 1.0; ``bench/RESULTS.md``).

The stored ``speed_kmh`` of a link is its *effective* average speed: link
length divided by the time these rules give (:func:`calibrated_speeds_kmh`,
:func:`calibrated_osm_speeds_kmh`).
Car ferries keep :data:`ROAD_SPEEDS_KMH` ``["bilferje"]`` (routing uses the
ferry model of :mod:`landreg.enrich.network`).  The calibration and its error
per reference drive time are in ``bench/RESULTS.md`` (references:
``bench/reference_drive_times.toml``).  The class tables are also printed in
``layers/layers.toml`` and ``layers/README.md``.  Change them here and regenerate
the road layers with ``python -m landreg.demo.generate --stage sources``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.errors import ConfigurationError

#: Speed by class, checked in this order: ferry, motorway type, road category.
ROAD_SPEEDS_KMH: dict[str, float] = {
    "bilferje": 15.0,  # car ferry: effective speed for display; routing uses landreg.enrich's ferry model
    "motorveg": 100.0,  # motorway (E6 Trondheim–Stjørdal and south of Trondheim)
    "motortrafikkveg": 85.0,  # limited-access road (calibrated)
    "E": 67.5,  # other European roads (E6, E14, E39): two-lane, villages and curves (calibrated)
    "R": 67.5,  # national roads (riksveg): same two-lane standard as the E-roads
    "F": 67.5,  # county roads (fylkesveg)
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
    _same_crs(roads, built_up)
    factor = {**URBAN_SPEED_FACTOR, **(urban_speed_factor or {})}
    classes = zip(roads["typeVeg"], roads["vegkategori"], roads["motorvegtype"], strict=True)
    speed = np.array([road_speed_kmh(t, c, m, speeds_kmh=speeds_kmh) for t, c, m in classes], dtype=float)
    ferry = roads["typeVeg"].astype(str).to_numpy() == "bilferje"
    motorway = roads["motorvegtype"].isin(["motorveg", "motortrafikkveg"]).to_numpy()
    slow = np.where(motorway, factor["motorway"], factor["other"])
    exposure = urban_exposure(
        roads.geometry.to_numpy(), built_up=built_up, junction_link=~ferry
    )  # ferries: no junction
    effective = effective_speeds_kmh(
        exposure, speed, urban_factor=slow, delayed_link=~ferry, urban_junction_delay_s=urban_junction_delay_s
    )
    return np.where(ferry, speed, effective)


def _same_crs(roads: gpd.GeoDataFrame, built_up: gpd.GeoDataFrame) -> None:
    if roads.crs is None or built_up.crs is None or not roads.crs.equals(built_up.crs):
        raise ConfigurationError(f"roads ({roads.crs}) and built-up areas ({built_up.crs}) need the same CRS")


@dataclass(frozen=True)
class UrbanExposure:
    """How much of each road line lies in built-up areas (the geometric part of the speed rules).

    Attributes
    ----------
    length_m, inside_m : ndarray
        Line length and the length inside built-up areas.
    junction_ends : ndarray
        0, 1 or 2: how many of the line's ends are junctions inside a built-up area.
    """

    length_m: np.ndarray
    inside_m: np.ndarray
    junction_ends: np.ndarray


def urban_exposure(geoms: np.ndarray, *, built_up: gpd.GeoDataFrame, junction_link: np.ndarray) -> UrbanExposure:
    """Length inside built-up areas and junction ends there, per line.

    Parameters
    ----------
    geoms : array of LineString
        Road lines in a metric CRS (EPSG:25832), the CRS of ``built_up``.
    built_up : GeoDataFrame
        Built-up area polygons.
    junction_link : ndarray of bool
        Lines whose ends count towards a junction (a node where three or more of them meet).

    Returns
    -------
    UrbanExposure
    """
    area = shapely.union_all(built_up.geometry.to_numpy())
    length = shapely.length(geoms)
    inside = shapely.length(shapely.intersection(geoms, area))
    ends = np.vstack([shapely.get_coordinates(shapely.get_point(geoms, i)) for i in (0, -1)])
    keys = np.round(ends / _NODE_GRID_M).astype(np.int64)
    _, node = np.unique(keys, axis=0, return_inverse=True)
    node = node.ravel()
    degree = np.bincount(node[np.concatenate([junction_link, junction_link])], minlength=node.max() + 1)
    junction_end = (degree[node] >= 3) & shapely.contains_xy(area, ends[:, 0], ends[:, 1])
    n = len(geoms)
    return UrbanExposure(length, inside, junction_end[:n].astype(float) + junction_end[n:])


def effective_speeds_kmh(
    exposure: UrbanExposure,
    speed_kmh: np.ndarray,
    *,
    urban_factor: np.ndarray,
    delayed_link: np.ndarray,
    urban_junction_delay_s: float,
) -> np.ndarray:
    """Effective speed of road lines: class speed outside built-up areas, slowed inside, junction delays.

    Parameters
    ----------
    exposure : UrbanExposure
        From :func:`urban_exposure`.
    speed_kmh : ndarray
        Class speed of each line outside built-up areas.
    urban_factor : ndarray
        Share of the class speed driven inside built-up areas, per line.
    delayed_link : ndarray of bool
        Lines that pay half of ``urban_junction_delay_s`` at each end that is a junction inside a built-up area.
    urban_junction_delay_s : float
        Delay per junction inside a built-up area.

    Returns
    -------
    ndarray
        ``length / (time outside + time inside + junction delays)`` in km/h, rounded to 0.01.
    """
    length, inside = exposure.length_m, exposure.inside_m
    time_s = (length - inside) / (speed_kmh / 3.6) + inside / (urban_factor * speed_kmh / 3.6)
    time_s = time_s + urban_junction_delay_s / 2 * np.where(delayed_link, exposure.junction_ends, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        effective = np.where(length > 0, length / time_s * 3.6, speed_kmh)
    return np.round(effective, 2)


# ------------------------------------------------------------------ OpenStreetMap streets
#: Speed by OpenMapTiles class (``class``; ramps separately) of the street-level OSM network, outside
#: built-up areas, km/h.  The OSM extract carries no ``maxspeed``, so, as for N1000, a class speed is an
#: assumption: trunk roads (E6/E14/E39 outside the motorway sections, in the region mostly limited-access
#: ``motortrafikkveg`` with limits of 80–90) 90 (calibrated), primary/secondary (riksveg and main
#: fylkesveg) 70, tertiary roads 60, local streets 40 (30–50 km/h zones), service roads (driveways,
#: parking aisles, yards) and tracks 20.  Ramps: motorway ramps 60, other ramps 40.  Calibrated together
#: with the N1000 speeds against the same reference drive times (``bench/RESULTS.md``).
OSM_ROAD_SPEEDS_KMH: dict[str, float] = {
    "motorway": 100.0,
    "trunk": 90.0,
    "primary": 70.0,
    "secondary": 70.0,
    "tertiary": 60.0,
    "minor": 40.0,
    "service": 20.0,
    "track": 20.0,
    "motorway_ramp": 60.0,
    "ramp": 40.0,
}
#: Share of the class speed driven inside built-up areas on OSM streets: ``motorway`` (motorways, trunk
#: roads and their ramps) and ``other`` roads.  Calibrated together with the N1000 speeds (``bench/RESULTS.md``).
OSM_URBAN_SPEED_FACTOR: dict[str, float] = {"motorway": 0.65, "other": 0.75}
#: Delay per junction of main roads (:data:`OSM_JUNCTION_CLASSES`) inside a built-up area on OSM streets, seconds.
OSM_URBAN_JUNCTION_DELAY_S = 10.0
#: Classes driven at the motorway factor of :data:`URBAN_SPEED_FACTOR` inside built-up areas: OSM tags the
#: region's limited-access roads (``motortrafikkveg``, e.g. E6 Trondheim–Stjørdal) ``trunk``.
OSM_LIMITED_ACCESS_CLASSES: tuple[str, ...] = ("motorway", "trunk")
#: Classes whose crossings count as junctions for the urban junction delay (ramps and local streets do not:
#: like N1000, only where main roads meet; a side street or a driveway costs no delay).
OSM_JUNCTION_CLASSES: frozenset[str] = frozenset({"trunk", "primary", "secondary", "tertiary"})
#: Classes of the street network that cars use (OpenMapTiles ``class``; ``*_construction`` and ferries are not).
OSM_CAR_CLASSES: tuple[str, ...] = (
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "minor",
    "service",
    "track",
)


def osm_class_and_ramp(highway: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OpenMapTiles class and ramp flag from a ``highway`` value: the class, ``_link`` appended on ramps (as in OSM).

    Parameters
    ----------
    highway : array of str
        ``motorway``, ``motorway_link``, ``trunk``, …, ``minor``, ``service``, ``track``.

    Returns
    -------
    (ndarray of str, ndarray of bool)
    """
    values = np.asarray(pd.Series(highway).astype(str).to_numpy(), dtype=object)
    ramp = np.array([v.endswith("_link") for v in values], dtype=bool)
    return np.array([v.removesuffix("_link") for v in values], dtype=object), ramp


def osm_class_speeds_kmh(
    road_class: np.ndarray, ramp: np.ndarray, *, speeds_kmh: dict[str, float] | None = None
) -> np.ndarray:
    """The assumed speed outside built-up areas of OSM street links (:data:`OSM_ROAD_SPEEDS_KMH`).

    Parameters
    ----------
    road_class : array of str
        OpenMapTiles ``class`` (motorway, trunk, primary, secondary, tertiary, minor, service, track).
    ramp : array of bool
        Ramps (slip roads).
    speeds_kmh : dict, optional
        Entries overriding :data:`OSM_ROAD_SPEEDS_KMH` (e.g. for a calibration search).

    Returns
    -------
    ndarray
        km/h per link.

    Raises
    ------
    ConfigurationError
        When a class is not a car class.
    """
    table = {**OSM_ROAD_SPEEDS_KMH, **(speeds_kmh or {})}
    road_class = np.asarray(road_class, dtype=object)
    unknown = sorted(set(road_class.tolist()) - set(OSM_CAR_CLASSES), key=str)
    if unknown:
        raise ConfigurationError(f"OSM road class(es) {unknown} have no speed; expected one of {OSM_CAR_CLASSES}")
    speed = np.array([table[c] for c in road_class], dtype=float)
    ramp = np.asarray(ramp, dtype=bool)
    return np.where(ramp, np.where(road_class == "motorway", table["motorway_ramp"], table["ramp"]), speed)


def calibrated_osm_speeds_kmh(
    roads: gpd.GeoDataFrame,
    *,
    built_up: gpd.GeoDataFrame,
    speeds_kmh: dict[str, float] | None = None,
    urban_speed_factor: dict[str, float] | None = None,
    urban_junction_delay_s: float = OSM_URBAN_JUNCTION_DELAY_S,
    exposure: UrbanExposure | None = None,
) -> np.ndarray:
    """Effective speed of every OSM street link: class speed, slowed inside built-up areas.

    The rules of :func:`calibrated_speeds_kmh`, with factors of their own: inside the built-up areas
    motorways and trunk roads (:data:`OSM_LIMITED_ACCESS_CLASSES`, with their ramps) are driven at
    ``urban_speed_factor["motorway"]``,
    every other road at ``["other"]`` of its class
    speed, and each junction where three or more links of :data:`OSM_JUNCTION_CLASSES` meet costs
    ``urban_junction_delay_s`` to those links.

    Parameters
    ----------
    roads : GeoDataFrame
        OSM street links with ``highway`` (LineStrings, metric CRS, EPSG:25832), see
        :func:`osm_class_and_ramp`.
    built_up : GeoDataFrame
        Built-up area polygons (N1000 ``tettbebyggelse``) in the CRS of ``roads``.
    speeds_kmh : dict, optional
        Class speeds overriding entries of :data:`OSM_ROAD_SPEEDS_KMH`.
    urban_speed_factor : dict, optional
        ``{"motorway": ..., "other": ...}``; default :data:`OSM_URBAN_SPEED_FACTOR`.
    urban_junction_delay_s : float
        Delay per junction inside a built-up area.
    exposure : UrbanExposure, optional
        :func:`osm_urban_exposure` of ``roads`` computed before (a calibration search reuses it).

    Returns
    -------
    ndarray
        ``speed_kmh`` per row.

    Raises
    ------
    ConfigurationError
        When a class has no speed, or the two frames have different CRSs.
    """
    _same_crs(roads, built_up)
    factor = {**OSM_URBAN_SPEED_FACTOR, **(urban_speed_factor or {})}
    road_class, ramp = osm_class_and_ramp(roads["highway"])
    speed = osm_class_speeds_kmh(road_class, ramp, speeds_kmh=speeds_kmh)
    exposure = exposure or osm_urban_exposure(roads, built_up=built_up)
    return effective_speeds_kmh(
        exposure,
        speed,
        urban_factor=np.where(np.isin(road_class, OSM_LIMITED_ACCESS_CLASSES), factor["motorway"], factor["other"]),
        delayed_link=_osm_junction_links(road_class, ramp),
        urban_junction_delay_s=urban_junction_delay_s,
    )


def _osm_junction_links(road_class: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    return np.isin(road_class, list(OSM_JUNCTION_CLASSES)) & ~ramp


def osm_urban_exposure(roads: gpd.GeoDataFrame, *, built_up: gpd.GeoDataFrame) -> UrbanExposure:
    """:func:`urban_exposure` of OSM street links, junctions where :data:`OSM_JUNCTION_CLASSES` links meet.

    Parameters
    ----------
    roads : GeoDataFrame
        OSM street links with ``highway`` (EPSG:25832).
    built_up : GeoDataFrame
        Built-up area polygons in the CRS of ``roads``.

    Returns
    -------
    UrbanExposure
    """
    _same_crs(roads, built_up)
    junction = _osm_junction_links(*osm_class_and_ramp(roads["highway"]))
    return urban_exposure(roads.geometry.to_numpy(), built_up=built_up, junction_link=junction)
