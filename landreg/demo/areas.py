"""The named business areas: real OpenStreetMap outlines where the matching rule finds them, else generated.

Every area is anchored at a real place name (``anchor`` says which) or, where the
bundled layers have none, at an approximate position.  Its outline is the OSM
business land that :func:`landreg.demo.osm_landuse.match_osm_outlines` gives it
(``outline_source = "osm"``, ``osm_landuse_ids`` lists the polygons); where the
rule finds none, a **generated** outline (``outline_source = "generated"``): an
irregular blob of about the intended size around the anchor, cut to the
municipality's land polygon (shrunk 40 m), to the area's Voronoi cell among all
anchors (shrunk 30 m), kept 30 m from every OSM outline, and with protected areas
removed.  Firms and strategic notes are synthetic for every area.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landreg.crs import STORAGE_CRS
from landreg.demo.area_specs import AREA_SPECS, NAMED_FIRMS, SECTORS, AreaSpec
from landreg.demo.common import SYNTHETIC_NOTE, SYNTHETIC_PROVENANCE, fresh, rng_for, snap, write_vector
from landreg.demo.osm_landuse import (
    LANDUSE_FILE,
    LANDUSE_LAYER,
    OSM_SOURCE,
    SEED_RADIUS_M,
    Claimant,
    OsmOutline,
    in_osm_extent,
    match_osm_outlines,
)

AREAS_FILE = "business_areas.gpkg"
_MUNI_INSET_M = 40.0
_CELL_INSET_M = 30.0
#: N50 place names of this type claim OSM land even when they anchor no area (see osm_landuse).
_CLAIMING_NAME_TYPE = "industriområde"


def _anchor(
    spec: AreaSpec, placenames: gpd.GeoDataFrame, stations: gpd.GeoDataFrame, land: shapely.Geometry
) -> tuple[shapely.Point, str, dict[str, str]]:
    """The anchor point, its description and its provenance entry."""
    if spec.place is None:
        assert spec.approx_xy is not None
        point = shapely.Point(spec.approx_xy)
        return point, spec.approx_note, {"source": "approximate position", "note": spec.approx_note}
    dataset, place = spec.place
    if dataset == "stations":
        hits = stations[stations["navn"] == place]
        source = f"Kartverket N1000 stasjon '{place}'"
    else:
        hits = placenames[(placenames["dataset"] == dataset) & (placenames["fulltekst"] == place)]
        source = f"Kartverket {dataset} stedsnavn '{place}'"
    if hits.empty:
        raise ValueError(f"business area {spec.area_id!r}: no {dataset} name {place!r} in the place-name layers")
    ranked = sorted(
        zip(hits.get("navneobjekttype", [""] * len(hits)), hits.geometry, strict=True),
        key=lambda t: (t[0] != "industriområde", t[1].x, t[1].y),
    )
    points = [g for _, g in ranked]
    inside = [p for p in points if land.contains(p)]
    if inside:
        return inside[0], f"real: {source}", {"source": source}
    nearest = shapely.ops.nearest_points(land, points[0])[0]
    note = f"approximate: {source} lies {points[0].distance(land):.0f} m off the land polygon; moved onto land"
    return nearest, note, {"source": source, "note": note}


def _blob(center: shapely.Point, radius_m: float, rng: np.random.Generator) -> shapely.Polygon:
    theta = np.linspace(0.0, 2 * math.pi, 56, endpoint=False)
    r = np.ones_like(theta)
    for k, amp in ((2, 0.10), (3, 0.07), (4, 0.04), (5, 0.03)):
        r += amp * rng.uniform(0.3, 1.0) * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
    stretch, angle = rng.uniform(1.0, 1.5), rng.uniform(0, math.pi)
    x, y = r * np.cos(theta) * stretch, r * np.sin(theta) / stretch
    ca, sa = math.cos(angle), math.sin(angle)
    xs, ys = center.x + radius_m * (x * ca - y * sa), center.y + radius_m * (x * sa + y * ca)
    return shapely.Polygon(np.column_stack([xs, ys]))


def _outline(spec: AreaSpec, anchor: shapely.Point, allowed: shapely.Geometry) -> shapely.Geometry:
    """A blob of roughly ``target_daa`` inside ``allowed``, grown when the coast or a neighbour cuts it."""
    target_m2 = spec.target_daa * 1_000.0
    base_r = math.sqrt(target_m2 / math.pi)
    best = None
    for scale in (1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.4, 2.9):
        rng = rng_for("area-outline", spec.area_id)  # the same shape at every scale
        shape = _blob(anchor, base_r * scale, rng).intersection(allowed)
        parts = [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon"]
        if not parts:
            continue
        best = max(parts, key=lambda p: p.area - p.distance(anchor) * 100.0)
        if best.area >= 0.9 * target_m2:
            break
    if best is None or best.area < 0.2 * target_m2:
        raise ValueError(f"business area {spec.area_id!r}: no room for an outline near its anchor")
    return best.simplify(2.0)


def _firms(spec: AreaSpec) -> list[dict[str, object]]:
    """Invented firms of an area (plus a firm named in the context documents, where there is one)."""
    rng = rng_for("area-firms", spec.area_id)
    sectors = SECTORS[spec.area_type]
    n = int(np.clip(round(spec.target_daa / 70), 2, 8))
    short = spec.name.split(" ")[0].split("/")[0]
    firms: list[dict[str, object]] = []
    if spec.area_id in NAMED_FIRMS:
        name, nace = NAMED_FIRMS[spec.area_id]
        firms.append({"name": name, "nace": nace, "employees": None})
    for i in range(n):
        word, nace = sectors[i % len(sectors)]
        firms.append(
            {"name": f"Fiktiv {word} {short} {i + 1} AS", "nace": nace, "employees": int(rng.integers(4, 160))}
        )
    return firms


def _claimants(
    anchors: list[tuple[shapely.Point, str, dict[str, str]]], placenames: gpd.GeoDataFrame
) -> list[Claimant]:
    """Area anchors (with their dataset when named) and the N50 industriområde names no area uses."""
    out = [
        Claimant(s.area_id, point, s.municipality_no, s.place[0] if s.place is not None else None)
        for s, (point, _, _) in zip(AREA_SPECS, anchors, strict=True)
    ]
    used = {s.place for s in AREA_SPECS if s.place is not None}
    names = placenames[(placenames["dataset"] == "N50") & (placenames["navneobjekttype"] == _CLAIMING_NAME_TYPE)]
    for name, point in sorted(zip(names["fulltekst"], names.geometry, strict=True), key=lambda t: t[0]):
        if ("N50", name) not in used:
            out.append(Claimant(f"name:{name}", point, None, None))
    return out


def _outline_columns(spec: AreaSpec, anchor: shapely.Point, osm: OsmOutline | None) -> dict[str, object]:
    """``outline_source``, ``osm_landuse_ids``, ``outline_note`` and the geometry's provenance entry."""
    if osm is None:
        if spec.place is None:
            why = "no place name to match OSM land to"
        elif not in_osm_extent(anchor):
            why = "outside the area the OSM extract covers"
        else:
            why = f"no OSM business land it claims within {SEED_RADIUS_M[spec.place[0]]:.0f} m of the anchor"
        note = f"generated outline ({why}); {SYNTHETIC_NOTE}"
        return {
            "outline_source": "generated",
            "osm_landuse_ids": None,
            "outline_note": note,
            "geometry_provenance": {
                "source": "synthetic",
                "note": f"{SYNTHETIC_NOTE}: outline invented around the anchor",
            },
        }
    ids = ",".join(str(i) for i in osm.landuse_ids)
    dataset = spec.place[0] if spec.place is not None else "?"
    note = (
        f"OSM landuse {ids}: within {osm.seed_radius_m:.0f} m of the {dataset} anchor or contiguous with those, "
        "claimed by no nearer anchor; clipped to the municipality's land"
    )
    return {
        "outline_source": "osm",
        "osm_landuse_ids": ids,
        "outline_note": note,
        "geometry_provenance": {"source": OSM_SOURCE, "note": note},
    }


