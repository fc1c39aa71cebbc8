"""OGC API – Features items: paging, bbox, datetime, properties, CQL2 filter, CRS, history.

The parameters are read by the dependencies of :mod:`api.params`; each route asks its
collection (:class:`api.collections.Collection`) for the features and returns them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api import html, plot_html
from api.actors import hide_actors_unless_allowed
from api.blind_writes import record_read
from api.collections import Collection
from api.deps import get_registry, wants_html
from api.features import GEOJSON, frame_to_features, geojson_response
from api.params import ItemsQuery, as_of_param, collection_param, crs_param, items_query_param
from api.routes.ogc import base_url
from api.settings import ApiSettings
from api.synthetic import features_summary
from landreg.i18n import format_number
from landreg.registry.base import FeatureSource

_GEOJSON_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {GEOJSON: {}}}}


def build_items_router(settings: ApiSettings) -> APIRouter:
    """The items routes, with ``limit``'s default and maximum taken from the settings (they go into the OpenAPI)."""
    router = APIRouter(tags=["OGC API – Features"])
    items_query = items_query_param(settings)

    @router.get(
        "/collections/{collection_id}/items",
        summary="Features of a collection",
        response_class=Response,
        responses=_GEOJSON_RESPONSE,
    )
    def items(
        request: Request,
        coll: Collection = Depends(collection_param),
        query: ItemsQuery = Depends(items_query),
        f: str | None = Query(None, description="json or html"),
        registry: FeatureSource = Depends(get_registry),
    ) -> Response:
        """A page of the collection's features, narrowed by bbox, datetime, properties and a CQL2 filter."""
        page = coll.features(query, registry=registry)
        if coll.id == "plots":
            record_read(request, page.features)  # what a later write without If-Match is based on
            hide_actors_unless_allowed(request, [f["properties"] for f in page.features])
        returned = len(page.features)
        links = _paging_links(
            request,
            offset=query.offset,
            limit=query.limit,
            returned=returned,
            matched=page.number_matched,
            next_after=page.next_after,
        )
        summary = features_summary(coll.id, page.features, layer_synthetic=coll.synthetic)
        if wants_html(request, f):
            lang = plot_html.page_lang(request)
            nav = html.links_list([lk for lk in links if lk["rel"] in ("next", "prev")], lang=lang)
            if coll.id == "plots":  # a readable table: code, name, municipality, daa, status, zoning, price, dossier
                items_href = str(request.url).split("?", 1)[0]
                table = plot_html.plots_table(page.features, lang=lang, item_href=items_href)
                return html.page(
                    plot_html.plots_title(page.number_matched, lang=lang),
                    nav + table,
                    notice=summary.text(lang) if summary else "",
                    lang=lang,
                )
            title = html.text("%(title)s: %(count)s features", lang) % {
                "title": html.text(coll.title, lang),
                "count": format_number(page.number_matched, lang),
            }
            return html.page(
                title,
                nav + html.features_table(page.features, lang=lang),
                notice=summary.text(lang) if summary else "",
                lang=lang,
            )
        features = page.features if query.select is None else _with_properties(page.features, query.select)
        body = {
            "type": "FeatureCollection",
            "numberMatched": page.number_matched,
            "numberReturned": returned,
            "features": features,
            "links": links,
        }
        if summary is not None:  # what of this page is synthetic, counted from its features
            body["synthetic"] = summary.to_dict()
        return geojson_response(body, crs_uri=query.crs_uri)

    @router.get(
        "/collections/{collection_id}/items/{feature_id}",
        summary="One feature",
        response_class=Response,
        responses=_GEOJSON_RESPONSE,
    )
    def item(
        request: Request,
        feature_id: str,
        coll: Collection = Depends(collection_param),
        crs_uri: str = Depends(crs_param),
        as_of: dt.datetime | None = Depends(as_of_param),
        f: str | None = Query(None),
        registry: FeatureSource = Depends(get_registry),
    ) -> Response:
        """One feature by id (a plot as recorded at ``as_of``, with its ETag); 404 when unknown."""
        feature, headers = coll.feature(
            feature_id, registry=registry, crs_uri=crs_uri, as_of=as_of, root=base_url(request)
        )
        if coll.id == "plots" and as_of is None:
            record_read(request, [feature])
        if coll.id == "plots":
            hide_actors_unless_allowed(request, [feature["properties"]])
        summary = features_summary(coll.id, [feature], layer_synthetic=coll.synthetic)
        if wants_html(request, f) and coll.id == "plots":  # a card, not an attribute dump
            lang = plot_html.page_lang(request)
            return html.page(
                plot_html.plot_title(feature, lang=lang),
                plot_html.plot_card(feature, lang=lang, areas=plot_html.area_names(registry)),
                notice=summary.text(lang) if summary else "",
                lang=lang,
            )
        if wants_html(request, f):
            lang = plot_html.page_lang(request)
            return html.page(
                f"{html.text(coll.title, lang)}: {feature_id}",
                html.features_table([feature], limit_columns=60, lang=lang),
                notice=summary.text(lang) if summary else "",
                lang=lang,
            )
        if summary is not None:
            feature = {**feature, "synthetic": summary.to_dict()}
        return geojson_response(feature, crs_uri=crs_uri, headers=headers)

    @router.get(
        "/collections/plots/items/{feature_id}/versions",
        summary="Every version of a plot",
        response_class=Response,
        responses=_GEOJSON_RESPONSE,
    )
    def versions(
        request: Request,
        feature_id: str,
        crs_uri: str = Depends(crs_param),
        registry: FeatureSource = Depends(get_registry),
    ) -> Response:
        """Every recorded version of a plot, oldest first, each with its own id ``<plot_id>-v<version>``."""
        features = frame_to_features(registry.plot_history(feature_id), id_column="plot_id", crs_uri=crs_uri)
        for feat in features:
            feat["id"] = f"{feature_id}-v{feat['properties']['version']}"
        hide_actors_unless_allowed(request, [feat["properties"] for feat in features])  # names for admins only
        body = {
            "type": "FeatureCollection",
            "numberMatched": len(features),
            "numberReturned": len(features),
            "features": features,
            "links": [],
        }
        return geojson_response(body, crs_uri=crs_uri)

    return router


def _with_properties(features: list[dict[str, Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The features with only the properties ``names`` (chosen after the notice, which counts every value used)."""
    return [{**f, "properties": {k: f["properties"][k] for k in names if k in f["properties"]}} for f in features]


def _paging_links(
    request: Request, *, offset: int, limit: int, returned: int, matched: int, next_after: int | None = None
) -> list[dict[str, str]]:
    """Self, next and prev links; ``next`` carries the page key where the collection pages by key."""
    url = str(request.url).split("?", 1)[0]
    params = dict(request.query_params)

    def link(rel: str, **paging: str) -> dict[str, str]:
        q = {**{k: v for k, v in params.items() if k not in ("offset", "after")}, **paging, "limit": str(limit)}
        return {"rel": rel, "type": GEOJSON, "href": f"{url}?{urlencode(q)}"}

    links = [{"rel": "self", "type": GEOJSON, "href": str(request.url)}]
    if next_after is not None:  # the items after the last one of this page, whatever was edited meanwhile
        links.append(link("next", after=str(next_after)))
    elif "after" not in params and offset + returned < matched:
        links.append(link("next", offset=str(offset + limit)))
    if offset > 0 and "after" not in params:
        links.append(link("prev", offset=str(max(0, offset - limit))))
    return links
