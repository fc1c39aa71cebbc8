"""Business areas take real OpenStreetMap outlines by the documented rule; the rest are labelled generated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from landreg.crs import STORAGE_CRS
from landreg.demo.area_specs import AREA_SPECS
from landreg.demo.osm_landuse import (
    BUSINESS_CLASSES,
    CONTIGUOUS_GAP_M,
    OSM_REGION,
    OSM_SOURCE,
    SEED_RADIUS_M,
    Claimant,
    business_landuse,
    match_osm_outlines,
)
from landreg.layers import load_layer, load_manifest
from landreg.layers.build import OUTLINE_ORIGIN_COLUMNS, build_registry_from_layers
from landreg.registry import open_registry

LAYERS = Path(__file__).resolve().parents[3] / "layers"
SOURCE_DIR = Path(__file__).resolve().parents[4] / "shared" / "data"  # shared/ beside the checkout
needs_sources = pytest.mark.skipif(not (SOURCE_DIR / OSM_REGION).is_file(), reason="source data not available")


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    return load_layer("business_areas", layers_dir=LAYERS)


@pytest.fixture(scope="module")
def landuse() -> gpd.GeoDataFrame:
    return load_layer("osm_landuse", layers_dir=LAYERS)


@pytest.fixture(scope="module")
def municipalities() -> gpd.GeoDataFrame:
    return load_layer("municipalities", layers_dir=LAYERS)


def _anchor_point(anchor: str) -> shapely.Point:
    found = re.search(r"x=(\d+), y=(\d+)", anchor)
    assert found, anchor
    return shapely.Point(float(found[1]), float(found[2]))


def _ids(text: object) -> set[int]:
    return {int(i) for i in str(text).split(",")} if isinstance(text, str) and text else set()


def test_osm_landuse_layer_is_the_business_land_of_the_source(landuse, municipalities):
    assert set(landuse["class"]) == set(BUSINESS_CLASSES)
    assert landuse["landuse_id"].is_unique and landuse.crs.equals(STORAGE_CRS)
    assert landuse.geometry.is_valid.all()
    assert (landuse["area_m2"] - landuse.area).abs().max() < 1.0
    assert set(landuse["kommunenummer"]) <= set(municipalities["kommunenummer"])
    spec = next(s for s in load_manifest(LAYERS).layers if s.id == "osm_landuse")
    assert (spec.synthetic, spec.license, spec.attribution) == (False, "ODbL 1.0", "© OpenStreetMap contributors")


@needs_sources
def test_osm_landuse_layer_matches_the_source_file(landuse, municipalities):
    source = gpd.read_file(SOURCE_DIR / OSM_REGION, layer="landuse").to_crs(STORAGE_CRS)
    source = source[source["class"].isin(BUSINESS_CLASSES)].sort_values("landuse_id").reset_index(drop=True)
    assert landuse["landuse_id"].tolist() == source["landuse_id"].tolist()
    assert landuse["class"].tolist() == source["class"].tolist()
    dist = shapely.hausdorff_distance(landuse.geometry.values, source.geometry.values)
    assert float(np.max(dist)) < 0.02  # moved by no more than the 1 cm rounding
    rebuilt = business_landuse(SOURCE_DIR, municipalities)
    assert rebuilt.drop(columns="geometry").equals(landuse.drop(columns="geometry"))


def test_at_least_twelve_areas_have_real_osm_outlines_and_every_area_says_where_its_outline_comes_from(areas):
    assert set(areas["outline_source"]) == {"osm", "generated"}
    osm = areas[areas["outline_source"] == "osm"]
    assert len(osm) >= 12
    for rec in areas.to_dict("records"):
        geometry_prov = json.loads(rec["provenance"])["geometry"]
        if rec["outline_source"] == "osm":
            assert _ids(rec["osm_landuse_ids"]), rec["area_id"]
            assert geometry_prov["source"] == OSM_SOURCE, rec["area_id"]
            assert rec["outline_note"].startswith("OSM landuse"), rec["area_id"]
        else:
            assert not _ids(rec["osm_landuse_ids"]), rec["area_id"]
            assert geometry_prov["source"] == "synthetic", rec["area_id"]
            assert rec["outline_note"].startswith("generated outline"), rec["area_id"]


def test_osm_outlines_are_their_listed_polygons_clipped_to_the_municipality(areas, landuse, municipalities):
    land = municipalities.set_index("kommunenummer").geometry
    polys = landuse.set_index("landuse_id").geometry
    taken: set[int] = set()
    for rec, geom in zip(areas.to_dict("records"), areas.geometry, strict=True):
        if rec["outline_source"] != "osm":
            continue
        ids = _ids(rec["osm_landuse_ids"])
        assert not ids & taken, rec["area_id"]  # no polygon is given to two areas
        taken |= ids
        expected = shapely.union_all(polys.loc[sorted(ids)].values).intersection(land[rec["municipality_no"]])
        assert land[rec["municipality_no"]].contains(geom), rec["area_id"]
        # the outline is the clipped polygons, up to the first area's share of an overlap in the source
        assert shapely.symmetric_difference(expected, geom).area < 0.01 * expected.area, rec["area_id"]
    left, right = areas.sindex.query(areas.geometry, predicate="intersects")
    assert (left == right).all()


def test_osm_outlines_follow_the_documented_matching_rule(areas, landuse, layers_placenames):
    """Recompute the rule from the layers: nearest claimant, seed radius by the anchor's dataset, contiguity."""
    specs = {s.area_id: s for s in AREA_SPECS}
    points = {a: _anchor_point(t) for a, t in zip(areas["area_id"], areas["anchor"], strict=True)}
    munis = dict(zip(areas["area_id"], areas["municipality_no"], strict=True))
    used = {s.place[1] for s in AREA_SPECS if s.place is not None and s.place[0] == "N50"}
    names = layers_placenames[
        (layers_placenames["dataset"] == "N50") & (layers_placenames["navneobjekttype"] == "industriområde")
    ]
    free_names = [g for n, g in zip(names["fulltekst"], names.geometry, strict=True) if n not in used]
    assert free_names, "every N50 industriområde anchors an area; the rule's blocking names are untested"
    for rec in areas.to_dict("records"):
        area_id, spec = rec["area_id"], specs[rec["area_id"]]
        assert rec["name"] == spec.name
        if spec.place is not None:  # named after the place name its anchor comes from
            assert f"'{spec.place[1]}'" in rec["anchor"], area_id
        mine = []
        for lid, muni, geom in zip(landuse["landuse_id"], landuse["kommunenummer"], landuse.geometry, strict=True):
            if muni != munis[area_id]:
                continue
            rivals = [points[a] for a in points if munis[a] == muni and a != area_id] + free_names
            if geom.distance(points[area_id]) < min(geom.distance(p) for p in rivals):
                mine.append((int(lid), geom))
        if spec.place is None:
            assert rec["outline_source"] == "generated", area_id  # no place name, nothing to match
            continue
        radius = SEED_RADIUS_M[spec.place[0]]
        taken = {lid for lid, g in mine if g.distance(points[area_id]) <= radius}
        while True:
            reach = shapely.union_all([g for lid, g in mine if lid in taken]).buffer(CONTIGUOUS_GAP_M)
            more = {lid for lid, g in mine if lid not in taken and g.intersects(reach)}
            if not more:
                break
            taken |= more
        assert _ids(rec["osm_landuse_ids"]) == taken, area_id
        assert (rec["outline_source"] == "osm") == bool(taken), area_id


