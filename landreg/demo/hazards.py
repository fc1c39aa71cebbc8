"""Synthetic natural-hazard layers: quick clay (kvikkleire) and flood zones, each with its coverage.

**Synthetic.**  The zones are invented shapes, placed so that some touch
demonstration plots.  Each hazard comes with a ``*_coverage`` layer: the area
where the hazard "was mapped".  A plot outside the coverage is *not checked*;
inside it and outside every zone it is *checked clear*.  River lines used for
the flood zones are rough synthetic lines named after the real rivers, not
their real courses.  Replace with NVE's quick-clay and flood-zone data for
real use (see ``layers/README.md``).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landreg.crs import STORAGE_CRS
from landreg.demo.common import SYNTHETIC_NOTE, fresh, rng_for, snap, write_vector

HAZARDS_FILE = "hazards.gpkg"
_SOURCE = "synthetic"
#: Quick-clay mapping corridors: (name, mapped year, buffer m, line through these points).
_QC_COVERAGE = (
    (
        "Gauldalen – Trondheim sør",
        2016,
        3_500.0,
        [(563686, 6990042), (566054, 7002886), (565177, 7018363), (567886, 7025791), (569962, 7030840)],
    ),
    ("Skaun – Buvika og Børsa", 2019, 2_500.0, [(552931, 7020318), (557533, 7018101)]),
    ("Klæbu – Tulluan", 2021, 2_500.0, [(572144, 7018883), (573500, 7016500)]),
)
#: Flood mapping corridors along synthetic river lines: (river, mapped year, buffer m, points).
_FLOOD_COVERAGE = (
    ("Gaula", 2014, 1_500.0, [(563300, 6990400), (565700, 7003300), (564800, 7018000), (565600, 7023400)]),
    ("Nidelva", 2018, 1_200.0, [(572500, 7019200), (570400, 7026000), (570300, 7030600), (569900, 7035300)]),
    ("Stjørdalselva", 2017, 1_500.0, [(610000, 7036300), (602000, 7036900), (595300, 7036400), (593200, 7038200)]),
    ("Orkla", 2020, 1_500.0, [(541800, 7007000), (541300, 7014500), (540900, 7020400)]),
)
#: Flood zone half-widths (m) by return period (years).
_FLOOD_HALF_WIDTH_M = {20: 60.0, 200: 150.0, 1000: 260.0}
#: Business areas where a quick-clay zone is placed on a plot on purpose.
_QC_TARGET_AREAS = ("tulluan", "buvika", "storen", "melhus", "heggstadmoen")


def _ellipse(cx: float, cy: float, a: float, b: float, angle: float) -> shapely.Polygon:
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    x, y = a * np.cos(t), b * np.sin(t)
    ca, sa = np.cos(angle), np.sin(angle)
    return shapely.Polygon(np.column_stack([cx + x * ca - y * sa, cy + x * sa + y * ca]))


def _coverage(specs: tuple, hazard: str, land: shapely.Geometry) -> gpd.GeoDataFrame:
    rows = []
    for i, (name, year, buffer_m, pts) in enumerate(specs, start=1):
        geom = shapely.LineString(pts).buffer(buffer_m).intersection(land)
        rows.append(
            {
                "coverage_id": f"{hazard}-cov-{i:02d}",
                "name": name,
                "hazard": hazard,
                "mapped_year": year,
                "source": _SOURCE,
                "note": f"{SYNTHETIC_NOTE}: invented mapping extent",
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def _quick_clay(coverage: gpd.GeoDataFrame, plots: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rng = rng_for("quick-clay")
    covered = coverage.union_all()
    centres: list[tuple[float, float]] = []
    for area_id in _QC_TARGET_AREAS:
        in_area = plots[plots["business_area_id"] == area_id].sort_values("code")
        hits = in_area[in_area.intersects(covered)]
        if len(hits):
            c = hits.geometry.iloc[int(rng.integers(0, len(hits)))].centroid
            centres.append((c.x + rng.uniform(-60, 60), c.y + rng.uniform(-60, 60)))
    minx, miny, maxx, maxy = covered.bounds
    while len(centres) < 22:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if covered.contains(shapely.Point(x, y)):
            centres.append((x, y))
    rows = []
    classes = ("low", "medium", "high")
    for i, (x, y) in enumerate(centres, start=1):
        shape = _ellipse(x, y, rng.uniform(150, 650), rng.uniform(90, 300), rng.uniform(0, np.pi))
        geom = shape.intersection(covered)
        if geom.is_empty:
            continue
        hazard_class = classes[int(rng.integers(0, 3))]
        rows.append(
            {
                "zone_id": f"kk-demo-{i:02d}",
                "name": f"Demo kvikkleiresone {i}",
                "hazard_class": hazard_class,
                "consequence_class": classes[int(rng.integers(0, 3))],
                "risk_class": int(rng.integers(1, 6)),
                "source": _SOURCE,
                "note": f"{SYNTHETIC_NOTE}: invented zone, not NVE data",
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def _flood(coverage: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for (river, _, _, pts), cov in zip(_FLOOD_COVERAGE, coverage.geometry, strict=True):
        line = shapely.LineString(pts)
        for period, half_width in _FLOOD_HALF_WIDTH_M.items():
            geom = line.buffer(half_width).intersection(cov)
            rows.append(
                {
                    "zone_id": f"flom-demo-{river.lower()}-{period}",
                    "river": f"{river} (synthetic line)",
                    "return_period_years": period,
                    "source": _SOURCE,
                    "note": f"{SYNTHETIC_NOTE}: invented flood zone, not NVE data",
                    "geometry": geom,
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def _snapped(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame.geometry = gpd.GeoSeries(snap(frame.geometry.values), crs=STORAGE_CRS)
    return frame


def write_hazards(municipalities: gpd.GeoDataFrame, plots: gpd.GeoDataFrame, out_dir: Path) -> dict[str, int]:
    """Write ``hazards.gpkg`` (quick_clay, quick_clay_coverage, flood, flood_coverage); returns counts."""
    land = municipalities.union_all()
    qc_cov = _coverage(_QC_COVERAGE, "quick_clay", land)
    fl_cov = _coverage(_FLOOD_COVERAGE, "flood", land)
    layers = {
        "quick_clay": _quick_clay(qc_cov, plots),
        "quick_clay_coverage": qc_cov,
        "flood": _flood(fl_cov),
        "flood_coverage": fl_cov,
    }
    path = fresh(out_dir / HAZARDS_FILE)
    for name, frame in layers.items():
        write_vector(_snapped(frame), path, name)
    return {name: len(frame) for name, frame in layers.items()}
