"""OGC API – Tiles: tile matrix sets, tileset metadata and Mapbox Vector Tiles of plots, on both backends."""

from __future__ import annotations

import shutil

import mapbox_vector_tile
import morecantile
import pytest

from api.settings import ApiSettings
from landreg.registry import open_registry
from tests.api.conftest import LAYERS, Service, _edit_tokens
from tests.postgis_server import drop_schema, fresh_schema_name

TMS = morecantile.tms.get("WebMercatorQuad")
MVT = "application/vnd.mapbox-vector-tile"
TILES = "/collections/plots/tiles/WebMercatorQuad"


@pytest.fixture(scope="module", params=["geopackage", pytest.param("postgis", marks=pytest.mark.db)])
def tile_api(request, built_registry, tmp_path_factory):
    """The service over a copy of the demonstration registry (GeoPackage, or PostGIS), with edit tokens."""
    path = tmp_path_factory.mktemp("tiles") / "registry.gpkg"
    shutil.copy(built_registry, path)
    if request.param == "geopackage":
        target, cleanup = str(path), None
    else:
        from landreg.registry.postgis.copy import copy_gpkg_to_postgis

        base = request.getfixturevalue("postgis_server").url("landreg_test")
        schema = fresh_schema_name()
        target, cleanup = f"{base}?schema={schema}", (base, schema)
        with open_registry(path) as src, open_registry(target, create=True) as dst:
            copy_gpkg_to_postgis(src, dst)
    settings = ApiSettings(registry=target, layers_dir=LAYERS, log_requests=False)
    with Service(settings, tokens=_edit_tokens(target)) as service:
        yield service
    if cleanup:
        drop_schema(*cleanup)


def _plot_ids(response) -> set[str]:
    assert response.status_code == 200 and response.headers["content-type"] == MVT
    layers = mapbox_vector_tile.decode(response.content)
    assert list(layers) == ["plots"]
    return {f["properties"]["plot_id"] for f in layers["plots"]["features"]}


def _items_in(api, bounds) -> set[str]:
    """Plot ids that the items endpoint finds in a CRS84 box."""
    r = api.client.get(
        f"{api.url}/collections/plots/items", params={"bbox": ",".join(map(str, bounds)), "limit": 10000}
    )
    assert r.status_code == 200
    return {f["id"] for f in r.json()["features"]}


def _grown(bounds, fraction: float):
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * fraction, (maxy - miny) * fraction
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


def test_conformance_and_tile_matrix_sets(tile_api):
    conforms = tile_api.client.get(f"{tile_api.url}/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt" in conforms
    assert "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets" in conforms
    listed = tile_api.client.get(f"{tile_api.url}/tileMatrixSets").json()["tileMatrixSets"]
    assert [t["id"] for t in listed] == ["WebMercatorQuad"]
    tms = tile_api.client.get(f"{tile_api.url}/tileMatrixSets/WebMercatorQuad").json()
    assert tms["id"] == "WebMercatorQuad" and len(tms["tileMatrices"]) == 25
    assert tms == morecantile.tms.get("WebMercatorQuad").model_dump(mode="json", exclude_none=True)
    r = tile_api.client.get(f"{tile_api.url}/tileMatrixSets/WorldCRS84Quad")
    assert r.status_code == 404 and "WebMercatorQuad" in r.json()["description"]


def test_collection_links_to_its_tilesets_and_their_metadata(tile_api):
    links = tile_api.client.get(f"{tile_api.url}/collections/plots").json()["links"]
    (tilesets,) = [link for link in links if link["rel"].endswith("/tilesets-vector")]
    listed = tile_api.client.get(tilesets["href"]).json()["tilesets"]
    assert [t["tileMatrixSetURI"].rsplit("/", 1)[1] for t in listed] == ["WebMercatorQuad"]
    meta = tile_api.client.get(f"{tile_api.url}{TILES}").json()
    (item,) = [link for link in meta["links"] if link["rel"] == "item"]
    assert item["type"] == MVT and item["href"].endswith(f"{TILES}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}")
    assert {"code", "status", "zoning", "area_daa", "price_class"} <= set(
        meta["layers"][0]["propertiesSchema"]["properties"]
    )
    assert meta["layers"][0]["propertiesSchema"]["properties"]["plot_count"]["type"] == "integer"
    assert "plot_count" in meta["description"] and "2^(19 - zoom) m" in meta["layers"][0]["description"]
    areas = tile_api.client.get(f"{tile_api.url}/collections/business_areas/tiles/WebMercatorQuad").json()
    assert areas["layers"][0]["id"] == "business_areas"


def test_a_tile_holds_the_plots_the_items_endpoint_finds_there(tile_api):
    t = TMS.tile(10.40, 63.40, 13)  # over Trondheim
    r = tile_api.client.get(f"{tile_api.url}{TILES}/{t.z}/{t.y}/{t.x}")
    in_tile = _plot_ids(r)
    assert in_tile
    bounds = tuple(TMS.bounds(t))
    # The tile keeps 64/4096 of its width beyond each edge and leaves out slivers under a pixel: the items box
    # is compared just inside the tile and just outside that margin.
    assert _items_in(tile_api, _grown(bounds, -0.01)) <= in_tile <= _items_in(tile_api, _grown(bounds, 0.04))
    r2 = tile_api.client.get(f"{tile_api.url}{TILES}/{t.z}/{t.y}/{t.x}")
    assert r2.content == r.content and r2.headers["etag"] == r.headers["etag"]


def test_empty_tile_is_204(tile_api):
    r = tile_api.client.get(f"{tile_api.url}{TILES}/10/0/0")
    assert r.status_code == 204 and r.content == b""


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        (f"{TILES}/25/0/0", 404, "from 0 to 24"),
        (f"{TILES}/3/0/8", 404, "from 0 to 7"),
        (f"{TILES}/3/-1/0", 400, "tile_row"),
        (f"{TILES}/z/0/0", 400, "tile_matrix"),
        ("/collections/plots/tiles/WorldCRS84Quad/3/0/0", 404, "WebMercatorQuad"),
        ("/collections/nowhere/tiles/WebMercatorQuad/3/0/0", 404, "nowhere"),
        ("/collections/destinations/tiles", 404, "plots, business_areas"),
    ],
)
def test_bad_tiles_are_refused_with_json_errors(tile_api, path, status, words):
    r = tile_api.client.get(f"{tile_api.url}{path}")
    assert r.status_code == status and r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) >= {"code", "description"} and words in body["description"]


def test_an_edit_shows_in_the_next_tile(tile_api):
    t = TMS.tile(10.40, 63.40, 13)
    url = f"{tile_api.url}{TILES}/{t.z}/{t.y}/{t.x}"

    def statuses() -> dict[str, str]:
        r = tile_api.client.get(url)
        assert r.status_code == 200
        return {
            f["properties"]["plot_id"]: f["properties"]["status"]
            for f in mapbox_vector_tile.decode(r.content)["plots"]["features"]
        }

    before = statuses()
    plot_id = sorted(before)[0]
    new_status = "sold" if before[plot_id] != "sold" else "available"
    item = f"{tile_api.url}/collections/plots/items/{plot_id}"
    etag = tile_api.client.get(item).headers["etag"]
    headers = {"Authorization": f"Bearer {tile_api.tokens['admin']}", "If-Match": etag}
    r = tile_api.client.patch(item, json={"type": "Feature", "properties": {"status": new_status}}, headers=headers)
    assert r.status_code == 200
    after = statuses()
    assert after[plot_id] == new_status
    assert {k: v for k, v in after.items() if k != plot_id} == {k: v for k, v in before.items() if k != plot_id}
