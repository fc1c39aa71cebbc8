"""Destinations for road access: port, airport, rail, city centre and motorway junctions.

Every point is a real position from Kartverket data: N50 place names (Trondheim),
N1000 airports, and junctions derived from the N1000 road network where a
European road (E6, E14, E39) meets another car road.  The Torgård rail freight
terminal is planned; its point is the N50 farm name *Torgarden*.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landreg.crs import STORAGE_CRS
from landreg.demo.common import fresh, write_vector

DESTINATIONS_FILE = "destinations.gpkg"
#: Junctions closer than this to one already kept are treated as the same interchange.
JUNCTION_MIN_SPACING_M = 2_500.0
#: (dest_id, name, kind, status, dataset, place name) of the named destinations.
_NAMED = (
    ("port_nyhavna", "Trondheim havn, Nyhavna", "port", "existing", "N50", "Nyhavna"),
    ("port_brattora", "Trondheim havn, Brattøra", "port", "existing", "N50", "Brattøra"),
    ("rail_trondheim_s", "Trondheim S", "rail_station", "existing", "N50", "Trondheim sentralstasjon"),
    ("rail_heimdal", "Heimdal stasjon", "rail_station", "existing", "N50", "Heimdal stasjon"),
    ("freight_torgard", "Torgård godsterminal (planlagt)", "rail_freight_terminal", "planned", "N50", "Torgarden"),
    ("city_centre", "Trondheim sentrum (Midtbyen)", "city_centre", "existing", "N50", "Midtbyen"),
)


def _named_points(placenames: gpd.GeoDataFrame, airports: gpd.GeoDataFrame) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for dest_id, name, kind, status, dataset, place in _NAMED:
        hit = placenames[(placenames["dataset"] == dataset) & (placenames["fulltekst"] == place)]
        if len(hit) != 1:
            raise ValueError(f"expected one {dataset} place name {place!r}, found {len(hit)}")
        rows.append(
            {
                "dest_id": dest_id,
                "name": name,
                "kind": kind,
                "status": status,
                "source": f"Kartverket {dataset} stedsnavn '{place}'",
                "geometry": hit.geometry.iloc[0],
            }
        )
    trd = airports[airports["iataKode"] == "TRD"]
    rows.append(
        {
            "dest_id": "airport_vaernes",
            "name": str(trd["navn"].iloc[0]),
            "kind": "airport",
            "status": "existing",
            "source": "Kartverket N1000 lufthavn (TRD)",
            "geometry": trd.geometry.iloc[0],
        }
    )
    return rows


def motorway_junctions(roads: gpd.GeoDataFrame, region: shapely.Geometry) -> list[dict[str, object]]:
    """Nodes where an E-road link meets a non-E car road, inside ``region``, deduplicated.

    Parameters
    ----------
    roads : GeoDataFrame
        The ``roads`` layer (EPSG:25832), with ``vegkategori``, ``road_ref`` and ``typeVeg``.
    region : shapely geometry
        Area in which junctions are kept (EPSG:25832).
    """
    links: dict[tuple[int, int], set[tuple[bool, str]]] = defaultdict(set)
    for geom, cat, ref, kind in zip(
        roads.geometry, roads["vegkategori"], roads["road_ref"], roads["typeVeg"], strict=True
    ):
        if kind != "enkelBilveg":
            continue
        coords = shapely.get_coordinates(geom)
        label = ref if isinstance(ref, str) else f"{cat}-veg"
        for x, y in (coords[0], coords[-1]):
            links[(round(x), round(y))].add((cat == "E", label))
    candidates = []
    for (x, y), members in links.items():
        e_refs = sorted({lab for is_e, lab in members if is_e})
        others = sorted({lab for is_e, lab in members if not is_e})
        if e_refs and others and region.contains(shapely.Point(x, y)):
            candidates.append((e_refs[0], -y, x, others))
    kept: list[tuple[str, float, float, list[str]]] = []  # (E-road ref, -y, x, other refs)
    for e_ref, neg_y, x, others in sorted(candidates):
        if all(np.hypot(x - kx, -neg_y + ky) >= JUNCTION_MIN_SPACING_M for _, ky, kx, _ in kept):
            kept.append((e_ref, neg_y, x, others))
    rows = []
    counters: dict[str, int] = defaultdict(int)
    for e_ref, jneg_y, jx, others in kept:
        counters[e_ref] += 1
        rows.append(
            {
                "dest_id": f"jct_{e_ref.lower()}_{counters[e_ref]:02d}",
                "name": f"{e_ref} / {', '.join(others)}",
                "kind": "motorway_junction",
                "status": "existing",
                "source": "derived from Kartverket N1000 veglenke (E-road meets other road)",
                "geometry": shapely.Point(jx, -jneg_y),
            }
        )
    return rows


def build_destinations(layers_dir: Path) -> gpd.GeoDataFrame:
    """All destinations, from the real layers already written to ``layers_dir/kartverket.gpkg``."""
    kv = layers_dir / "kartverket.gpkg"
    placenames = gpd.read_file(kv, layer="placenames", engine="pyogrio")
    airports = gpd.read_file(kv, layer="airports", engine="pyogrio")
    roads = gpd.read_file(kv, layer="roads", engine="pyogrio")
    munis = gpd.read_file(kv, layer="municipalities", engine="pyogrio")
    region = munis[munis["trondheimsregionen"].astype(bool)].union_all().buffer(500.0)
    rows = _named_points(placenames, airports) + motorway_junctions(roads, region)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def write_destinations(layers_dir: Path, out_dir: Path) -> int:
    """Write ``destinations.gpkg`` (layer ``destinations``); returns the number of points."""
    frame = build_destinations(layers_dir)
    write_vector(frame, fresh(out_dir / DESTINATIONS_FILE), "destinations")
    return len(frame)
