"""Split and merge plots over HTTP (Part 4 style): lineage, history, ETags and If-Match as for edits."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.blind_writes import precondition_on_race
from api.bodies import features_in_storage_crs, json_object_body
from api.collections import etag_of
from api.crs import CRS84
from api.deps import get_principal, get_registry, if_match_param, settings_dep
from api.features import frame_to_features, geojson_response
from api.routes.edit import _expected_version, _municipality_of
from api.settings import ApiSettings
from landreg.edits import merge_plots_by_ref, resolve_plot, split_plot_from_frame
from landreg.errors import Problem, ValidationError
from landreg.registry.base import PlotStore, Registry
from landreg.tokens import Principal

router = APIRouter(tags=["OGC API – Features Part 4 (plots)"])


def _plots_response(registry: PlotStore, plots: list[Any], request: Request) -> Response:
    touched = [p.plot_id for p in plots] + [parent for p in plots for parent in p.previously_part_of or []]
    request.app.state.refresher.schedule(touched)  # the new plots' attributes; the ended parents' go
    frame = registry.query_plots(plot_ids=[p.plot_id for p in plots])
    features = frame_to_features(frame, id_column="plot_id", crs_uri=CRS84)
    body = {"type": "FeatureCollection", "features": features, "numberReturned": len(features)}
    headers = {"ETag": etag_of(plots[0].plot_id, plots[0].version)} if len(plots) == 1 else None
    return geojson_response(body, crs_uri=CRS84, status_code=201, headers=headers)


@router.post(
    "/collections/plots/items/{feature_id}/split",
    status_code=201,
    summary="Split a plot by a cutting line or into parts; the plot ends, the parts record it as lineage",
    response_class=Response,
    dependencies=[Depends(if_match_param)],
    responses={201: {"content": {"application/geo+json": {}}}},
)
async def split_plot(
    request: Request,
    feature_id: str,
    registry: Registry = Depends(get_registry),
    principal: Principal = Depends(get_principal),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """Body: ``{"line": <GeoJSON LineString or Feature>}`` or ``{"parts": <FeatureCollection of Polygons>}``,
    optionally ``"codes": [...]``; coordinates in ``Content-Crs`` (default CRS84).  ``If-Match`` as for edits."""
    doc = await json_object_body(request)
    unknown = sorted(set(doc) - {"line", "parts", "codes"})
    if unknown:
        raise ValidationError([Problem("body", k, "unknown member; expected line, parts, codes") for k in unknown])
    current = resolve_plot(registry, feature_id)
    principal.check_can_edit({_municipality_of(request, registry, current)})  # where it lies, not its label
    version = _expected_version(request, current, settings, registry=registry)
    line = features_in_storage_crs(doc["line"], request, where="line") if doc.get("line") is not None else None
    parts = features_in_storage_crs(doc["parts"], request, where="parts") if doc.get("parts") is not None else None
    codes = doc.get("codes")
    if codes is not None and not (isinstance(codes, list) and all(isinstance(c, str) for c in codes)):
        raise ValidationError([Problem("body", "codes", "expected a list of plot codes")], context="split")
    with precondition_on_race(request):
        children = split_plot_from_frame(
            registry, feature_id, expected_version=version, actor=principal.name, blade=line, parts=parts, codes=codes
        )
    return _plots_response(registry, children, request)


@router.post(
    "/collections/plots/merge",
    status_code=201,
    summary="Merge touching plots into one; they end and the new plot records them as lineage",
    response_class=Response,
    responses={201: {"content": {"application/geo+json": {}}}},
)
async def merge_plots(
    request: Request,
    registry: Registry = Depends(get_registry),
    principal: Principal = Depends(get_principal),
) -> Response:
    """Body: ``{"plots": [{"id": "<plot id or code>", "version": N}, ...], "code": "<new code>"}``.

    Each plot's ``version`` is the one the merge is based on: a plot changed since gives 409.
    """
    doc = await json_object_body(request)
    items = doc.get("plots")
    if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i and "version" in i for i in items):
        raise ValidationError(
            [Problem("body", "plots", 'expected a list of {"id": <plot id or code>, "version": <int>}')],
            context="merge",
        )
    code = doc.get("code")
    stored = [resolve_plot(registry, str(i["id"])) for i in items]
    principal.check_can_edit({_municipality_of(request, registry, p) for p in stored})
    merged = merge_plots_by_ref(
        registry,
        [p.plot_id for p in stored],
        expected_versions=[int(i["version"]) for i in items],
        actor=principal.name,
        code=code,
    )
    return _plots_response(registry, [merged], request)
