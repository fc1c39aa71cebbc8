"""OGC API – Features reads with real clients: OWSLib, GDAL's OAPIF driver, httpx."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from owslib.ogcapi.features import Features
from pyproj import Transformer

from landreg.registry import open_registry
from landreg.registry.cql import parse_filter
from landreg.registry.query import PlotQuery

GEOJSON = "application/geo+json"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


@pytest.fixture(scope="module")
def plots(read_api):
    with open_registry(read_api.registry_path) as reg:
        return reg.query_plots()


def test_owslib_reads_landing_collections_and_items(read_server, plots):
    api = Features(read_server.url)
    assert any(link["rel"] == "service-desc" for link in api.links)
    ids = [c["id"] for c in api.collections()["collections"]]
    assert {"plots", "business_areas", "municipalities", "destinations", "road_projects", "decisions"} <= set(ids)
    lon0, lat0, lon1, lat1 = 10.30, 63.30, 10.45, 63.40
    got = api.collection_items("plots", bbox=[lon0, lat0, lon1, lat1], limit=1000)
    box = gpd.GeoSeries([shapely.box(lon0, lat0, lon1, lat1)], crs="OGC:CRS84").to_crs(25832).iloc[0]
    expected = plots[plots.intersects(box)]
    assert len(expected) > 0
    assert sorted(f["id"] for f in got["features"]) == sorted(expected["plot_id"])
    assert got["numberMatched"] == len(expected)


def test_gdal_oapif_reads_the_plots_layer_and_a_bbox(read_server, plots):
    whole = pyogrio.read_dataframe(f"OAPIF:{read_server.url}/collections/plots")
    assert len(whole) == len(plots)
    assert sorted(whole["plot_id"]) == sorted(plots["plot_id"])
    assert whole.crs.to_epsg() == 25832  # GDAL asks for the storage CRS it is offered
    box = (560_000.0, 7_010_000.0, 575_000.0, 7_030_000.0)
    part = pyogrio.read_dataframe(f"OAPIF:{read_server.url}/collections/plots", bbox=box)
    expected = plots[plots.intersects(shapely.box(*box))]
    assert 0 < len(part) < len(plots)
    assert sorted(part["plot_id"]) == sorted(expected["plot_id"])


def test_paging_through_next_yields_every_plot_once(read_api, plots):
    url = f"{read_api.url}/collections/plots/items?limit=97"
    seen, pages = [], 0
    while url:
        r = read_api.client.get(url)
        assert r.status_code == 200 and r.headers["content-type"] == GEOJSON
        body = r.json()
        assert body["numberMatched"] == len(plots)
        assert body["numberReturned"] == len(body["features"])
        seen += [f["id"] for f in body["features"]]
        url = next((lk["href"] for lk in body["links"] if lk["rel"] == "next"), None)
        pages += 1
    assert pages == -(-len(plots) // 97)
    assert len(seen) == len(set(seen)) == len(plots)


@pytest.mark.parametrize("epsg", [25832, 25833, 4326])
def test_crs_round_trip(read_api, plots, epsg):
    pid = plots["plot_id"].iloc[5]
    stored = plots.geometry.iloc[5]
    r = read_api.client.get(f"{read_api.url}/collections/plots/items/{pid}", params={"crs": f"{EPSG}{epsg}"})
    assert r.headers["content-crs"] == f"<{EPSG}{epsg}>"
    ring = np.array(r.json()["geometry"]["coordinates"][0][0])
    expected = np.array(stored.geoms[0].exterior.coords)
    back = Transformer.from_crs(epsg, 25832, always_xy=False).transform(ring[:, 0], ring[:, 1])
    assert np.allclose(np.column_stack(back), expected, atol=0.01)
    if epsg == 4326:  # authority axis order: latitude first
        assert 63 < ring[0, 0] < 64 and 9 < ring[0, 1] < 12


def test_bbox_crs(read_api, plots):
    box = (568_000.0, 7_020_000.0, 572_000.0, 7_026_000.0)
    r = read_api.client.get(
        f"{read_api.url}/collections/plots/items",
        params={"bbox": ",".join(map(str, box)), "bbox-crs": f"{EPSG}25832", "limit": 1000},
    )
    expected = plots[plots.intersects(shapely.box(*box))]
    assert sorted(f["id"] for f in r.json()["features"]) == sorted(expected["plot_id"])


@pytest.mark.parametrize(
    "text",
    [
        "status = 'available' AND area_m2 > 20000",
        "zoning IN ('industry','warehouse_logistics') AND NOT requires_new_road = true",
        "price_min_nok_m2 BETWEEN 500 AND 1500 OR code LIKE 'TOR%'",
        "S_INTERSECTS(geometry, POLYGON((10.3 63.3, 10.5 63.3, 10.5 63.45, 10.3 63.45, 10.3 63.3)))",
    ],
)
def test_cql2_text_filters_equal_geopandas(read_api, plots, text):
    r = read_api.client.get(f"{read_api.url}/collections/plots/items", params={"filter": text, "limit": 1000})
    assert r.status_code == 200, r.text
    got = sorted(f["id"] for f in r.json()["features"])
    p = plots
    masks = {
        0: (p.status == "available") & (p.area_m2 > 20000),
        1: p.zoning.isin(["industry", "warehouse_logistics"]) & ~p.requires_new_road.astype(bool),
        2: p.price_min_nok_m2.between(500, 1500) | p.code.str.startswith("TOR"),
        3: p.intersects(gpd.GeoSeries([shapely.box(10.3, 63.3, 10.5, 63.45)], crs="OGC:CRS84").to_crs(25832).iloc[0]),
    }
    want = sorted(
        p[
            masks[
                [
                    "status = 'available' AND area_m2 > 20000",
                    "zoning IN ('industry','warehouse_logistics') AND NOT requires_new_road = true",
                    "price_min_nok_m2 BETWEEN 500 AND 1500 OR code LIKE 'TOR%'",
                    "S_INTERSECTS(geometry, POLYGON((10.3 63.3, 10.5 63.3, 10.5 63.45, 10.3 63.45, 10.3 63.3)))",
                ].index(text)
            ]
        ]["plot_id"]
    )
    assert got == want and len(want) > 0


def test_cql2_json_filter(read_api, plots):
    import json

    doc = {
        "op": "and",
        "args": [
            {"op": "=", "args": [{"property": "municipality_no"}, "5029"]},
            {"op": ">=", "args": [{"property": "area_m2"}, 5000]},
        ],
    }
    r = read_api.client.get(
        f"{read_api.url}/collections/plots/items",
        params={"filter": json.dumps(doc), "filter-lang": "cql2-json", "limit": 1000},
    )
    want = plots[(plots.municipality_no == "5029") & (plots.area_m2 >= 5000)]
    assert sorted(f["id"] for f in r.json()["features"]) == sorted(want["plot_id"])
    with open_registry(read_api.registry_path) as reg:
        same = reg.query_plots(PlotQuery(filter_ast=parse_filter(doc, lang="cql2-json")))
    assert sorted(same["plot_id"]) == sorted(want["plot_id"])


def test_property_filters_and_datetime(read_api, plots):
    r = read_api.client.get(
        f"{read_api.url}/collections/plots/items",
        params={"status": "locked", "municipality_no": "5001", "limit": 1000},
    )
    want = plots[(plots.status == "locked") & (plots.municipality_no == "5001")]
    assert sorted(f["id"] for f in r.json()["features"]) == sorted(want["plot_id"])
    r = read_api.client.get(f"{read_api.url}/collections/plots/items", params={"datetime": "2000-01-01T00:00:00Z"})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"filter": "status = = 'x'"}, "line 1, column"),
        ({"filter": "colour = 'red'"}, "unknown queryable"),
        ({"colour": "red"}, "unknown query parameter"),
        ({"limit": "0"}, "limit"),
        ({"bbox": "1,2,3"}, "four numbers"),
        ({"crs": "EPSG:3857"}, "not supported"),
        ({"datetime": "yesterday"}, "RFC 3339"),
    ],
)
def test_bad_parameters_are_400_with_a_reason(read_api, params, message):
    r = read_api.client.get(f"{read_api.url}/collections/plots/items", params=params)
    assert r.status_code == 400
    body = r.json()
    assert set(body) >= {"code", "description"} and message in body["description"]


def test_missing_things_are_404(read_api):
    assert read_api.client.get(f"{read_api.url}/collections/nope/items").status_code == 404
    r = read_api.client.get(f"{read_api.url}/collections/plots/items/not-a-plot")
    assert r.status_code == 404 and r.json()["code"] == "PlotNotFoundError"


def test_other_collections(read_api):
    for cid in ("business_areas", "destinations", "road_projects", "decisions", "municipalities"):
        r = read_api.client.get(f"{read_api.url}/collections/{cid}/items")
        assert r.status_code == 200 and r.json()["numberReturned"] > 0, cid
    r = read_api.client.get(f"{read_api.url}/collections/destinations/items", params={"filter": "kind = 'airport'"})
    assert [f["properties"]["kind"] for f in r.json()["features"]] == ["airport"]


def test_html_views_and_openapi(read_api):
    r = read_api.client.get(f"{read_api.url}/collections/plots/items", params={"f": "html", "limit": 5})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and "<table>" in r.text
    doc = read_api.client.get(f"{read_api.url}/api").json()
    assert doc["components"]["parameters"]["limit"]["schema"]["maximum"] == 1000
    assert "/collections/{collection_id}/items" in doc["paths"]


def test_service_html_views_speak_bokmal_by_default_and_english_when_asked(read_api):
    """The landing page, conformance and collections read in bokmål unless the browser asks for English first."""
    pages = ("/", "/conformance", "/collections", "/collections/plots", "/collections/municipalities")
    bokmal = {p: read_api.client.get(f"{read_api.url}{p}", params={"f": "html"}) for p in pages}
    english = {
        p: read_api.client.get(f"{read_api.url}{p}", params={"f": "html"}, headers={"accept-language": "en-GB,en"})
        for p in pages
    }
    for path in pages:
        assert bokmal[path].status_code == english[path].status_code == 200, path
        assert "<html lang='nb'>" in bokmal[path].text and "<html lang='en'>" in english[path].text, path
        assert "Inneholder data fra Kartverket" in bokmal[path].text, path
        assert "Contains data from Kartverket" in english[path].text, path
    assert "Sider for lesere" in bokmal["/"].text and "Finn tomt" in bokmal["/"].text
    assert "/status/'" in bokmal["/"].text and "/finn-tomt'" in bokmal["/"].text
    assert "Næringstomter" in bokmal["/collections"].text and "Kommuner" in bokmal["/collections"].text
    assert "Plots of business land" in english["/collections"].text
    assert "Næringstomter (GeoJSON)" in bokmal["/collections/plots"].text
    assert "Egenskaper det kan søkes på" in bokmal["/collections/plots"].text
    assert read_api.client.get(f"{read_api.url}/collections/plots").json()["title"] == "Plots of business land"


def test_one_plot_is_read_with_one_statement_and_answers_as_in_the_items_list(read_api, plots):
    """A single item GET reads the plot's row once (no model, no frame) and writes it as the items list does."""
    plot_id = str(plots["plot_id"].iloc[0])
    registry = read_api.client.app.state.registry
    statements: list[str] = []
    registry._conn.set_trace_callback(statements.append)
    try:
        one = read_api.client.get(f"/collections/plots/items/{plot_id}")
    finally:
        registry._conn.set_trace_callback(None)
    assert one.status_code == 200
    assert len([s for s in statements if '"plots"' in s or " plots " in s]) == 1, statements
    listed = read_api.client.get("/collections/plots/items", params={"plot_id": plot_id}).json()["features"]
    assert len(listed) == 1
    assert one.json()["geometry"] == listed[0]["geometry"]
    assert {k: v for k, v in one.json()["properties"].items()} == listed[0]["properties"]
    assert one.headers["ETag"] == f'"{plot_id}-v{listed[0]["properties"]["version"]}"'


