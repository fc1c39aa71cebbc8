"""The OpenAPI document as the service answers: every error status per kind of route, in OpenAPI 3.0.

FastAPI documents a route's success and a 422 validation body the service never sends (its
handler answers 400, see :mod:`api.errors`). :func:`describe_errors` replaces that with the
statuses each route can answer, derived from what the route is:

* any request: 414 (URL too long, :class:`api.middleware.UrlLengthMiddleware`);
* a route with parameters or a body: 400 (a value the service does not accept);
* a path naming a resource (``{feature_id}``): 404;
* a body (POST, PUT, PATCH): 400, 413 (too large), 415 (not JSON), and a request body;
* a write (depends on :func:`api.deps.get_principal`): 401, 403, 404, 409 (an ended plot, a
  conflicting change), 422 (a place that contradicts the geometry), 503 (the service was started
  without the municipality layer a write is placed with);
* a conditional write (takes ``If-Match``, :func:`api.deps.if_match_param`): 412 and 428;
* a read (GET): 503 past its time limit (:class:`api.middleware.RequestTimeoutMiddleware`);
* a map or analysis (depends on :func:`api.limits.expensive_request`): 413 (too many plots),
  429 (too many at once from one client) and 503 (past its deadline).

Routers and decorators add what only they raise with :func:`error_responses` (e.g. the analyses'
409 and 422). Every error has the body ``{"code", "description"}`` (:func:`api.errors.error_body`).

The conformance class ``oas30`` (``/conformance``) promises OpenAPI 3.0, so :func:`to_openapi_30`
rewrites what FastAPI emits as 3.1 (``type: "null"``, numeric ``exclusiveMinimum``, ``const``,
schema ``examples``) into its 3.0 form.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import APIRoute

from api.deps import get_principal, if_match_param
from api.limits import expensive_request

OPENAPI_VERSION = "3.0.3"
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "description": "Every error answer: a machine code and what was wrong, in the caller's terms",
    "required": ["code", "description"],
    "properties": {
        "code": {"type": "string", "description": "Machine-readable code, e.g. InvalidParameterValue"},
        "description": {"type": "string", "description": "What was wrong and what to do"},
    },
    "additionalProperties": True,
}
REASONS: dict[int, str] = {
    400: "A parameter or body value the service does not accept",
    401: "No valid bearer token",
    403: "The token's role or municipalities do not allow this",
    404: "No such resource",
    409: "The resource's state does not allow this (ended, changed, not enriched)",
    412: "If-Match names another version than the stored one; nothing was written",
    413: "The request body is too large, or the answer asked for covers more than the service computes for one "
    "request (a map or analysis over too many plots)",
    414: "The URL is too long",
    415: "The body is not JSON",
    422: "The request is well formed but cannot be carried out on this data",
    428: "If-Match is required: the plot changed since this token last read it, or the service requires it",
    429: "Too many map or analysis requests from this client at once; ask again after Retry-After seconds",
    503: "The service cannot answer now: a read passed its time limit (ask again after Retry-After seconds), or the "
    "service was started without a layer the request needs (the municipality layer for edits)",
}
_BODY_METHODS = {"post", "put", "patch"}
_FEATURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "geometry": {"type": "object", "nullable": True, "description": "GeoJSON geometry in Content-Crs"},
        "properties": {"type": "object", "nullable": True, "description": "Plot attributes to set"},
    },
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Responses for a route decorator or router: each status with the error body and its reason."""
    return {status: _error_response(status) for status in statuses}


