"""The OpenAPI document tells the truth: its version, request bodies, and every status the service answers."""

from __future__ import annotations

import importlib
import json
import re

import jsonschema
import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_30

from landreg.registry import open_registry

GEOJSON = "application/geo+json"


def _auth(service, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.tokens[who]}"}


def _operation(doc: dict, method: str, url_path: str) -> dict:
    """The operation of ``doc`` that serves ``method url_path`` (a literal path wins over a template)."""
    matches = []
    for template, ops in doc["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, url_path) and method.lower() in ops:
            matches.append((template.count("{"), ops[method.lower()]))
    assert matches, f"{method} {url_path} is not in the OpenAPI document"
    return min(matches, key=lambda m: m[0])[1]


def _check_declared(doc: dict, response, method: str, url_path: str) -> None:
    op = _operation(doc, method, url_path)
    status = str(response.status_code)
    assert status in op["responses"], f"{method} {url_path} answered {status}, not declared: {sorted(op['responses'])}"
    if response.status_code >= 400:
        declared = op["responses"][status]["content"]["application/json"]["schema"]
        schema = {**declared, "components": doc["components"]}
        jsonschema.validate(response.json(), schema)
        assert set(response.json()) >= {"code", "description"}


def _skaun_plot_id(path) -> str:
    with open_registry(path) as reg:
        return str(reg.query_plots(municipality_no="5029", status="available").iloc[0]["plot_id"])


def _new_feature(municipality_no: str = "5029") -> dict:
    ring = [[9.95, 63.205], [9.952, 63.205], [9.952, 63.206], [9.95, 63.206], [9.95, 63.205]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"code": "NEW-001", "municipality_no": municipality_no, "status": "available"},
    }


def test_the_document_is_the_openapi_version_the_conformance_class_promises(read_api):
    client = read_api.client
    conformance = client.get("/conformance").json()["conformsTo"]
    doc = client.get("/api").json()
    text = json.dumps(doc)
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30" in conformance
    assert doc["openapi"].startswith("3.0.")
    service_desc = [lk for lk in client.get("/").json()["links"] if lk["rel"] == "service-desc"]
    assert service_desc and all("version=3.0" in lk["type"] for lk in service_desc)
    # No JSON Schema 2020-12 forms that OpenAPI 3.0 does not know.
    assert '"type": "null"' not in text and '"const"' not in text
    assert not re.search(r'"type": \[', text)
    assert not re.search(r'"exclusive(Minimum|Maximum)": -?\d', text)
    # Valid against the OpenAPI 3.0 schema (the copy schemathesis validates documents with).
    errors = list(jsonschema.Draft4Validator(OPENAPI_30).iter_errors(doc))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_every_write_declares_its_request_body_and_every_error_its_body(read_api):
    doc = read_api.client.get("/api").json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method in ("post", "put", "patch"):
                assert op.get("requestBody", {}).get("content"), f"{method.upper()} {path} declares no request body"
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, f"{method.upper()} {path} {status}"
    assert doc["components"]["schemas"]["Error"]["required"] == ["code", "description"]
    # Conditional writes declare If-Match and its two failures.
    patch = doc["paths"]["/collections/plots/items/{feature_id}"]["patch"]
    assert any(p.get("name") == "If-Match" and p.get("in") == "header" for p in patch["parameters"])
    assert {"412", "428"} <= set(patch["responses"])


def test_every_status_the_service_answers_is_declared(make_api):
    service = make_api(max_body_bytes=2048)
    with open_registry(service.registry_path) as reg:
        service.tokens["viewer"] = reg.create_token(name="viewer", role="viewer")
        service.tokens["other"] = reg.create_token(name="other", role="admin")
    client, doc = service.client, service.client.get("/api").json()
    admin, viewer, other = _auth(service, "admin"), _auth(service, "viewer"), _auth(service, "other")
    plot_id = _skaun_plot_id(service.registry_path)
    item = f"/collections/plots/items/{plot_id}"
    seen: set[int] = set()

    def call(method: str, path: str, **kwargs) -> None:
        response = client.request(method, path, **kwargs)
        _check_declared(doc, response, method, path.split("?", 1)[0])
        seen.add(response.status_code)

    call("GET", "/collections/plots/items?limit=2")  # 200
    call("GET", "/collections/plots/items?bbox=abc")  # 400
    call("GET", "/collections/plots/items/no-such-plot")  # 404
    call("GET", "/collections/plots/items?filter=" + "x" * 9000)  # 414
    call("POST", "/collections/plots/items", json=_new_feature())  # 401
    call("POST", "/collections/plots/items", json=_new_feature(), headers=viewer)  # 403
    call("POST", "/collections/plots/items", content="{}", headers={**admin, "Content-Type": "text/plain"})  # 415
    call("POST", "/collections/plots/items", content=b" " * 4096, headers={**admin, "Content-Type": GEOJSON})  # 413
    call("POST", "/collections/plots/items", json=_new_feature("5001"), headers=admin)  # 422: lies in Skaun
    call("POST", "/collections/plots/items", json=_new_feature(), headers=admin)  # 201
    call("PATCH", item, json={"type": "Feature", "properties": {"name": "x"}}, headers={**admin, "If-Match": '"0"'})
    call("GET", item, headers=admin)  # the admin reads version 1
    call("PATCH", item, json={"type": "Feature", "properties": {"status": "reserved"}}, headers=other)  # 200
    call("PATCH", item, json={"type": "Feature", "properties": {"status": "sold"}}, headers=admin)  # 428
    call("DELETE", item, headers=other)  # 204
    call("POST", f"{item}/split", json={"parts": {"type": "FeatureCollection", "features": []}}, headers=other)
    assert {200, 201, 204, 400, 401, 403, 404, 412, 413, 414, 415, 422, 428} <= seen, sorted(seen)


@pytest.mark.parametrize("module", ["analysis", "profiles", "maps"])
def test_routers_add_what_only_they_raise(read_api, module):
    """The analyses (and maps drawn from them) also answer 404 (a named scenario), 409 and 422."""
    router = importlib.import_module(f"api.routes.{module}").router
    doc = read_api.client.get("/api").json()
    routes = [r for r in router.routes if getattr(r, "include_in_schema", False)]
    assert routes
    for route in routes:
        for method in route.methods:
            responses = doc["paths"][route.path][method.lower()]["responses"]
            assert {"404", "409", "414", "422"} <= set(responses), f"{method} {route.path}: {sorted(responses)}"
