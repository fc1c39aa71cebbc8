"""limit above the maximum is served with the maximum and a next link, as OGC API – Features asks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

PLOTS = "/collections/plots/items"


def _limit_parameter(doc):
    op = doc["paths"]["/collections/{collection_id}/items"]["get"]
    for param in op["parameters"]:
        if "$ref" in param:
            name = param["$ref"].rsplit("/", 1)[1]
            param = doc["components"]["parameters"][name]
        if param["name"] == "limit":
            return param
    raise AssertionError("no limit parameter")


def test_a_limit_above_the_maximum_is_served_with_the_maximum_and_a_next_link(make_api):
    api = make_api(max_limit=50, default_limit=10)
    r = api.client.get(f"{api.url}{PLOTS}", params={"limit": 10000})
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["numberReturned"] == len(body["features"]) == 50 < body["numberMatched"]
    nxt = [link for link in body["links"] if link["rel"] == "next"]
    assert len(nxt) == 1
    query = parse_qs(urlsplit(nxt[0]["href"]).query)
    assert query["limit"] == ["50"] and "after" in query  # the page key of the next page
    second = api.client.get(nxt[0]["href"]).json()
    assert second["numberReturned"] == 50
    assert not {f["id"] for f in second["features"]} & {f["id"] for f in body["features"]}


def test_the_default_limit_applies_without_a_limit(make_api):
    api = make_api(max_limit=50, default_limit=10)
    assert api.client.get(f"{api.url}{PLOTS}").json()["numberReturned"] == 10


def test_a_limit_below_one_is_still_a_400(read_api):
    r = read_api.client.get(f"{read_api.url}{PLOTS}", params={"limit": 0})
    assert r.status_code == 400 and set(r.json()) >= {"code", "description"}


def test_the_openapi_document_declares_the_default_and_the_maximum(make_api):
    api = make_api(max_limit=50, default_limit=10)
    schema = _limit_parameter(api.client.get(f"{api.url}/api").json())["schema"]
    assert schema["default"] == 10 and schema["maximum"] == 50 and schema["minimum"] == 1
