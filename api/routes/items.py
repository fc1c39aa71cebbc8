"""OGC API – Features items: paging, bbox, datetime, properties, CQL2 filter, CRS, history."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api import html
from api.collections import filter_small, plot_query, read_small_collection
from api.crs import CRS84, bbox_to_storage, normalise_crs_uri
from api.deps import get_registry, parse_bbox, parse_datetime_param, parse_interval, wants_html
from api.errors import InvalidParameterError
from api.features import frame_to_features, geojson_response, records_to_features
from api.routes.ogc import base_url, collection_of
from api.settings import ApiSettings
from landreg.errors import PlotNotFoundError
from landreg.registry.cql import parse_filter

_STANDARD = {
    "bbox",
    "bbox-crs",
    "crs",
    "limit",
    "offset",
    "datetime",
    "filter",
    "filter-lang",
    "filter-crs",
    "f",
    "as_of",
    "sortby",
}


def etag_of(plot_id: str, version: int) -> str:
    """The (strong) entity tag of one version of a plot."""
    return f'"{plot_id}-v{version}"'


def build_items_router(settings: ApiSettings) -> APIRouter:
    """The items routes, with ``limit``'s default and maximum taken from the settings (they go into the OpenAPI)."""
    router = APIRouter(tags=["OGC API – Features"])
    limit_query = Query(
        settings.default_limit,
        ge=1,
        le=settings.max_limit,
        description=f"Items per page (default {settings.default_limit}, maximum {settings.max_limit})",
    )

    @router.get(
        "/collections/{collection_id}/items",
        summary="Features of a collection",
        response_class=Response,
        responses={200: {"content": {"application/geo+json": {}}}},
    )
    def items(
        request: Request,
        collection_id: str,
        limit: int = limit_query,
        offset: int = Query(0, ge=0, description="Items to skip (paging)"),
        bbox: str | None = Query(None, description="minx,miny,maxx,maxy in bbox-crs (default CRS84)"),
        bbox_crs: str | None = Query(None, alias="bbox-crs"),
        crs: str | None = Query(None, description="Output CRS URI; default CRS84"),
        datetime: str | None = Query(None, description="Validity instant or interval (start/end, '..' open)"),
        filter: str | None = Query(None, description="CQL2 filter"),
        filter_lang: str = Query("cql2-text", alias="filter-lang", pattern="^(cql2-text|cql2-json)$"),
        filter_crs: str | None = Query(None, alias="filter-crs"),
        as_of: str | None = Query(None, description="Read the registry as recorded at this time (plots)"),
        f: str | None = Query(None, description="json or html"),
        registry: Any = Depends(get_registry),
    ) -> Response:
        coll = collection_of(request, collection_id)
        props = {k: v for k, v in request.query_params.items() if k not in _STANDARD}
        unknown = sorted(set(props) - set(coll.queryables))
        if unknown:
            raise InvalidParameterError(
                f"unknown query parameter(s) {unknown}; expected standard parameters or queryables "
                f"{sorted(coll.queryables)}"
            )
        crs_uri = normalise_crs_uri(crs)
        box = parse_bbox(bbox)
        box25832 = None if box is None else bbox_to_storage(box, normalise_crs_uri(bbox_crs, param="bbox-crs"))
        ast = None if filter is None else parse_filter(filter, lang=filter_lang)
        fcrs = None if filter_crs is None else normalise_crs_uri(filter_crs, param="filter-crs")
        if fcrs is not None and fcrs.endswith("/4326"):
            raise InvalidParameterError("filter-crs EPSG:4326 is not supported; use CRS84 (lon, lat) or EPSG:25832")
        interval = parse_interval(datetime)
        if coll.source == "plots":
            query = plot_query(
                bbox=box25832,
                properties=props,
                interval=interval,
                as_of=None if as_of is None else parse_datetime_param(as_of, name="as_of"),
                filter_ast=ast,
                filter_crs=None
                if fcrs is None or fcrs == CRS84
                else fcrs.replace("http://www.opengis.net/def/crs/EPSG/0/", "EPSG:"),
                limit=limit,
                offset=offset,
            )
            page = registry.query_records(query)
            matched = page.number_matched
            features = records_to_features(page.records, page.geometries, id_column="plot_id", crs_uri=crs_uri)
        else:
            whole = read_small_collection(registry, coll)
            chosen = filter_small(
                whole,
                bbox=box25832,
                properties=props,
                filter_ast=ast,
                filter_crs="OGC:CRS84" if fcrs in (None, CRS84) else fcrs,
            )
            matched = len(chosen)
            features = frame_to_features(
                chosen.iloc[offset : offset + limit], id_column=coll.id_column, crs_uri=crs_uri
            )
        links = _paging_links(request, offset=offset, limit=limit, returned=len(features), matched=matched)
        body = {
            "type": "FeatureCollection",
            "numberMatched": matched,
            "numberReturned": len(features),
            "features": features,
            "links": links,
        }
        if wants_html(request, f):
            nav = html.links_list([lk for lk in links if lk["rel"] in ("next", "prev")])
            return html.page(f"{coll.title}: {matched} features", nav + html.features_table(features))
        return geojson_response(body, crs_uri=crs_uri)

    @router.get(
        "/collections/{collection_id}/items/{feature_id}",
        summary="One feature",
        response_class=Response,
        responses={200: {"content": {"application/geo+json": {}}}},
    )
    def item(
        request: Request,
        collection_id: str,
        feature_id: str,
        crs: str | None = Query(None, description="Output CRS URI; default CRS84"),
        as_of: str | None = Query(None, description="The plot as recorded at this time"),
        f: str | None = Query(None),
        registry: Any = Depends(get_registry),
    ) -> Response:
        coll = collection_of(request, collection_id)
        crs_uri = normalise_crs_uri(crs)
        root = base_url(request)
        headers: dict[str, str] = {}
        if coll.source == "plots":
            when = None if as_of is None else parse_datetime_param(as_of, name="as_of")
            plot = registry.get_plot(feature_id, as_of=when)
            frame = registry.query_plots(plot_ids=[feature_id], include_ended=True, as_of=when)
            if len(frame) == 0:  # as_of before it existed
                raise PlotNotFoundError(f"no plot with id {feature_id!r} at {as_of}")
            headers["ETag"] = etag_of(plot.plot_id, plot.version)
        else:
            whole = read_small_collection(registry, coll)
            frame = whole[whole[coll.id_column].astype(str) == feature_id]
            if len(frame) == 0:
                raise PlotNotFoundError(f"no feature {feature_id!r} in {coll.id}")
        feature = frame_to_features(frame, id_column=coll.id_column, crs_uri=crs_uri)[0]
        feature["links"] = [
            {"rel": "self", "type": "application/geo+json", "href": f"{root}/collections/{coll.id}/items/{feature_id}"},
            {"rel": "collection", "type": "application/json", "href": f"{root}/collections/{coll.id}"},
        ]
        if coll.source == "plots":
            feature["links"].append(
                {
                    "rel": "version-history",
                    "type": "application/geo+json",
                    "href": f"{root}/collections/plots/items/{feature_id}/versions",
                }
            )
        if wants_html(request, f):
            return html.page(f"{coll.title}: {feature_id}", html.features_table([feature], limit_columns=60))
        return geojson_response(feature, crs_uri=crs_uri, headers=headers)

    @router.get(
        "/collections/plots/items/{feature_id}/versions",
        summary="Every version of a plot",
        response_class=Response,
        responses={200: {"content": {"application/geo+json": {}}}},
    )
    def versions(
        feature_id: str,
        crs: str | None = Query(None),
        registry: Any = Depends(get_registry),
    ) -> Response:
        crs_uri = normalise_crs_uri(crs)
        hist = registry.plot_history(feature_id)
        features = frame_to_features(hist, id_column="plot_id", crs_uri=crs_uri)
        for feat in features:
            feat["id"] = f"{feature_id}-v{feat['properties']['version']}"
        body = {
            "type": "FeatureCollection",
            "numberMatched": len(features),
            "numberReturned": len(features),
            "features": features,
            "links": [],
        }
        return geojson_response(body, crs_uri=crs_uri)

    return router


def _paging_links(request: Request, *, offset: int, limit: int, returned: int, matched: int) -> list[dict[str, str]]:
    url = str(request.url).split("?", 1)[0]
    params = dict(request.query_params)

    def link(rel: str, new_offset: int) -> dict[str, str]:
        q = {**params, "offset": str(new_offset), "limit": str(limit)}
        return {"rel": rel, "type": "application/geo+json", "href": f"{url}?{urlencode(q)}"}

    links = [{"rel": "self", "type": "application/geo+json", "href": str(request.url)}]
    if offset + returned < matched:
        links.append(link("next", offset + limit))
    if offset > 0:
        links.append(link("prev", max(0, offset - limit)))
    return links
