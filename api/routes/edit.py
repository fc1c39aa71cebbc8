"""OGC API – Features Part 4: create, replace, update and end plots, with ETags and roles."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.blind_writes import blind_write_base, precondition_on_race, record_read
from api.bodies import content_crs, json_body
from api.collections import etag_of
from api.crs import CRS84, SUPPORTED_CRS, transform_geometries
from api.deps import get_principal, get_registry, if_match_param, settings_dep
from api.errors import (
    InvalidParameterError,
    PreconditionFailedError,
    PreconditionRequiredError,
    ServiceUnavailableError,
)
from api.features import frame_to_features, geojson_response
from api.openapi import feature_request_body
from api.routes.ogc import base_url
from api.settings import ApiSettings
from landreg.errors import InvalidGeometryError, Problem, ValidationError
from landreg.io.geojson import geometry_from_geojson
from landreg.model.plot import PlotAttributes
from landreg.plot_location import PlotLocation, locate_plot, located_fields
from landreg.registry.base import EntityTables, FeatureSource, PlotStore, Registry
from landreg.tokens import Principal

router = APIRouter(tags=["OGC API – Features Part 4 (plots)"])
_ALLOW_ITEMS = "GET, HEAD, POST, OPTIONS"
_ALLOW_ITEM = "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"


async def _feature_body(request: Request) -> tuple[dict[str, Any], Any]:
    """The request's GeoJSON Feature: its properties, and its geometry in EPSG:25832 (or None)."""
    doc = await json_body(request)
    if not isinstance(doc, dict) or doc.get("type") != "Feature":
        raise ValidationError([Problem("body", "type", "expected a GeoJSON Feature")], context="request")
    props = doc.get("properties") or {}
    if not isinstance(props, dict):
        raise ValidationError([Problem("body", "properties", "expected an object")], context="request")
    geometry = None
    if doc.get("geometry") is not None:
        crs_uri = content_crs(request)
        try:
            geom = geometry_from_geojson(doc["geometry"])
        except InvalidGeometryError as exc:
            raise ValidationError(
                [Problem("body", "geometry", f"not a GeoJSON geometry: {exc}")], context="request"
            ) from exc
        geometry = transform_geometries(np.array([geom], dtype=object), crs_uri, SUPPORTED_CRS[2])[0]
    for key in ("area_m2", "area_daa", "version", "valid_to", "updated_at", "updated_by", "plot_id"):
        props.pop(key, None)  # managed by the registry; echoed back by clients that GET then PUT
    return props, geometry


def _expected_version(
    request: Request, current: Any, settings: ApiSettings, *, registry: PlotStore, changed: Any = None
) -> int:
    """The version a write is based on: the one If-Match names, else the one the caller last read.

    ``changed`` names the fields a PATCH sends (None for a write of the whole plot); see
    :mod:`api.blind_writes` for writes without If-Match.
    """
    header = request.headers.get("if-match")
    if header is None:
        if settings.require_if_match:
            raise PreconditionRequiredError("this service requires If-Match with the item's ETag on edits")
        if settings.allow_blind_overwrite:
            return int(current.version)
        return blind_write_base(request, current, registry=registry, changed=changed)
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags or etag_of(current.plot_id, current.version) in tags:
        return int(current.version)
    raise PreconditionFailedError(
        f"If-Match {header} does not match the current version {etag_of(current.plot_id, current.version)}; "
        "nothing was written"
    )


def _ground(request: Request, registry: EntityTables, geometry: Any) -> PlotLocation:
    """Where ``geometry`` (EPSG:25832) lies: in which municipality of the layer and which business area."""
    municipalities = next((c for c in request.app.state.collections if c.id == "municipalities"), None)
    if municipalities is None:
        raise ServiceUnavailableError(
            "the municipality layer is not loaded (LANDREG_API_LAYERS_DIR), so a plot cannot be placed in its "
            "municipality; edits are refused until the service is started with a layers folder that has it"
        )
    return locate_plot(geometry, municipalities=municipalities.frame, business_areas=registry.load_business_areas())


def _municipality_of(request: Request, registry: EntityTables, plot: Any) -> str:
    """The municipality a stored plot lies in (its stored number when its geometry lies in none of the layer)."""
    return _ground(request, registry, plot.geometry).municipality_no or str(plot.municipality_no)


def _authorise_change(
    request: Request,
    feature_id: str,
    props: dict[str, Any],
    geometry: Any,
    *,
    registry: FeatureSource,
    principal: Principal,
    settings: ApiSettings,
    changed: Any = None,
) -> tuple[Any, int]:
    """The plot as stored and the version to base the change on, once the caller may make it.

    The caller must be allowed to edit in the municipality the plot lies in now and in the one
    it will lie in (both found from the geometry); a municipality or business area sent with
    the change must be the one the (new or kept) geometry lies in, and is filled in into
    ``props`` when left out.
    """
    current = registry.get_plot(feature_id)
    before = _municipality_of(request, registry, current)
    principal.check_can_edit({before})
    placed = geometry is not None or any(props.get(k) is not None for k in ("municipality_no", "business_area_id"))
    if placed:
        ground = _ground(request, registry, current.geometry if geometry is None else geometry)
        props.update(located_fields(props, ground))
        principal.check_can_edit({before, str(props["municipality_no"])})
    return current, _expected_version(request, current, settings, registry=registry, changed=changed)