def json_request_body(schema: dict[str, Any], *, description: str, media_types: Iterable[str]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its JSON body itself (from the request, not a model)."""
    content = {media: {"schema": schema} for media in media_types}
    return {"requestBody": {"required": True, "description": description, "content": content}}


def feature_request_body(description: str) -> dict[str, Any]:
    """``openapi_extra`` for a route whose body is one GeoJSON Feature."""
    return json_request_body(
        _FEATURE_SCHEMA, description=description, media_types=("application/geo+json", "application/json")
    )


def describe_errors(doc: dict[str, Any], routes: Iterable[Any]) -> None:
    """Declare in ``doc`` the error statuses of every operation, derived from its route (see the module)."""
    components = doc.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for route in api_routes(routes):
        if not route.include_in_schema:
            continue
        path = doc["paths"].get(route.path_format, {})
        for method in route.methods or ():
            op = path.get(method.lower())
            if op is not None:
                _describe_operation(op, route, method.lower())
    _drop_unused_validation_schemas(doc)


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """The APIRoutes among ``routes``, including those of included routers."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def _describe_operation(op: dict[str, Any], route: APIRoute, method: str) -> None:
    responses = op.setdefault("responses", {})
    default_422 = responses.get("422", {})
    if "HTTPValidationError" in str(default_422):  # FastAPI's; the service answers such input with 400
        del responses["422"]
    statuses = {414}
    if op.get("parameters") or method in _BODY_METHODS:
        statuses.add(400)
    if route.param_convertors:
        statuses.add(404)
    if method in _BODY_METHODS:
        statuses |= {400, 413, 415}
        op.setdefault(
            "requestBody",
            {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
        )
    if _depends_on(route.dependant, get_principal):
        statuses |= {401, 403, 404, 409, 422, 503}
    if _depends_on(route.dependant, if_match_param):
        statuses |= {412, 428}
    if method == "get":
        statuses.add(503)  # the time limit of reads (api.middleware.RequestTimeoutMiddleware)
    if _depends_on(route.dependant, expensive_request):
        statuses |= {413, 429, 503}
    for status in sorted(statuses):
        current = responses.get(str(status))
        if current is None or "content" not in current:
            responses[str(status)] = {
                **_error_response(status),
                **({"description": current["description"]} if current else {}),
            }


def _depends_on(dependant: Any, call: Any) -> bool:
    return any(d.call is call or _depends_on(d, call) for d in dependant.dependencies)


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": REASONS[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _drop_unused_validation_schemas(doc: dict[str, Any]) -> None:
    """Remove FastAPI's validation error schemas once no operation refers to them."""
    schemas = doc.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        rest = {**doc, "components": {**doc["components"], "schemas": {k: v for k, v in schemas.items() if k != name}}}
        if name in schemas and f"#/components/schemas/{name}" not in json.dumps(rest):
            del schemas[name]


def to_openapi_30(doc: dict[str, Any]) -> None:
    """Rewrite, in place, the JSON Schema 2020-12 forms FastAPI emits into OpenAPI 3.0 schemas."""
    doc["openapi"] = OPENAPI_VERSION
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        doc["components"]["schemas"][name] = _schema_30(schema)
    _convert_schemas_in(doc.get("paths", {}))
    for kind in ("parameters", "responses", "requestBodies"):
        _convert_schemas_in(doc.get("components", {}).get(kind, {}))


def _convert_schemas_in(node: Any) -> None:
    """Convert every ``schema`` member found under ``node`` (parameters, media types)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema" and isinstance(value, dict):
                node[key] = _schema_30(value)
            else:
                _convert_schemas_in(value)
    elif isinstance(node, list):
        for item in node:
            _convert_schemas_in(item)


def _schema_30(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_schema_30(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties", "$defs", "definitions") and isinstance(value, dict):
            out[key] = {k: _schema_30(v) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not", "anyOf", "oneOf", "allOf"):
            out[key] = _schema_30(value)
        else:
            out[key] = value
    out = _nullable_30(out)
    for bound, flag in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), int | float) and not isinstance(out.get(bound), bool):
            out[flag] = out[bound]
            out[bound] = True
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if isinstance(out.get("examples"), list):
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    return out


def _nullable_30(out: dict[str, Any]) -> dict[str, Any]:
    """``type: [..., "null"]`` and ``anyOf: [..., {"type": "null"}]`` as ``nullable: true``."""
    if isinstance(out.get("type"), list):
        types = [t for t in out.pop("type") if t != "null"]
        if len(types) == 1:
            out["type"] = types[0]
        elif types:
            out["anyOf"] = [{"type": t} for t in types]
        out["nullable"] = True
    for combiner in ("anyOf", "oneOf"):
        options = out.get(combiner)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del out[combiner]
            out["nullable"] = True
            if len(rest) == 1 and "$ref" not in rest[0]:
                out = {**rest[0], **out}
            elif rest:
                out["allOf" if len(rest) == 1 else combiner] = rest
    if out.get("type") == "null":
        del out["type"]
        out["nullable"] = True
        out["enum"] = [None]
    return out
