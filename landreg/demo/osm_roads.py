"""The street-level OpenStreetMap road network of the Trondheim region (``layers/osm_roads.gpkg``).

Read from ``osm_trondheim_region_2023.gpkg`` (layer ``roads``; see ``SOURCES.md``), an
OpenMapTiles-schema rebuild of OpenStreetMap as of April 2023, and slimmed for routing:

* **Links kept:** the car classes of :data:`~landreg.layers.speeds.OSM_CAR_CLASSES` (motorway …
  minor, service roads and tracks: plots are reached by them).  Left out: roads under construction
  (``*_construction``), links tagged ``access = no`` (bus-only streets, barred private roads) and
  ferry lines (the car ferries of the combined network are N1000's ``bilferje`` links, which are
  whole crossings; the OSM ferry lines of the tiles are fragments, and most of them are passenger
  boats: Hurtigruten, Kystekspressen, the Trondheim–Vanvikan express boat).
* **Coverage:** the box of the OSM extract (lon 9.78–10.97, lat 63.17–63.56, ``osmium extract
  --bbox``, which keeps every way that enters the box whole), as a polygon in EPSG:25832 (layer
  ``coverage``).  Links are cut at its edge, so inside it the street network is complete; outside
  it routing falls back to N1000 (:mod:`landreg.enrich.combine`).
* **Geometry:** vertices within :data:`SIMPLIFY_M` (1 m) of the line dropped (Douglas–Peucker;
  end points, hence the topology, kept; total length changes by less than 0.1 %).
* **Columns** (only what routing reads, so that the file stays small): ``osm_edge_id`` (the
  source's ``edge_id``), ``highway`` (the OpenMapTiles class — motorway, trunk, primary,
  secondary, tertiary, minor, service, track — with ``_link`` appended on ramps, as in OSM),
  ``oneway`` (``yes``, ``-1`` or ``no``), ``tunnel`` (``yes`` in tunnels), ``ref``,
  ``vegkategori`` (derived, see :func:`road_category`) and ``speed_kmh`` (the calibrated
  effective speed of :func:`~landreg.layers.speeds.calibrated_osm_speeds_kmh`, an assumption: the
  extract has no speed limits).  Names, service types and surfaces are in the source file.

Licence: OpenStreetMap data, ODbL 1.0, "© OpenStreetMap contributors"; this file is a derived
database under ODbL as well.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer

from landreg.crs import STORAGE_CRS
from landreg.demo.common import fresh, snap, write_vector
from landreg.layers.speeds import OSM_CAR_CLASSES, calibrated_osm_speeds_kmh

OSM_REGION = "osm_trondheim_region_2023.gpkg"
OSM_ROADS_FILE = "osm_roads.gpkg"
#: The bounding box of the OSM extract (``osmium extract --bbox``), lon/lat (SOURCES.md).
COVERAGE_LONLAT = (9.78, 63.17, 10.97, 63.56)
#: Vertices within this distance of the simplified line are dropped (the tiles place them to ~0.3 m), metres.
SIMPLIFY_M = 1.0
_DENSIFY_DEG = 0.005  # edge points of the box polygon every ~0.5 km, so its sides follow the projection
_NUMBER = re.compile(r"^\s*(E)?\s*(\d+)\s*$")


def coverage_polygon(bounds_lonlat: tuple[float, float, float, float] = COVERAGE_LONLAT) -> shapely.Polygon:
    """The lon/lat box of the extract as a polygon in EPSG:25832 (sides densified, vertices on 1 cm)."""
    box = shapely.segmentize(shapely.box(*bounds_lonlat), _DENSIFY_DEG)
    to_utm = Transformer.from_crs("EPSG:4326", STORAGE_CRS, always_xy=True)
    xy = np.column_stack(to_utm.transform(*shapely.get_coordinates(box).T))
    return snap([shapely.Polygon(xy)])[0]


def road_category(ref: object, road_class: str, *, known: dict[int, str]) -> str:
    """N1000-style road category (E, R, F, K, P) of an OSM link, from its ``ref`` and class.

    ``E 6`` → E; a road number that N1000 knows → N1000's category; any other number → F (in
    Norway only European, national and county roads are numbered, and national road numbers are all
    in N1000); no number → K on public classes, P on service roads and tracks.
    """
    if isinstance(ref, str):
        for part in ref.split(";"):
            hit = _NUMBER.match(part)
            if hit:
                return "E" if hit.group(1) else known.get(int(hit.group(2)), "F")
    return "P" if road_class in ("service", "track") else "K"


def osm_roads(source_dir: Path, *, built_up: gpd.GeoDataFrame, n1000_roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The OSM car network inside the coverage box, with derived columns (see the module docstring).

    Parameters
    ----------
    source_dir : Path
        Folder with ``osm_trondheim_region_2023.gpkg``.
    built_up : GeoDataFrame
        N1000 built-up areas (EPSG:25832), for the urban speed rules.
    n1000_roads : GeoDataFrame
        N1000 roads with ``vegkategori`` and ``vegnummer``, for the category of numbered roads.

    Returns
    -------
    GeoDataFrame
        One LineString per link, EPSG:25832.
    """
    src = gpd.read_file(source_dir / OSM_REGION, layer="roads", engine="pyogrio").to_crs(STORAGE_CRS)
    keep = src["class"].isin(OSM_CAR_CLASSES) & src["access"].fillna("").ne("no")
    frame = src[keep].copy()
    area = coverage_polygon()
    frame.geometry = frame.geometry.intersection(area)
    frame = frame.explode(index_parts=False)
    frame = frame[shapely.get_type_id(frame.geometry.to_numpy()) == 1]
    lines = shapely.simplify(frame.geometry.to_numpy(), SIMPLIFY_M)  # keeps every line's end points
    frame.geometry = gpd.GeoSeries(snap(lines), index=frame.index, crs=STORAGE_CRS)
    frame = frame[~frame.geometry.is_empty & (frame.geometry.length > 0)].reset_index(drop=True)

    ramp = frame["ramp"].astype(bool).to_numpy()
    road_class = frame["class"].astype(str).to_numpy(dtype=object)
    numbered = n1000_roads.dropna(subset=["vegnummer"])
    known = {int(n): str(c) for n, c in zip(numbered["vegnummer"], numbered["vegkategori"], strict=True)}
    out = gpd.GeoDataFrame(
        {
            "osm_edge_id": frame["edge_id"].astype("int64"),
            "highway": np.where(ramp, road_class + "_link", road_class),
            "oneway": frame["oneway"].map({1: "yes", -1: "-1", 0: "no"}).fillna("no"),
            "tunnel": frame["brunnel"].map({"tunnel": "yes"}),
            "ref": frame["ref"],
            "vegkategori": [road_category(r, c, known=known) for r, c in zip(frame["ref"], road_class, strict=True)],
        },
        geometry=frame.geometry.to_numpy(),
        crs=STORAGE_CRS,
    )
    out["speed_kmh"] = calibrated_osm_speeds_kmh(out, built_up=built_up.to_crs(STORAGE_CRS))
    return out


def write_osm_roads(
    source_dir: Path, out_dir: Path, *, built_up: gpd.GeoDataFrame, n1000_roads: gpd.GeoDataFrame
) -> dict[str, int]:
    """Write ``osm_roads.gpkg`` (layers ``roads`` and ``coverage``); returns feature counts."""
    roads = osm_roads(source_dir, built_up=built_up, n1000_roads=n1000_roads)
    coverage = gpd.GeoDataFrame(
        pd.DataFrame({"name": ["OpenStreetMap extract, Trondheim region 2023"], "bbox_lonlat": [str(COVERAGE_LONLAT)]}),
        geometry=[coverage_polygon()],
        crs=STORAGE_CRS,
    )
    path = fresh(out_dir / OSM_ROADS_FILE)
    # no R-tree: the layer is read whole, and the index would add a third to the file
    pyogrio.write_dataframe(roads, path, layer="roads", driver="GPKG", layer_options={"SPATIAL_INDEX": "NO"})
    write_vector(coverage, path, "coverage")
    return {"osm_roads": len(roads), "osm_coverage": len(coverage)}
