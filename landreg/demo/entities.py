"""Synthetic decisions and road projects of the demonstration dataset."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely

from landreg.crs import STORAGE_CRS
from landreg.demo.attributes import TORGARD_DECISION_ID
from landreg.demo.common import SYNTHETIC_PROVENANCE, snap

_PROV = json.dumps(SYNTHETIC_PROVENANCE, ensure_ascii=False)


def build_decisions() -> pd.DataFrame:
    """Pending decisions (attribute table; ``outcomes`` and ``provenance`` as JSON text).

    The Torgård terminal being undecided and the area locked meanwhile is from context 000;
    the dates and outcome details are synthetic.
    """
    outcomes = [
        {
            "name": "built",
            "description": "The rail freight terminal is built at Torgård; the locked plots are "
            "taken for the terminal and terminal-related logistics.",
            "plot_status": "reserved",
            "adds_destinations": ["freight_torgard"],
            "removes_destinations": [],
        },
        {
            "name": "not_built",
            "description": "The terminal is placed elsewhere; the locked plots are released for general business use.",
            "plot_status": "available",
            "adds_destinations": [],
            "removes_destinations": ["freight_torgard"],
        },
    ]
    rows = [
        {
            "decision_id": TORGARD_DECISION_ID,
            "title": "Rail freight terminal at Torgård",
            "status": "pending",
            "expected_date": "2027-06-30",
            "description": "Whether the region's new rail freight terminal is built at Torgård. Until it is "
            "decided, the Torgård area is locked (context 000). Date and outcomes are synthetic.",
            "outcomes": json.dumps(outcomes, ensure_ascii=False),
            "provenance": _PROV,
        }
    ]
    return pd.DataFrame(rows)


def _access_road(start: shapely.Point, end: shapely.Point, bend_m: float) -> shapely.LineString:
    """A gently bent line from ``start`` to ``end``: the midpoint is pushed sideways by ``bend_m``."""
    dx, dy = end.x - start.x, end.y - start.y
    length = max((dx * dx + dy * dy) ** 0.5, 1.0)
    mid = (start.x + dx / 2 - dy / length * bend_m, start.y + dy / 2 + dx / length * bend_m)
    return shapely.LineString([(start.x, start.y), mid, (end.x, end.y)])


def build_road_projects(areas: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Planned access roads from the nearest E6 junction into Torgård and into eastern Sveberg (synthetic)."""
    junctions = destinations[destinations["dest_id"].str.startswith("jct_e6")]
    rows = []
    specs = (
        ("torgard_access", "Ny adkomstveg Torgård", "torgard", "planned", 60.0, 2030, 0.0, 250.0),
        ("sveberg_east_access", "Ny adkomstveg Sveberg øst", "sveberg", "idea", 50.0, 2032, 0.35, -150.0),
    )
    for project_id, name, area_id, status, speed, year, east_shift, bend in specs:
        outline = areas.loc[areas["area_id"] == area_id].geometry.iloc[0]
        minx, _, maxx, _ = outline.bounds
        target = outline.centroid
        if east_shift:
            probe = shapely.Point(target.x + east_shift * (maxx - minx), target.y)
            target = shapely.ops.nearest_points(outline, probe)[0]
        jct = junctions.geometry.iloc[int(junctions.distance(target).to_numpy().argmin())]
        rows.append(
            {
                "project_id": project_id,
                "name": name,
                "status": status,
                "speed_kmh": speed,
                "expected_year": year,
                "description": f"Synthetic planned road from the nearest E6 junction into {area_id}; "
                "generated demonstration data, not a real plan.",
                "provenance": _PROV,
                "geometry": _access_road(jct, target, bend),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)
    frame.geometry = gpd.GeoSeries(snap(frame.geometry.values), crs=STORAGE_CRS)
    return frame
