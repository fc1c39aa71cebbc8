"""The OpenAPI document declares what each analysis endpoint returns, and the bodies match it."""

from __future__ import annotations

import jsonschema
import pytest

SEARCH = {"min_daa": 20, "zoning": ["industry"], "profile": "manufacturing", "relocating": "Norsk Stål", "limit": 5}

ENDPOINTS = [
    ("get", "/analysis/scores", {"params": {"limit": 3}}),
    ("get", "/analysis/clusters", {"params": {"industry": "46.72"}}),
    ("get", "/analysis/hotspots", {}),
    ("get", "/analysis/supply", {"params": {"uptake_daa_per_year": 100}}),
    ("get", "/analysis/prices/summary", {"params": {"by": "zoning"}}),
    ("post", "/analysis/search", {"json": SEARCH}),
    ("get", "/analysis/scenarios", {}),
    ("get", "/analysis/scenarios/{name}", {"path": {"name": "torgard-terminal-built"}}),
    ("post", "/analysis/supply", {"json": {"profile": "logistics"}}),
]


@pytest.fixture(scope="module")
def openapi(read_api):
    return read_api.client.get(f"{read_api.url}/api").json()


def _schema_of(doc, path: str, method: str) -> dict:
    schema = doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    return {**schema, "components": doc["components"]}


@pytest.mark.parametrize(("method", "path", "request_args"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_each_analysis_body_is_what_the_openapi_declares(read_api, openapi, method, path, request_args):
    schema = _schema_of(openapi, path, method)
    url = read_api.url + path.format(**request_args.get("path", {}))
    kwargs = {k: v for k, v in request_args.items() if k != "path"}
    r = read_api.client.request(method.upper(), url, **kwargs)
    assert r.status_code == 200, r.text
    body = r.json()
    jsonschema.validate(body, schema)  # the declared types and required fields hold
    declared = schema if "$ref" not in schema else _component(openapi, schema["$ref"])
    if declared.get("type") == "array":
        declared = _component(openapi, declared["items"]["$ref"])
        body = body[0]
    assert declared["properties"], f"{method} {path} declares no fields"
    assert set(body) == set(declared["properties"])  # every field returned is declared, and no other


def _component(doc: dict, ref: str) -> dict:
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