def build_business_areas(layers_dir: Path) -> gpd.GeoDataFrame:
    """The business areas (EPSG:25832): the fields of :class:`landreg.model.BusinessArea` plus the outline's origin.

    Parameters
    ----------
    layers_dir : Path
        Folder with ``kartverket.gpkg`` and ``osm_landuse.gpkg``.

    Returns
    -------
    GeoDataFrame
        One row per :data:`~landreg.demo.area_specs.AREA_SPECS` entry; ``outline_source``
        is ``"osm"`` or ``"generated"``, ``osm_landuse_ids`` the OSM polygons used
        (comma-separated), ``outline_note`` how the outline was found.
    """
    kartverket_gpkg = layers_dir / "kartverket.gpkg"
    munis = gpd.read_file(kartverket_gpkg, layer="municipalities", engine="pyogrio")
    placenames = gpd.read_file(kartverket_gpkg, layer="placenames", engine="pyogrio")
    stations = gpd.read_file(kartverket_gpkg, layer="stations", engine="pyogrio")
    protected = gpd.read_file(kartverket_gpkg, layer="protected_areas", engine="pyogrio").union_all()
    landuse = gpd.read_file(layers_dir / LANDUSE_FILE, layer=LANDUSE_LAYER, engine="pyogrio")
    land = {no: g for no, g in zip(munis["kommunenummer"], munis.geometry, strict=True)}
    anchors = [_anchor(s, placenames, stations, land[s.municipality_no].buffer(-_MUNI_INSET_M)) for s in AREA_SPECS]
    osm = match_osm_outlines(landuse, claimants=_claimants(anchors, placenames), land=land, protected=protected)
    taken = shapely.union_all([o.geometry for o in osm.values()]).buffer(_CELL_INSET_M) if osm else None
    points = shapely.MultiPoint([a[0] for a in anchors])
    cells = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=points.envelope.buffer(50_000)))
    rows = []
    for spec, (point, anchor_text, anchor_prov) in zip(AREA_SPECS, anchors, strict=True):
        found = osm.get(spec.area_id)
        if found is not None:
            geom = found.geometry
        else:
            cell = next(c for c in cells if c.contains(point))
            allowed = land[spec.municipality_no].buffer(-_MUNI_INSET_M).intersection(cell.buffer(-_CELL_INSET_M))
            allowed = allowed.difference(protected)
            if taken is not None:
                allowed = allowed.difference(taken)
            geom = _outline(spec, point, allowed)
        origin = _outline_columns(spec, point, found)
        provenance = {**SYNTHETIC_PROVENANCE, "anchor": anchor_prov, "geometry": origin.pop("geometry_provenance")}
        rows.append(
            {
                "area_id": spec.area_id,
                "name": spec.name,
                "municipality_no": spec.municipality_no,
                "area_type": spec.area_type,
                "strategic_note": spec.strategic_note,
                "nuisance_class": spec.nuisance_class,
                "occupants": json.dumps(_firms(spec), ensure_ascii=False),
                "anchor": f"{anchor_text} (x={point.x:.0f}, y={point.y:.0f}, EPSG:25832)",
                **origin,
                "provenance": json.dumps(provenance, ensure_ascii=False),
                "geometry": geom,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)
    frame.geometry = gpd.GeoSeries(
        [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in snap(frame.geometry.values)],
        crs=STORAGE_CRS,
    )
    return frame


def write_business_areas(layers_dir: Path, out_dir: Path) -> int:
    """Write ``business_areas.gpkg`` (layer ``business_areas``); returns the number of areas."""
    frame = build_business_areas(layers_dir)
    write_vector(frame, fresh(out_dir / AREAS_FILE), "business_areas")
    return len(frame)
