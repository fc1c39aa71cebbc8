"""Every collection answers one interface (features, feature, extent), and the items routes only ask it."""

from __future__ import annotations

import pytest

from api.actors import hide_actors
from api.collections import load_static_collections, registry_collections
from api.crs import CRS84, STORAGE_CRS_URI, bbox_to_storage
from api.params import ItemsQuery
from landreg.errors import PlotNotFoundError
from landreg.registry import open_registry
from tests.api.conftest import LAYERS

COLLECTIONS = {c.id: c for c in registry_collections() + load_static_collections(LAYERS)}
TRONDHEIM_BOX = (10.3, 63.38, 10.5, 63.45)  # lon, lat (CRS84)


@pytest.fixture(scope="module")
def registry(read_api):
    with open_registry(read_api.registry_path) as reg:
        yield reg


@pytest.mark.parametrize("collection_id", sorted(COLLECTIONS))
def test_the_route_returns_what_the_collection_answers(read_api, registry, collection_id):
    coll = COLLECTIONS[collection_id]
    query = ItemsQuery(limit=7, offset=2, crs_uri=STORAGE_CRS_URI)
    page = coll.features(query, registry=registry)
    r = read_api.client.get(
        f"{read_api.url}/collections/{collection_id}/items",
        params={"limit": 7, "offset": 2, "crs": STORAGE_CRS_URI},
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["numberMatched"] == page.number_matched
    assert [f["id"] for f in body["features"]] == [f["id"] for f in page.features]
    doc = read_api.client.get(f"{read_api.url}/collections/{collection_id}").json()
    extent = coll.extent(registry)
    if extent is None:
        assert "extent" not in doc
    else:
        assert doc["extent"]["spatial"]["bbox"] == [pytest.approx(extent)]
    if page.features:
        one, headers = coll.feature(str(page.features[0]["id"]), registry=registry, crs_uri=CRS84, as_of=None, root="")
        got = read_api.client.get(f"{read_api.url}/collections/{collection_id}/items/{one['id']}")
        hide_actors([one["properties"]])  # a public read names no editor (LANDREG_API_PUBLIC_ACTORS unset)
        assert got.json()["properties"] == one["properties"]
        assert {k.lower(): v for k, v in headers.items()}.items() <= got.headers.items()


@pytest.mark.parametrize("collection_id", ["plots", "destinations"])
def test_a_bbox_narrows_the_features_of_every_kind(registry, collection_id):
    coll = COLLECTIONS[collection_id]
    whole = coll.features(ItemsQuery(limit=10_000, offset=0, crs_uri=CRS84), registry=registry)
    box = bbox_to_storage(TRONDHEIM_BOX, CRS84)
    part = coll.features(ItemsQuery(limit=10_000, offset=0, crs_uri=CRS84, bbox=box), registry=registry)
    assert 0 < part.number_matched < whole.number_matched


@pytest.mark.parametrize("collection_id", sorted(COLLECTIONS))
def test_an_unknown_feature_is_not_found_in_every_kind(registry, collection_id):
    with pytest.raises(PlotNotFoundError, match="no-such-id"):
        COLLECTIONS[collection_id].feature("no-such-id", registry=registry, crs_uri=CRS84, as_of=None, root="")


def test_filter_lang_is_declared_as_its_two_values(read_api):
    doc = read_api.client.get(f"{read_api.url}/api").json()
    params = doc["paths"]["/collections/{collection_id}/items"]["get"]["parameters"]
    lang = next(p for p in params if p.get("name") == "filter-lang")
    assert lang["schema"]["enum"] == ["cql2-text", "cql2-json"]
    r = read_api.client.get(
        f"{read_api.url}/collections/plots/items", params={"filter": "a = 1", "filter-lang": "ecql"}
    )
    assert r.status_code == 400 and "filter-lang" in r.json()["description"]
