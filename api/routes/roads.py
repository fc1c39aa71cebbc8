"""Road projects over HTTP: read (public), add, change and end (admin, or a planner of every
municipality the road runs through)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.bodies import features_in_storage_crs, json_object_body
from api.crs import CRS84
from api.deps import get_principal, get_registry, settings_dep
from api.features import frame_to_features, geojson_response
from api.settings import ApiSettings
from landreg.crs import STORAGE_CRS
from landreg.errors import Problem, ValidationError
from landreg.registry.base import EntityTables
from landreg.roads import ROAD_FIELDS, road_municipalities
from landreg.tokens import Principal, Role

router = APIRouter(prefix="/road-projects", tags=["Road projects"])


def _frame(doc: Any, request: Request) -> Any:
    frame = features_in_storage_crs(doc, request, where="road projects")
    allowed = [*ROAD_FIELDS, "provenance"]  # a feature read from this API may be sent back as it is
    unknown = sorted(set(frame.columns) - set(allowed) - {frame.geometry.name})
    if unknown:
        raise ValidationError(
            [Problem("body", k, f"unknown property; expected one of {allowed}") for k in unknown],
            context="road projects",
        )
    return frame


def _authorise(principal: Principal, frame: Any, settings: ApiSettings) -> None:
    """Admins may change any road project; planners those lying wholly in their municipalities."""
    if principal.role is Role.ADMIN:
        return
    from landreg.layers.load import load_layer

    lines = frame[frame.geometry.notna()]
    munis = road_municipalities(lines, municipalities=load_layer("municipalities", layers_dir=settings.layers_dir))
    principal.check_can_edit(munis or {"(outside every municipality)"})


def _response(frame: Any, *, single: bool = False, status_code: int = 200) -> Response:
    features = frame_to_features(frame, id_column="project_id", crs_uri=CRS84)
    if single:
        return geojson_response(features[0], crs_uri=CRS84, status_code=status_code)
    body = {"type": "FeatureCollection", "features": features, "numberReturned": len(features)}
    return geojson_response(body, crs_uri=CRS84, status_code=status_code)


@router.get("", summary="Road projects (GeoJSON, CRS84); ?all=true includes ended ones", response_class=Response)
def list_road_projects(all: bool = False, registry: EntityTables = Depends(get_registry)) -> Response:
    """The road projects as GeoJSON (CRS84), without ended ones unless `all=true`."""
    return _response(registry.load_road_projects(include_cancelled=all))


@router.get("/{project_id}", summary="One road project (GeoJSON Feature)", response_class=Response)
def get_road_project(project_id: str, registry: EntityTables = Depends(get_registry)) -> Response:
    """One road project as a GeoJSON Feature (404 when unknown)."""
    return _response(registry.get_road_project(project_id), single=True)


@router.post("", status_code=201, summary="Add road projects (Feature or FeatureCollection)", response_class=Response)
async def add_road_projects(
    request: Request,
    registry: EntityTables = Depends(get_registry),
    principal: Principal = Depends(get_principal),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """Add road projects from a Feature or FeatureCollection; planners only inside their municipalities."""
    frame = _frame(await json_object_body(request), request)
    _authorise(principal, frame, settings)
    ids = registry.add_road_projects(frame)
    added = registry.load_road_projects()
    return _response(added[added["project_id"].isin(ids)], status_code=201)


@router.patch(
    "/{project_id}",
    summary="Change a road project (a Feature with the changed properties and/or line)",
    response_class=Response,
)
async def update_road_project(
    request: Request,
    project_id: str,
    registry: EntityTables = Depends(get_registry),
    principal: Principal = Depends(get_principal),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """Change a road project's fields and/or line from one Feature."""
    current = registry.get_road_project(project_id)
    frame = _frame(await json_object_body(request), request)
    if len(frame) != 1:
        raise ValidationError([Problem("body", "type", "expected one Feature")], context="road project update")
    _authorise(principal, current, settings)
    geometry = frame.geometry.iloc[0]
    if geometry is not None:
        _authorise(principal, frame, settings)
    changes = {k: v for k, v in frame.drop(columns=frame.geometry.name).iloc[0].to_dict().items() if v is not None}
    updated = registry.update_road_project(project_id, changes, geometry=geometry, crs=STORAGE_CRS)
    return _response(updated, single=True)


@router.delete(
    "/{project_id}",
    summary="End a road project (status cancelled; kept, left out of scenarios)",
    response_class=Response,
)
def end_road_project(
    project_id: str,
    registry: EntityTables = Depends(get_registry),
    principal: Principal = Depends(get_principal),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """End a road project: it is kept as `cancelled` and left out of scenarios."""
    _authorise(principal, registry.get_road_project(project_id), settings)
    return _response(registry.end_road_project(project_id), single=True)