@pytest.fixture(scope="module")
def layers_placenames() -> gpd.GeoDataFrame:
    return load_layer("placenames", layers_dir=LAYERS)


def test_demo_plots_lie_inside_their_area_whatever_its_outline(areas):
    plots = load_layer("demo_plots", layers_dir=LAYERS)
    outline = areas.set_index("area_id").geometry
    for area_id, group in plots.groupby("business_area_id"):
        assert group.within(outline[area_id]).all(), area_id
    origin = areas.set_index("area_id")["outline_source"]
    with_plots = set(plots["business_area_id"])
    assert {a for a in origin.index if origin[a] == "osm"} <= with_plots


def test_registry_keeps_the_outline_origin_in_each_area_provenance(tmp_path, areas):
    with open_registry(tmp_path / "r.gpkg", create=True) as reg:
        build_registry_from_layers(reg, layers_dir=LAYERS)
        stored = reg.load_business_areas().set_index("area_id")
    assert not set(OUTLINE_ORIGIN_COLUMNS) & set(stored.columns)
    for area_id, origin in zip(areas["area_id"], areas["outline_source"], strict=True):
        source = stored.loc[area_id, "provenance"]["geometry"]["source"]
        assert (source == OSM_SOURCE) == (origin == "osm"), area_id


def _square(x: float, y: float, side: float) -> shapely.Polygon:
    return shapely.box(x, y, x + side, y + side)


