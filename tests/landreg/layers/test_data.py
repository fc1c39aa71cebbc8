"""The bundled regional data: real layers match their sources, synthetic ones are consistent."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely

from landreg.layers import load_layer, road_speed_kmh
from landreg.layers.build import OUTLINE_ORIGIN_COLUMNS
from landreg.layers.speeds import calibrated_speeds_kmh
from landreg.model import BusinessArea, Decision, RoadProject
from landreg.model.plot import INPUT_FIELDS
from landreg.municipalities import REGION_MUNICIPALITY_NOS, TRONDELAG_MUNICIPALITIES

from .conftest import SOURCE_DIR

#: Comparisons with the raw downloads, which live beside the checkout (``shared/data``), not in it;
#: the counts of the bundled layers are checked everywhere.
needs_sources = pytest.mark.skipif(not SOURCE_DIR.is_dir(), reason="source data folder not available")


def test_region_municipalities_and_neighbours(municipalities):
    region = set(municipalities.loc[municipalities["trondheimsregionen"].astype(bool), "kommunenummer"])
    assert region == set(REGION_MUNICIPALITY_NOS)
    assert len(municipalities) == 23
    for no, name in zip(municipalities["kommunenummer"], municipalities["kommunenavn"], strict=True):
        assert TRONDELAG_MUNICIPALITIES[no] == name
    trondheim = municipalities.loc[municipalities["kommunenummer"] == "5001"].geometry.iloc[0]
    assert trondheim.area / 1e6 == pytest.approx(529, rel=0.02)  # land only (SOURCES.md)


@pytest.mark.parametrize(
    ("layer_id", "file", "source_layer", "expected"),
    [
        pytest.param("railways", "n1000_trondelag_kartverket.gpkg", "bane", None, marks=needs_sources),
        pytest.param("stations", "n1000_trondelag_kartverket.gpkg", "stasjon", None, marks=needs_sources),
        pytest.param("airports", "n1000_trondelag_kartverket.gpkg", "lufthavn", None, marks=needs_sources),
        pytest.param("osm_streets", "osm_trondheim_midtbyen_roads_2023.geojson", None, None, marks=needs_sources),
        ("placenames", None, None, 597 + 1036),
        ("protected_areas", None, None, 8 + 13),
    ],
)
def test_real_layers_match_their_sources(layers_dir, layer_id, file, source_layer, expected):
    layer = load_layer(layer_id, layers_dir=layers_dir)
    if expected is None:
        source = gpd.read_file(SOURCE_DIR / file, layer=source_layer).to_crs(25832)
        assert len(layer) == len(source)
        # same features in the same order, moved by no more than the 1 cm rounding
        dist = shapely.hausdorff_distance(layer.geometry.values, source.geometry.values)
        assert float(np.max(dist)) < 0.02
    else:
        assert len(layer) == expected


@needs_sources
def test_roads_are_the_n1000_car_network_with_speeds(layers_dir):
    roads = load_layer("roads", layers_dir=layers_dir)
    src = gpd.read_file(SOURCE_DIR / "n1000_trondelag_kartverket.gpkg", layer="veglenke")
    cars = src["typeVeg"].isin(["enkelBilveg", "bilferje"]) & (src["vegfase"].ne("P"))
    assert len(roads) == int(cars.sum())
    class_speed = np.array(
        [
            road_speed_kmh(t, c, m)
            for t, c, m in zip(roads["typeVeg"], roads["vegkategori"], roads["motorvegtype"], strict=True)
        ]
    )
    built_up = load_layer("built_up", layers_dir=layers_dir)
    assert len(built_up) == 15  # N1000 tettbebyggelse (SOURCES.md)
    assert roads["speed_kmh"].tolist() == calibrated_speeds_kmh(roads, built_up=built_up).tolist()
    assert set(roads.loc[roads["typeVeg"] == "bilferje", "speed_kmh"]) == {15.0}
    # outside the built-up areas a road keeps its class speed, inside it is slower (never faster)
    outside = ~roads.intersects(built_up.union_all()).to_numpy()
    assert np.array_equal(roads["speed_kmh"].to_numpy()[outside], class_speed[outside])
    assert (roads["speed_kmh"].to_numpy() <= class_speed).all()
    assert (roads["speed_kmh"].to_numpy()[~outside] < class_speed[~outside]).mean() > 0.9
    e6_motorway = roads["motorvegtype"].eq("motorveg").to_numpy()
    assert (roads["speed_kmh"].to_numpy()[e6_motorway & outside] == 100.0).all()


def test_destinations(layers_dir):
    dest = load_layer("destinations", layers_dir=layers_dir)
    assert dest["dest_id"].is_unique
    kinds = dest["kind"].value_counts()
    for kind in ("port", "airport", "rail_station", "rail_freight_terminal", "city_centre"):
        assert kinds.get(kind, 0) >= 1, kind
    assert 10 <= kinds["motorway_junction"] <= 40
    torgard = dest.set_index("dest_id").loc["freight_torgard"]
    assert torgard["status"] == "planned"
    assert set(dest["status"]) == {"existing", "planned"}
    assert dest.set_index("dest_id").loc["airport_vaernes", "name"] == "Trondheim lufthavn, Værnes"
    jct = dest[dest["kind"] == "motorway_junction"].geometry
    dmin = min(a.distance(b) for i, a in enumerate(jct) for b in list(jct)[i + 1 :])
    assert dmin >= 2_500.0


def test_business_areas(areas, municipalities):
    assert len(areas) >= 15 and areas["municipality_no"].nunique() >= 7
    names = set(areas["name"])
    for required in (
        "Torgård",
        "Sveberg",
        "Nyhavna",
        "Heggstadmoen",
        "Tiller/Sandmoen",
        "Sluppen",
        "Tulluan",
        "Grønøra (Orkanger)",
        "Buvika",
        "Hell/Værnes",
    ):
        assert required in names
    muni = municipalities.set_index("kommunenummer").geometry
    fields = areas.drop(columns=["geometry", *OUTLINE_ORIGIN_COLUMNS])
    for rec, geom, origin in zip(fields.to_dict("records"), areas.geometry, areas["outline_source"], strict=True):
        BusinessArea.model_validate(
            {k: json.loads(v) if k in ("occupants", "provenance") else v for k, v in rec.items() if v is not None}
        )
        assert muni[rec["municipality_no"]].contains(geom), rec["area_id"]
        assert 5_000 <= geom.area <= 3_000_000, rec["area_id"]  # real OSM outlines can be small
        geometry_source = json.loads(rec["provenance"])["geometry"]["source"]
        assert (geometry_source == "synthetic") == (origin == "generated"), rec["area_id"]
    left, right = areas.sindex.query(areas.geometry, predicate="intersects")
    assert (left == right).all()


def test_plots_lie_inside_their_municipality_and_area(plots, areas, municipalities):
    assert 400 <= len(plots) <= 700
    assert list(plots.columns) == ["plot_id", *INPUT_FIELDS, "geometry"]
    muni = municipalities.set_index("kommunenummer").geometry
    area = areas.set_index("area_id").geometry
    for no, group in plots.groupby("municipality_no"):
        assert group.within(muni[no]).all(), no
    for area_id, group in plots.groupby("business_area_id"):
        assert group.within(area[area_id]).all(), area_id
    daa = plots.area / 1_000.0
    assert daa.min() >= 1.5 and daa.max() >= 150.0


def test_no_two_plots_overlap(plots):
    geoms = plots.geometry.values
    left, right = plots.sindex.query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    assert float(overlap.max(initial=0.0)) <= 1.0


def test_plot_attributes_tell_the_story(plots, layers_dir):
    decisions = load_layer("decisions", layers_dir=layers_dir)
    torgard = plots[plots["business_area_id"] == "torgard"]
    assert len(torgard) > 0
    assert (torgard["status"] == "locked").all()
    assert set(torgard["decision_id"]) == set(decisions["decision_id"]) == {"torgard_freight_terminal"}
    assert plots.loc[plots["status"] == "locked", "business_area_id"].eq("torgard").all()
    assert set(plots["status"]) == {"available", "reserved", "sold", "locked", "planned"}
    assert plots.loc[plots["business_area_id"] == "sveberg", "requires_new_road"].any()
    assert plots["plot_id"].is_unique and plots["code"].is_unique
    for rec in plots.to_dict("records"):
        prov = json.loads(rec["provenance"])
        assert prov["*"] == {"source": "synthetic", "note": "generated demonstration data"}
        if rec["status"] == "sold":
            assert json.loads(rec["occupants"]), rec["code"]
    nyhavna = plots[plots["business_area_id"] == "nyhavna"]
    firms = [f for occ in nyhavna["occupants"] for f in json.loads(occ)]
    assert {"name": "Norsk Stål", "nace": "46.72", "employees": None} in firms


def test_decisions_and_road_projects_match_the_models(layers_dir):
    for rec in load_layer("decisions", layers_dir=layers_dir).to_dict("records"):
        d = Decision.model_validate(
            {**rec, "outcomes": json.loads(rec["outcomes"]), "provenance": json.loads(rec["provenance"])}
        )
        assert {o.name for o in d.outcomes} == {"built", "not_built"} and d.status == "pending"
    roads = load_layer("road_projects", layers_dir=layers_dir)
    assert len(roads) >= 2 and set(roads.geom_type) == {"LineString"}
    for rec in roads.drop(columns="geometry").to_dict("records"):
        RoadProject.model_validate({**rec, "provenance": json.loads(rec["provenance"])})


def test_price_history(layers_dir, plots):
    prices = load_layer("price_history", layers_dir=layers_dir)
    assert set(prices["plot_id"]) <= set(plots["plot_id"])
    years = prices["observed_on"].str[:4].astype(int)
    assert years.min() >= 2010 and years.max() <= 2026
    assert set(prices["kind"]) == {"asking", "transaction"}
    assert set(prices["basis"]) == {"raw", "serviced"}
    assert (prices["source"] == "synthetic").all()


def test_hazards_cover_part_of_the_region_and_touch_some_plots(layers_dir, plots):
    for hazard in ("quick_clay", "flood"):
        zones = load_layer(hazard, layers_dir=layers_dir)
        coverage = load_layer(f"{hazard}_coverage", layers_dir=layers_dir).union_all()
        assert zones.geometry.buffer(-0.05).within(coverage).all(), hazard
        hit = plots.intersects(zones.union_all())
        unchecked = ~plots.intersects(coverage)
        assert 0 < hit.sum() < len(plots) / 3, hazard
        assert unchecked.sum() > len(plots) / 3, hazard
        assert (zones["source"] == "synthetic").all()


def test_dem_is_a_labelled_synthetic_cog_like_tiff(layers_dir):
    path = load_layer("dem", layers_dir=layers_dir)
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 25832 and src.res == (50.0, 50.0)
        assert src.tags()["SYNTHETIC"] == "true"
        assert src.profile["tiled"] and src.compression.value == "DEFLATE"
        assert src.overviews(1) == [2, 4, 8, 16]
        data = src.read(1, out_shape=(src.height // 16, src.width // 16))
    assert data.min() == 0.0 and 300.0 < data.max() < 1_500.0
