"""OGC API – Features: landing page, conformance, collections and queryables."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api import html
from api.collections import Collection
from api.crs import STORAGE_CRS_URI, SUPPORTED_CRS
from api.deps import get_registry, wants_html
from api.features import json_response
from api.params import collection_param
from api.plot_html import page_lang
from api.routes.tiles import TILES_CONFORMANCE, tileset_links
from api.synthetic import registry_notice
from landreg.registry.base import FeatureSource
from landreg.tiles import TILE_LAYERS

router = APIRouter()

#: Titles of the pages for people the landing page leads to (``/status/``, ``/finn-tomt``), in English.
PEOPLE_PAGES = ("Status of business land (indicators)", "Find a site")

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
    *TILES_CONFORMANCE,
]


def base_url(request: Request) -> str:
    """The service root as the client sees it."""
    return str(request.base_url).rstrip("/")


def _collection_doc(request: Request, coll: Collection, registry: FeatureSource) -> dict[str, Any]:
    root = base_url(request)
    extent = coll.extent(registry)
    doc: dict[str, Any] = {
        "id": coll.id,
        "title": coll.title,
        "description": coll.description,
        "itemType": "feature",
        "crs": SUPPORTED_CRS,
        "storageCrs": STORAGE_CRS_URI,
        "links": [
            {"rel": "self", "type": "application/json", "href": f"{root}/collections/{coll.id}"},
            {
                "rel": "items",
                "type": "application/geo+json",
                "href": f"{root}/collections/{coll.id}/items",
                "title": f"{coll.title} (GeoJSON)",
            },
            {
                "rel": "items",
                "type": "text/html",
                "href": f"{root}/collections/{coll.id}/items?f=html",
                "title": f"{coll.title} (HTML)",
            },
            {
                "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "type": "application/schema+json",
                "href": f"{root}/collections/{coll.id}/queryables",
                "title": "Queryables",
            },
        ],
    }
    if coll.id in TILE_LAYERS:
        doc["links"] += tileset_links(root, coll.id)
    if coll.attribution:
        doc["attribution"] = coll.attribution
    if extent is not None:
        doc["extent"] = {"spatial": {"bbox": [extent], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    return doc


@router.get("/", summary="Landing page", tags=["OGC API – Features"])
def landing(
    request: Request,
    f: str | None = Query(None, description="json or html"),
    synthetic: dict[str, Any] = Depends(registry_notice),
) -> Response:
    """The landing page: links to the API definition, conformance and collections (JSON or HTML).

    ``synthetic`` says what of the registry's data is synthetic (counted from it; empty for real data).
    """
    root = base_url(request)
    links = [
        {"rel": "self", "type": "application/json", "href": f"{root}/", "title": "This document"},
        {
            "rel": "service-desc",
            "type": "application/vnd.oai.openapi+json;version=3.0",
            "href": f"{root}/api",
            "title": "OpenAPI definition",
        },
        {"rel": "service-doc", "type": "text/html", "href": f"{root}/docs", "title": "API documentation"},
        {"rel": "conformance", "type": "application/json", "href": f"{root}/conformance", "title": "Conformance"},
        {"rel": "data", "type": "application/json", "href": f"{root}/collections", "title": "Collections"},
    ]
    links += getattr(request.app.state, "extra_links", [])
    body = {"title": request.app.title, "description": request.app.description, "links": links, "synthetic": synthetic}
    if wants_html(request, f):
        lang = page_lang(request)
        people = [
            {"rel": "related", "type": "text/html", "href": f"{root}/status/", "title": PEOPLE_PAGES[0]},
            {"rel": "related", "type": "text/html", "href": f"{root}/finn-tomt", "title": PEOPLE_PAGES[1]},
        ]
        return html.page(
            html.text(request.app.title, lang),
            f"<p>{escape(html.text(request.app.description, lang))}</p>"
            f"<h2>{escape(html.text('Pages for people', lang))}</h2>{html.links_list(people, lang=lang)}"
            f"<h2>{escape(html.text('For programs (OGC API)', lang))}</h2>{html.links_list(links, lang=lang)}",
            notice=synthetic["notice"][lang],
            lang=lang,
        )
    return json_response(body)


@router.get("/conformance", summary="Conformance classes", tags=["OGC API – Features"])
def conformance(request: Request, f: str | None = Query(None)) -> Response:
    """The OGC API conformance classes this service implements."""
    if wants_html(request, f):
        lang = page_lang(request)
        return html.page(
            html.text("Conformance", lang), "<ul>" + "".join(f"<li>{c}</li>" for c in CONFORMANCE) + "</ul>", lang=lang
        )
    return json_response({"conformsTo": CONFORMANCE})


@router.get("/collections", summary="Feature collections", tags=["OGC API – Features"])
def collections(
    request: Request, f: str | None = Query(None), registry: FeatureSource = Depends(get_registry)
) -> Response:
    """Every feature collection with its extent, CRS list and links."""
    root = base_url(request)
    docs = [_collection_doc(request, c, registry) for c in request.app.state.collections]
    body = {
        "links": [{"rel": "self", "type": "application/json", "href": f"{root}/collections"}],
        "collections": docs,
        "crs": SUPPORTED_CRS,
    }
    if wants_html(request, f):
        lang = page_lang(request)
        items = "".join(
            f"<li><a href='{root}/collections/{d['id']}/items?f=html'>{escape(html.text(d['title'], lang))}</a>"
            f" — {escape(html.text(d['description'], lang))}</li>"
            for d in docs
        )
        return html.page(html.text("Collections", lang), f"<ul>{items}</ul>", lang=lang)
    return json_response(body)


@router.get("/collections/{collection_id}", summary="One collection", tags=["OGC API – Features"])
def collection(
    request: Request,
    coll: Collection = Depends(collection_param),
    f: str | None = Query(None),
    registry: FeatureSource = Depends(get_registry),
) -> Response:
    """One feature collection with its extent, CRS list and links (404 when unknown)."""
    doc = _collection_doc(request, coll, registry)
    if wants_html(request, f):
        lang = page_lang(request)
        return html.page(
            html.text(doc["title"], lang),
            f"<p>{escape(html.text(doc['description'], lang))}</p>{html.links_list(doc['links'], lang=lang)}",
            lang=lang,
        )
    return json_response(doc)


@router.get("/collections/{collection_id}/queryables", summary="Queryables (JSON Schema)", tags=["OGC API – Features"])
def queryables(request: Request, coll: Collection = Depends(collection_param)) -> Response:
    """The properties a CQL2 filter may use on this collection, as a JSON Schema."""
    props: dict[str, Any] = {name: {"type": kind, "title": name} for name, kind in coll.queryables.items()}
    props["geometry"] = {"format": "geometry-any", "title": "geometry"}
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base_url(request)}/collections/{coll.id}/queryables",
        "type": "object",
        "title": coll.title,
        "properties": props,
        "additionalProperties": False,
    }
    return json_response(body, media_type="application/schema+json")