def test_clients_choose_the_properties_of_each_feature(read_api):
    """properties=a,b: each feature carries only those (Part 6); the page and its synthetic notice stay whole."""
    whole = read_api.client.get("/collections/plots/items", params={"limit": 30}).json()
    r = read_api.client.get("/collections/plots/items", params={"limit": 30, "properties": "code,area_daa,status"})
    assert r.status_code == 200
    chosen = r.json()
    assert [f["id"] for f in chosen["features"]] == [f["id"] for f in whole["features"]]
    assert chosen["numberMatched"] == whole["numberMatched"]
    for got, full in zip(chosen["features"], whole["features"], strict=True):
        assert got["properties"] == {k: full["properties"][k] for k in ("code", "area_daa", "status")}
        assert got["geometry"] == full["geometry"]
    assert chosen["synthetic"] == whole["synthetic"]
    assert len(r.content) < len(read_api.client.get("/collections/plots/items", params={"limit": 30}).content)
    none = read_api.client.get("/collections/plots/items", params={"limit": 3, "properties": ""}).json()
    assert all(f["properties"] == {} for f in none["features"])
    bad = read_api.client.get("/collections/plots/items", params={"properties": "code,colour"})
    assert bad.status_code == 400 and "colour" in bad.json()["description"]
    areas = read_api.client.get("/collections/municipalities/items", params={"properties": "kommunenummer"}).json()
    assert areas["features"] and all(set(f["properties"]) == {"kommunenummer"} for f in areas["features"])
