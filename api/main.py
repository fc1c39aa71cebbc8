"""The one place that wires the service: ``create_app(settings=None)``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.alerts_trigger import AlertTriggerMiddleware, start_alerts
from api.blind_writes import ReadLog
from api.collections import load_static_collections, registry_collections
from api.docs import add_swagger_ui
from api.enrichment import EnrichmentRefresher
from api.errors import register_error_handlers
from api.middleware import (
    AccessLogMiddleware,
    BodySizeLimitMiddleware,
    JsonBodyMiddleware,
    RequestTimeoutMiddleware,
    UrlLengthMiddleware,
)
from api.openapi import describe_errors, to_openapi_30
from api.routes import alerts as alerts_routes
from api.routes import analysis, business, decisions, edit, lineage, ogc, profiles, roads
from api.routes import maps as maps_routes
from api.routes import status as status_routes
from api.routes import tiles as tiles_routes
from api.routes.items import build_items_router
from api.settings import ApiSettings, get_api_settings
from landreg.registry import open_registry_from_settings

DESCRIPTION = (
    "Registry of business land (næringsareal) in Trondheimsregionen, served as OGC API – Features "
    "(Parts 1–4). Reads are public; edits need a bearer token. Every value carries its provenance, and "
    "responses say what of the data they used is synthetic (the `synthetic` member); boundaries, roads "
    "and place names © Kartverket (CC BY 4.0)."
)


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """Build the FastAPI application.

    Parameters
    ----------
    settings : ApiSettings, optional
        Defaults to :func:`api.settings.get_api_settings` (environment / ``.env``).
    """
    settings = settings or get_api_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.registry = open_registry_from_settings(settings.registry)  # the core's options, as the CLI
        app.state.collections = registry_collections() + load_static_collections(settings.layers_dir)
        app.state.refresher = EnrichmentRefresher(app.state.registry, layers_dir=settings.layers_dir)
        start_alerts(app, app.state.registry, refresher=app.state.refresher)  # saved searches: scan after writes
        try:
            yield
        finally:
            app.state.alert_dispatcher.stop()
            app.state.refresher.wait()
            app.state.registry.close()

    app = FastAPI(
        title=settings.title,
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        openapi_url="/api",
        docs_url=None,  # served by add_swagger_ui from vendored assets, not a CDN
        redoc_url=None,
    )
    add_swagger_ui(app)
    app.state.settings = settings  # read by api.deps.settings_dep (no dependency override: see there)
    register_error_handlers(app)
    app.include_router(ogc.router)
    app.include_router(build_items_router(settings))
    app.include_router(edit.router)
    app.include_router(decisions.router)
    app.include_router(lineage.router)
    app.include_router(roads.router)
    app.include_router(analysis.router)
    app.include_router(profiles.router)
    app.include_router(maps_routes.router)
    app.include_router(business.router)  # pages for businesses: find a site, plot dossiers
    app.include_router(tiles_routes.router)
    app.include_router(alerts_routes.router)
    app.include_router(status_routes.router)
    maps_routes.add_map_links(app)
    app.state.settings = settings
    app.state.read_log = ReadLog()  # the plot versions each token last read (writes without If-Match)
    app.add_middleware(AlertTriggerMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "Location", "Content-Crs"],
        )
    app.add_middleware(JsonBodyMiddleware, form_paths=("/alerts",))
    app.add_middleware(
        RequestTimeoutMiddleware, timeout_s=settings.request_timeout_s, retry_after_s=settings.retry_after_s
    )
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(UrlLengthMiddleware, max_url_bytes=settings.max_url_bytes)
    if settings.log_requests:
        app.add_middleware(AccessLogMiddleware)
    app.openapi = lambda: _openapi(app, settings)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI, settings: ApiSettings) -> dict[str, Any]:
    """The generated OpenAPI document, with ``limit`` declared once under components/parameters."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    limit = {
        "name": "limit",
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "description": f"Items per page (default {settings.default_limit}, maximum {settings.max_limit}; "
        "a larger limit is served with the maximum and a next link)",
        "schema": {"type": "integer", "minimum": 1, "maximum": settings.max_limit, "default": settings.default_limit},
    }
    doc.setdefault("components", {}).setdefault("parameters", {})["limit"] = limit
    for path in doc["paths"].values():
        for op in path.values():
            params = op.get("parameters", [])
            for i, p in enumerate(params):
                if p.get("name") == "limit" and p.get("in") == "query":
                    params[i] = {"$ref": "#/components/parameters/limit"}
    describe_errors(doc, app.routes)  # every error status each route can answer
    to_openapi_30(doc)  # the version the oas30 conformance class promises
    app.openapi_schema = doc
    return doc


def configure_logging() -> None:
    """JSON access lines on stderr at INFO."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
