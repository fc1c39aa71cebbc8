"""Real business-land outlines from OpenStreetMap and how the named business areas take them.

The ``sources`` stage writes ``osm_landuse.gpkg``: the OSM ``landuse`` polygons of
class industrial, commercial and retail from
``osm_trondheim_region_2023.gpkg`` (OpenMapTiles schema, early April 2023; see
``/work/shared/data/SOURCES.md``), reprojected to EPSG:25832.  The source has no
names, so :func:`match_osm_outlines` gives them to the named business areas by
this rule (nothing is chosen by hand):

1. **Candidates** are the polygons in the area's municipality (``kommunenummer``:
   the municipality whose land polygon holds most of the polygon).
2. **Claim.**  Every candidate is claimed by the nearest *claimant* (distance from
   the point to the polygon): the anchor of a business area in the same
   municipality, or an N50 place name of type ``industriområde`` that anchors no
   area (Brattøra, so that its port land is not given to Nyhavna).  What such a
   name claims stays unused.
3. **Seed.**  An area takes the polygons it claims within :data:`SEED_RADIUS_M` of
   its anchor.  The radius follows how precisely the anchor's source places a name:
   an N50 name (1:50 000) 500 m; an N1000 railway station (a point at the station)
   1 000 m; an N1000 name 2 500 m, because N1000 (1:1 000 000) places the
   point at the centre of the map text, which for the 10 names in both N50 and N1000
   (leaving out the forest Bymarka) lies a median 1.4 km and at most 2.6 km (Ranheim)
   from the N50 point.
4. **Contiguous** polygons it claims (gap up to :data:`CONTIGUOUS_GAP_M`) are added
   to the seeds, repeatedly, and the result is dissolved.
5. The outline is **clipped** to the municipality's land polygon (Kartverket) and
   nature-protection areas are removed.

An area anchored at an approximate position (no place name, e.g. Sveberg), or whose
rule finds no polygon, keeps a generated outline, labelled ``outline_source =
"generated"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landreg.crs import STORAGE_CRS
from landreg.demo.common import fresh, snap, write_vector

OSM_REGION = "osm_trondheim_region_2023.gpkg"
LANDUSE_FILE = "osm_landuse.gpkg"
LANDUSE_LAYER = "landuse"
#: The box the OSM extract covers (lon/lat; SOURCES.md): outside it OSM can give no outline.
OSM_EXTENT_LONLAT = (9.78, 63.17, 10.97, 63.56)
#: OSM ``landuse`` classes that are business land.
BUSINESS_CLASSES: tuple[str, ...] = ("industrial", "commercial", "retail")
#: Seed radius (m) by the dataset of the anchor: how precisely that source places a name.
SEED_RADIUS_M: dict[str, float] = {"N50": 500.0, "stations": 1_000.0, "N1000": 2_500.0}
#: Polygons this close (m) to an area's polygons are contiguous with them.
CONTIGUOUS_GAP_M = 20.0
#: Outlines are clipped this far (m) inside the land polygon, so rounding to 1 cm keeps them inside.
_ROUNDING_MARGIN_M = 0.05
OSM_SOURCE = "OpenStreetMap landuse (early April 2023, via OpenMapTiles), ODbL 1.0"


def business_landuse(source_dir: Path, municipalities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """OSM industrial, commercial and retail land in the region (EPSG:25832).

    Parameters
    ----------
    source_dir : Path
        Folder holding ``osm_trondheim_region_2023.gpkg``.
    municipalities : GeoDataFrame
        Land polygons with ``kommunenummer`` (EPSG:25832), as in ``kartverket.gpkg``.

    Returns
    -------
    GeoDataFrame
        ``landuse_id`` (the source's id), ``class``, ``area_m2`` (of the reprojected
        polygon), ``kommunenummer`` (the municipality holding most of the polygon) and
        the geometry, ordered by ``landuse_id``.
    """
    frame = gpd.read_file(source_dir / OSM_REGION, layer="landuse", engine="pyogrio")
    frame = frame[frame["class"].isin(BUSINESS_CLASSES)].to_crs(STORAGE_CRS)
    frame = frame.sort_values("landuse_id").reset_index(drop=True)
    geoms = snap(shapely.make_valid(frame.geometry.values))
    frame = gpd.GeoDataFrame(
        {"landuse_id": frame["landuse_id"].astype("int64"), "class": frame["class"].astype(str)},
        geometry=gpd.GeoSeries(geoms, crs=STORAGE_CRS),
    )
    frame["area_m2"] = frame.geometry.area.round(1)
    frame["kommunenummer"] = [_municipality_of(g, municipalities) for g in frame.geometry]
    return frame[["landuse_id", "class", "area_m2", "kommunenummer", "geometry"]]


def _municipality_of(geom: shapely.Geometry, municipalities: gpd.GeoDataFrame) -> str:
    """The municipality whose land holds most of ``geom`` (the nearest one when none does)."""
    overlap = municipalities.geometry.intersection(geom).area.to_numpy()
    index = int(overlap.argmax()) if overlap.max() > 0 else int(municipalities.distance(geom).to_numpy().argmin())
    return str(municipalities["kommunenummer"].iloc[index])


def in_osm_extent(point: shapely.Point) -> bool:
    """Whether ``point`` (EPSG:25832) lies in the box the OSM extract covers."""
    lon, lat = gpd.GeoSeries([point], crs=STORAGE_CRS).to_crs("EPSG:4326").iloc[0].coords[0]
    west, south, east, north = OSM_EXTENT_LONLAT
    return west <= lon <= east and south <= lat <= north


def write_osm_landuse(source_dir: Path, out_dir: Path, *, municipalities: gpd.GeoDataFrame) -> int:
    """Write ``osm_landuse.gpkg`` (layer ``landuse``); returns the number of polygons."""
    frame = business_landuse(source_dir, municipalities)
    write_vector(frame, fresh(out_dir / LANDUSE_FILE), LANDUSE_LAYER)
    return len(frame)


@dataclass(frozen=True)
class Claimant:
    """A point that claims OSM polygons: a business area's anchor or an unused N50 industriområde name.

    Attributes
    ----------
    key : str
        The area id, or ``"name:<place name>"`` for a name that anchors no area.
    point : shapely.Point
        EPSG:25832.
    municipality_no : str or None
        The area's municipality; None for a name (it competes in every municipality).
    dataset : str or None
        Source of the anchor (``N50``, ``N1000``, ``stations``); None when it takes nothing.
    """

    key: str
    point: shapely.Point
    municipality_no: str | None
    dataset: str | None


@dataclass(frozen=True)
class OsmOutline:
    """The OSM outline an area takes.

    Attributes
    ----------
    geometry : shapely geometry
        Dissolved, clipped outline (EPSG:25832).
    landuse_ids : tuple of int
        The ``landuse_id`` of every polygon used, ascending.
    seed_radius_m : float
        The seed radius applied.
    """

    geometry: shapely.Geometry
    landuse_ids: tuple[int, ...]
    seed_radius_m: float


def match_osm_outlines(
    landuse: gpd.GeoDataFrame,
    *,
    claimants: list[Claimant],
    land: dict[str, shapely.Geometry],
    protected: shapely.Geometry,
) -> dict[str, OsmOutline]:
    """Apply the module's matching rule.

    Parameters
    ----------
    landuse : GeoDataFrame
        :func:`business_landuse` (EPSG:25832).
    claimants : list of Claimant
        Area anchors (with a dataset when the area may take OSM land) and unused names.
    land : dict
        Municipality number -> land polygon (EPSG:25832).
    protected : shapely geometry
        Nature-protection areas, removed from the outlines.

    Returns
    -------
    dict
        Area id -> its outline, for the areas that take at least one polygon.
    """
    owner = _claims(landuse, claimants)
    geoms = dict(zip(landuse["landuse_id"].astype(int), landuse.geometry, strict=True))
    out: dict[str, OsmOutline] = {}
    used = shapely.MultiPolygon()  # the source has overlapping polygons: the first area keeps the overlap
    for c in claimants:
        if c.dataset is None or c.municipality_no is None:
            continue
        radius = SEED_RADIUS_M[c.dataset]
        mine = [i for i, k in owner.items() if k == c.key]
        taken = {i for i in mine if geoms[i].distance(c.point) <= radius}
        grown = True
        while taken and grown:
            near = shapely.union_all([geoms[i] for i in taken]).buffer(CONTIGUOUS_GAP_M)
            more = {i for i in mine if i not in taken and geoms[i].intersects(near)}
            taken |= more
            grown = bool(more)
        if not taken:
            continue
        ids = tuple(sorted(taken))
        inside = land[c.municipality_no].buffer(-_ROUNDING_MARGIN_M)
        outline = shapely.union_all([geoms[i] for i in ids]).intersection(inside)
        outline = _polygons(outline.difference(protected).difference(used))
        if not outline.is_empty:
            out[c.key] = OsmOutline(outline, ids, radius)
            used = shapely.union(used, outline)
    return out


def _claims(landuse: gpd.GeoDataFrame, claimants: list[Claimant]) -> dict[int, str]:
    """Landuse id -> key of the nearest claimant allowed in its municipality."""
    owner: dict[int, str] = {}
    for lid, muni, geom in zip(
        landuse["landuse_id"].astype(int), landuse["kommunenummer"], landuse.geometry, strict=True
    ):
        allowed = [c for c in claimants if c.municipality_no in (None, muni)]
        if not allowed:
            continue
        dists = np.array([geom.distance(c.point) for c in allowed])
        owner[lid] = allowed[int(dists.argmin())].key
    return owner


def _polygons(geom: shapely.Geometry) -> shapely.Geometry:
    """Only the polygonal parts of ``geom`` (clipping can leave lines and points), as a MultiPolygon."""
    parts = list(shapely.get_parts(geom))
    while any(p.geom_type in ("MultiPolygon", "GeometryCollection") for p in parts):
        parts = [q for p in parts for q in shapely.get_parts(p)]
    parts = [p for p in parts if p.geom_type == "Polygon" and p.area > 1.0]
    if not parts:
        return shapely.MultiPolygon()
    return shapely.MultiPolygon(parts)
