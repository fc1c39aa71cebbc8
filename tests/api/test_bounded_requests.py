"""A request's size is bounded before any work is done: CQL2 filters and URLs."""

from __future__ import annotations

import httpx
import pytest

PLOTS = "/collections/plots/items"


def _assert_error(r, status, *fragments):
    assert r.status_code == status, r.text[:400]
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) >= {"code", "description"}
    for fragment in fragments:
        assert fragment in body["description"], body["description"]


@pytest.mark.parametrize("collection", ["plots", "municipalities"])
def test_too_many_or_terms_are_a_400_naming_the_limit(read_api, collection):
    field = "version" if collection == "plots" else "kommunenummer"
    text = " OR ".join(f"{field}=1" for _ in range(120))
    r = read_api.client.get(f"{read_api.url}/collections/{collection}/items", params={"filter": text})
    _assert_error(r, 400, "120 predicates", "at most 100")


def test_thousands_of_or_terms_are_a_4xx_naming_the_limit(read_api):
    text = " OR ".join(f"code='X{i}'" for i in range(2000))
    r = read_api.client.get(f"{read_api.url}{PLOTS}", params={"filter": text})
    assert r.status_code in (400, 414), r.text[:300]
    _assert_error(r, r.status_code, "at most")


@pytest.mark.parametrize("depth", [100, 1000])
def test_nesting_100_deep_is_a_400_naming_the_limit(read_api, depth):
    text = "(" * depth + "code='A'" + ")" * depth
    r = read_api.client.get(f"{read_api.url}{PLOTS}", params={"filter": text})
    _assert_error(r, 400, f"nests {depth} levels deep", "at most 20")


def test_deep_cql2_json_is_a_400_naming_the_limit(read_api):
    doc = '{"op":"=","args":[{"property":"code"},"A"]}'
    for _ in range(60):
        doc = '{"op":"not","args":[' + doc + "]}"
    r = read_api.client.get(f"{read_api.url}{PLOTS}", params={"filter": doc, "filter-lang": "cql2-json"})
    _assert_error(r, 400, "levels deep", "at most 20")


def test_a_filter_within_the_limits_still_works(read_api):
    text = " OR ".join(f"version={i}" for i in range(1, 101))
    r = read_api.client.get(f"{read_api.url}{PLOTS}", params={"filter": text, "limit": 1})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["numberMatched"] > 0


def test_a_very_long_url_is_a_414(read_api):
    r = read_api.client.get(f"{read_api.url}{PLOTS}", params={"code": "a" * 20_000})
    _assert_error(r, 414, "at most 8192")
    assert read_api.client.get(f"{read_api.url}{PLOTS}", params={"code": "a" * 7_000}).status_code == 200


def test_a_long_url_is_a_414_from_a_real_server(make_server):
    server = make_server(max_url_bytes=2048)
    r = httpx.get(f"{server.url}{PLOTS}", params={"filter": "code='" + "a" * 4000 + "'"}, timeout=30)
    _assert_error(r, 414, "at most 2048")
    r = httpx.get(
        f"{server.url}{PLOTS}", params={"code": "a" * 60_000}, timeout=30
    )  # 60 KB: still a JSON 414 from uvicorn
    _assert_error(r, 414, "at most 2048")
    assert httpx.get(f"{server.url}{PLOTS}", params={"limit": 1}, timeout=30).status_code == 200