def _plot_response(
    request: Request, registry: PlotStore, plot_id: str, *, status_code: int = 200, location: bool = False
) -> Response:
    request.app.state.refresher.schedule([plot_id])  # road access, terrain and hazards of the changed plot
    frame = registry.query_plots(plot_ids=[plot_id], include_ended=True)
    feature = frame_to_features(frame, id_column="plot_id", crs_uri=CRS84)[0]
    version = feature["properties"]["version"]
    record_read(request, [feature])  # the writer has seen the version its write made
    headers = {"ETag": etag_of(plot_id, version)}
    if location:
        headers["Location"] = f"{base_url(request)}/collections/plots/items/{plot_id}"
    return geojson_response(feature, crs_uri=CRS84, status_code=status_code, headers=headers)


@router.options("/collections/plots/items", include_in_schema=False)
def options_items() -> Response:
    """The methods the plot collection accepts (`Allow` header)."""
    return Response(status_code=204, headers={"Allow": _ALLOW_ITEMS})


@router.options("/collections/plots/items/{feature_id}", include_in_schema=False)
def options_item(feature_id: str) -> Response:
    """The methods one plot accepts (`Allow` header)."""
    return Response(status_code=204, headers={"Allow": _ALLOW_ITEM})


@router.post(
    "/collections/plots/items",
    status_code=201,
    summary="Add a plot (GeoJSON Feature)",
    response_class=Response,
    openapi_extra=feature_request_body("The plot: a GeoJSON Feature with its attributes and polygon"),
    responses={201: {"content": {"application/geo+json": {}}}},
)
async def create_plot(
    request: Request,
    registry: Registry = Depends(get_registry),
    principal: Principal = Depends(get_principal),
) -> Response:
    """Add a plot from a GeoJSON Feature (coordinates in EPSG:25832); 201 with its `Location`."""
    props, geometry = await _feature_body(request)
    principal.check_can_edit(set())  # may the caller edit at all (a viewer may not)
    if geometry is not None:  # without one the registry refuses the plot
        props.update(located_fields(props, _ground(request, registry, geometry)))
    principal.check_can_edit({str(props.get("municipality_no"))})  # where the plot lies
    plot = registry.add_plot(props, geometry, crs=25832, actor=principal.name)
    return _plot_response(request, registry, plot.plot_id, status_code=201, location=True)


@router.put(
    "/collections/plots/items/{feature_id}",
    summary="Replace a plot",
    response_class=Response,
    dependencies=[Depends(if_match_param)],
    openapi_extra=feature_request_body(
        "The whole plot: attributes left out get their defaults; a geometry is required"
    ),
    responses={200: {"content": {"application/geo+json": {}}}},
)
async def replace_plot(
    request: Request,
    feature_id: str,
    registry: Registry = Depends(get_registry),
    principal: Principal = Depends(get_principal),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """Replace a plot's attributes and geometry as a new version; fields left out get their defaults.

    The `If-Match` ETag guards against lost updates (412 when stale).
    """
    props, geometry = await _feature_body(request)
    if geometry is None:
        raise InvalidParameterError("PUT replaces the whole feature and needs a geometry; use PATCH to change part")
    current, version = _authorise_change(
        request, feature_id, props, geometry, registry=registry, principal=principal, settings=settings
    )
    defaults = {k: f.get_default(call_default_factory=True) for k, f in PlotAttributes.model_fields.items()}
    changes: dict[str, Any] = {**defaults, "valid_from": current.valid_from, **props, "geometry": geometry}
    with precondition_on_race(request):
        registry.update_plot(feature_id, changes, expected_version=version, actor=principal.name, crs=25832)
    return _plot_response(request, registry, feature_id)


@router.patch(
    "/collections/plots/items/{feature_id}",
    summary="Change part of a plot",
    response_class=Response,
    dependencies=[Depends(if_match_param)],
    openapi_extra=feature_request_body("The fields to change (only these are changed) and/or a new geometry"),
    responses={200: {"content": {"application/geo+json": {}}}},
)
async def update_plot(
    request: Request,
    feature_id: str,
    registry: Registry = Depends(get_registry),
    principal: Principal = Depends(get_principal),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """Change some fields and/or the geometry of a plot as a new version.

    The `If-Match` ETag guards against lost updates (412 when stale).
    """
    props, geometry = await _feature_body(request)
    sent = [*props, *(["geometry"] if geometry is not None else [])]  # only these are changed
    _, version = _authorise_change(
        request, feature_id, props, geometry, registry=registry, principal=principal, settings=settings, changed=sent
    )
    changes = dict(props)
    if geometry is not None:
        changes["geometry"] = geometry
    with precondition_on_race(request):
        registry.update_plot(feature_id, changes, expected_version=version, actor=principal.name, crs=25832)
    return _plot_response(request, registry, feature_id)


@router.delete(
    "/collections/plots/items/{feature_id}",
    status_code=204,
    summary="End a plot (it is kept, with valid_to set; never erased)",
    dependencies=[Depends(if_match_param)],
)
def end_plot(
    request: Request,
    feature_id: str,
    registry: Registry = Depends(get_registry),
    principal: Principal = Depends(get_principal),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """End a plot: it leaves the live registry with `valid_to` set and stays in history (204)."""
    current = registry.get_plot(feature_id)
    principal.check_can_edit({_municipality_of(request, registry, current)})
    version = _expected_version(request, current, settings, registry=registry)
    with precondition_on_race(request):
        registry.end_plot(feature_id, expected_version=version, actor=principal.name, reason="ended through the API")
    request.app.state.refresher.schedule([feature_id])  # drops the ended plot's derived attributes
    return Response(status_code=204)
