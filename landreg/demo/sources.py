"""Real layers derived from the Kartverket and OpenStreetMap files (reprojected to EPSG:25832).

Nothing here is invented: features are selected, reprojected, rounded to 1 cm
and given a few derived columns (``speed_kmh``, ``road_ref``, ``length_m``,
``dataset``).  Inputs are described in ``/work/shared/data/SOURCES.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from landreg.crs import STORAGE_CRS
from landreg.demo.common import fresh, snap, write_vector
from landreg.demo.osm_landuse import write_osm_landuse
from landreg.demo.osm_roads import write_osm_roads
from landreg.layers.speeds import CAR_ROAD_TYPES, calibrated_speeds_kmh
from landreg.municipalities import REGION_MUNICIPALITY_NOS

N1000 = "n1000_trondelag_kartverket.gpkg"
N50 = "n50_trondheim_kartverket.gpkg"
KOMMUNER = "kommuner_trondelag_2024_land.geojson"
OSM_ROADS = "osm_trondheim_midtbyen_roads_2023.geojson"
KARTVERKET_FILE = "kartverket.gpkg"
OSM_FILE = "osm_trondheim.gpkg"
_CATEGORY_PREFIX = {"E": "E", "R": "Rv", "F": "Fv", "K": "Kv", "P": "Pv"}


def _read(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    frame = frame.to_crs(STORAGE_CRS)
    frame.geometry = gpd.GeoSeries(snap(frame.geometry.values), crs=STORAGE_CRS)
    return frame


def municipalities(source_dir: Path) -> gpd.GeoDataFrame:
    """The ten region municipalities and their 13 neighbours, land polygons (coastline-clipped).

    Neighbours are the municipalities whose N1000 polygon (which includes sea) shares a
    border with a region member; their land polygons come from the same file as the members'.
    """
    land = _read(source_dir / KOMMUNER)
    n1000 = gpd.read_file(source_dir / N1000, layer="kommune", engine="pyogrio")
    members = n1000["kommunenummer"].isin(REGION_MUNICIPALITY_NOS)
    touching = n1000[n1000.intersects(n1000[members].union_all())]["kommunenummer"]
    keep = land[land["kommunenummer"].isin(set(touching))].copy()
    keep["trondheimsregionen"] = keep["kommunenummer"].isin(REGION_MUNICIPALITY_NOS)
    keep = keep.sort_values("kommunenummer").reset_index(drop=True)
    return keep[["kommunenummer", "kommunenavn", "trondheimsregionen", "geometry"]]


def _road_ref(cat: object, number: Any) -> str | None:
    if not isinstance(cat, str) or pd.isna(number):
        return None
    return f"{_CATEGORY_PREFIX.get(cat, cat)}{int(number)}"


def built_up(source_dir: Path) -> gpd.GeoDataFrame:
    """N1000 main built-up areas (``tettbebyggelse``, 15 generalised polygons)."""
    frame = _read(source_dir / N1000, "tettbebyggelse")
    return frame[["geometry"]].reset_index(drop=True)


def roads(source_dir: Path) -> gpd.GeoDataFrame:
    """N1000 car roads in use (``vegfase`` V) and car ferries, with the assumed ``speed_kmh``.

    ``speed_kmh`` is the calibrated effective speed of :func:`~landreg.layers.speeds.calibrated_speeds_kmh`
    (class speed, slowed inside the N1000 built-up areas).

    Paths (``sti``), passenger ferries and the six links of planned roads (``vegfase`` P)
    are left out, so the layer is the drivable network of today.
    """
    frame = _read(source_dir / N1000, "veglenke")
    in_use = (frame["vegfase"] == "V") | (frame["typeVeg"] == "bilferje")  # ferries carry no vegfase
    frame = frame[frame["typeVeg"].isin(CAR_ROAD_TYPES) & in_use].copy()
    frame["vegnummer"] = frame["vegnummer"].astype("Int64")
    frame["road_ref"] = [_road_ref(c, n) for c, n in zip(frame["vegkategori"], frame["vegnummer"], strict=True)]
    frame["speed_kmh"] = calibrated_speeds_kmh(frame, built_up=built_up(source_dir))
    frame["length_m"] = frame.length.round(1)
    cols = [
        "typeVeg",
        "vegkategori",
        "vegnummer",
        "road_ref",
        "motorvegtype",
        "vegfase",
        "medium",
        "speed_kmh",
        "length_m",
        "geometry",
    ]
    return frame[cols].reset_index(drop=True)


def placenames(source_dir: Path) -> gpd.GeoDataFrame:
    """N1000 place names (Trøndelag) and N50 place names (Trondheim), one point per name."""
    cols = ["stedsnummer", "fulltekst", "navneobjekttype", "navneobjektgruppe", "navneobjekthovedgruppe", "språk"]
    parts = []
    for name, file in (("N1000", N1000), ("N50", N50)):
        frame = _read(source_dir / file, "stedsnavn")
        frame = frame[[*cols, "geometry"]].copy()
        frame.insert(0, "dataset", name)
        parts.append(frame)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=STORAGE_CRS)


def protected_areas(source_dir: Path) -> gpd.GeoDataFrame:
    """N1000 (large) and N50 (Trondheim) nature-protection areas."""
    parts = []
    for name, file in (("N1000", N1000), ("N50", N50)):
        frame = _read(source_dir / file, "naturvernomrade")
        frame = frame[["navn", "verneform", "vernedato", "geometry"]].copy()
        frame["vernedato"] = frame["vernedato"].astype(str)
        frame.insert(0, "dataset", name)
        parts.append(frame)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=STORAGE_CRS)


def write_sources(source_dir: Path, out_dir: Path) -> dict[str, int]:
    """Write ``kartverket.gpkg``, ``osm_trondheim.gpkg``, ``osm_landuse.gpkg``, ``osm_roads.gpkg``; returns counts."""
    kv = fresh(out_dir / KARTVERKET_FILE)
    layers: dict[str, gpd.GeoDataFrame] = {
        "municipalities": municipalities(source_dir),
        "roads": roads(source_dir),
        "railways": _read(source_dir / N1000, "bane")[["medium", "geometry"]],
        "stations": _read(source_dir / N1000, "stasjon")[["navn", "geometry"]],
        "airports": _read(source_dir / N1000, "lufthavn")[
            ["navn", "iataKode", "icaoKode", "lufthavntype", "trafikktype", "geometry"]
        ],
        "placenames": placenames(source_dir),
        "built_up": built_up(source_dir),
        "protected_areas": protected_areas(source_dir),
    }
    for name, frame in layers.items():
        write_vector(frame, kv, name)
    streets = _read(source_dir / OSM_ROADS)
    streets = streets[
        ["osm_id", "highway", "name", "ref", "maxspeed", "lanes", "oneway", "surface", "node_ids", "geometry"]
    ]
    write_vector(streets, fresh(out_dir / OSM_FILE), "streets")
    counts = {name: len(frame) for name, frame in layers.items()}
    counts["streets"] = len(streets)
    counts["osm_landuse"] = write_osm_landuse(source_dir, out_dir, municipalities=layers["municipalities"])
    counts.update(write_osm_roads(source_dir, out_dir, built_up=layers["built_up"], n1000_roads=layers["roads"]))
    return counts