def test_match_rule_on_small_data():
    """Seed radius, contiguity, the nearest claimant, blocking names, clipping and overlaps."""
    polygons = {
        1: _square(100, 0, 100),  # seed of A (100 m from its anchor)
        2: _square(210, 0, 100),  # 10 m from 1: contiguous
        3: _square(320, 0, 100),  # 10 m from 2: contiguous, far from the anchor
        4: _square(600, 0, 100),  # 180 m from 3: not contiguous
        5: _square(-900, 0, 100),  # nearer the free name than A: claimed by the name, unused
        6: _square(150, 50, 100),  # overlaps 1 and 2 in the source: A keeps it once
        7: _square(2_000, 0, 100),  # in B's municipality: B has a generated outline (no dataset)
        8: _square(20_000, 0, 100),  # within 2 500 m of C's N1000 anchor, half outside C's land
    }
    landuse = gpd.GeoDataFrame(
        {
            "landuse_id": list(polygons),
            "class": ["industrial"] * len(polygons),
            "kommunenummer": ["5001"] * 6 + ["5031", "5059"],
        },
        geometry=list(polygons.values()),
        crs=STORAGE_CRS,
    )
    claimants = [
        Claimant("a", shapely.Point(0, 50), "5001", "N50"),
        Claimant("b", shapely.Point(2_000, -50), "5031", None),
        Claimant("c", shapely.Point(18_000, 50), "5059", "N1000"),
        Claimant("name:Brattøra", shapely.Point(-1_000, 50), None, None),
    ]
    land = {
        "5001": shapely.box(-5_000, -5_000, 5_000, 5_000),
        "5031": shapely.box(1_500, -5_000, 2_500, 5_000),
        "5059": shapely.box(15_000, -5_000, 20_050, 5_000),
    }
    out = match_osm_outlines(landuse, claimants=claimants, land=land, protected=shapely.Point(260, 50).buffer(5))
    assert set(out) == {"a", "c"}
    assert out["a"].landuse_ids == (1, 2, 3, 6)
    expected_a = shapely.union_all([polygons[i] for i in (1, 2, 3, 6)]).difference(shapely.Point(260, 50).buffer(5))
    assert shapely.symmetric_difference(out["a"].geometry, expected_a).area < 1.0
    assert out["c"].landuse_ids == (8,) and out["c"].seed_radius_m == SEED_RADIUS_M["N1000"]
    assert out["c"].geometry.area == pytest.approx(50 * 100, rel=1e-3)  # clipped to C's land
    assert out["a"].geometry.geom_type == "MultiPolygon"


def test_n1000_seed_radius_covers_how_far_n1000_places_a_name(layers_placenames):
    """For names in both N50 and N1000 (one place: < 10 km apart; not the forest Bymarka), the N1000 point lies
    within the N1000 seed radius of the N50 point."""
    n50 = layers_placenames[layers_placenames["dataset"] == "N50"]
    n1000 = layers_placenames[
        (layers_placenames["dataset"] == "N1000") & (layers_placenames["navneobjekttype"] != "skogområde")
    ]
    offsets = []
    for name, point in zip(n1000["fulltekst"], n1000.geometry, strict=True):
        same = n50[n50["fulltekst"] == name]
        if len(same) and (d := float(same.distance(point).min())) < 10_000:
            offsets.append(d)
    assert len(offsets) >= 8
    assert max(offsets) <= SEED_RADIUS_M["N1000"] < max(offsets) + 500
    assert float(np.median(offsets)) > SEED_RADIUS_M["N50"]  # the N50 radius would miss N1000 anchors
