"""Maps served as HTML: ``/maps/overview``, ``/maps/plots``, ``/maps/scenario`` and their assets ``/maps/static/…``.

The pages link Leaflet and the landreg map script from ``/maps/static`` (vendored in
``maps/static``), so they render with no internet; the web base map is an overlay that
stays off until ticked.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import get_registry, settings_dep
from api.errors import EntityNotFoundError, InvalidParameterError
from api.openapi import error_responses
from api.settings import ApiSettings
from landreg.enrich import DEFAULT_TARGETS
from landreg.registry.base import AnalysisSource
from maps.assets import SERVED_PREFIX, asset_path
from maps.tiled import TILED_MAP_MIN_PLOTS

router = APIRouter(prefix="/maps", tags=["Maps"], responses=error_responses(404, 409, 422))

_HTML: dict[str, dict[str, Any]] = {"text/html": {}}
COLOR_BY = ("score", "price", "status")


def _html(m: Any) -> HTMLResponse:
    return HTMLResponse(m.get_root().render(), headers={"Cache-Control": "no-cache"})


@router.get("/static/{path:path}", summary="Map assets (Leaflet, landreg map script)", include_in_schema=False)
def static_asset(path: str) -> FileResponse:
    """A local map asset (Leaflet and the landreg map script); 404 for an unknown path."""
    try:
        file = asset_path(path)
    except FileNotFoundError as exc:
        raise EntityNotFoundError(f"no map asset {path!r}") from exc
    return FileResponse(file, headers={"Cache-Control": "public, max-age=86400"})


@router.get(
    "/overview",
    summary="Map: business areas of the region",
    response_class=HTMLResponse,
    responses={200: {"content": _HTML}},
)
def overview_map(
    profile: str = Query("general", description="Scoring profile behind the effective supply"),
    value: str = Query("effective_daa", description="Business-area statistic that colours the areas"),
    registry: AnalysisSource = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> HTMLResponse:
    """The regional overview map (HTML): business areas coloured by `value` (effective supply by default)."""
    from maps.from_registry import overview_map_from_registry

    return _html(
        overview_map_from_registry(
            registry, layers_dir=settings.layers_dir, profile=profile, value=value, assets=SERVED_PREFIX
        )
    )


@router.get(
    "/plots",
    summary="Map: plots coloured by score, price or status",
    response_class=HTMLResponse,
    responses={200: {"content": _HTML}},
)
def plots_map(
    profile: str = Query("general", description="Scoring profile"),
    color_by: str = Query("score", description="score, price or status"),
    status: list[str] | None = Query(None, description="Only plots with this status (repeatable)"),
    municipality_no: list[str] | None = Query(
        None, description="Only plots in this municipality, by kommunenummer or name (repeatable)"
    ),
    isochrones: str | None = Query(
        None, description="Isochrones to this target: " + ", ".join(t.name for t in DEFAULT_TARGETS)
    ),
    price_layers: bool = Query(True, description="Add the price surface and hot-spot layers"),
    registry: AnalysisSource = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> HTMLResponse:
    """The plot map (HTML): plots coloured by score, price or status, with popups and optional isochrones.

    A registry of 20,000 live plots or more gets the map drawn from vector tiles instead
    (plots by status and business areas, details on click; see `/maps/plots-tiled`).
    """
    from maps.from_registry import plot_map_from_registry

    if color_by not in COLOR_BY:
        raise InvalidParameterError(f"color_by={color_by!r} is unknown; expected one of: {', '.join(COLOR_BY)}")
    targets = [t.name for t in DEFAULT_TARGETS]
    if isochrones is not None and isochrones not in targets:
        raise InvalidParameterError(f"isochrones={isochrones!r} is unknown; expected one of: {', '.join(targets)}")
    if registry.count_plots() >= TILED_MAP_MIN_PLOTS:  # too many to inline: drawn from vector tiles, by status
        from api.routes.tiles import tiled_map_response

        return tiled_map_response(registry)
    m = plot_map_from_registry(
        registry,
        layers_dir=settings.layers_dir,
        profile=profile,
        color_by=color_by,
        status=status,
        municipality_no=municipality_no,
        isochrone_target=isochrones,
        price_layers=price_layers,
        assets=SERVED_PREFIX,
    )
    return _html(m)


@router.get(
    "/scenario",
    summary="Map: what a scenario changes",
    response_class=HTMLResponse,
    responses={200: {"content": _HTML}},
)
def scenario_map(
    name: str = Query(..., description="Scenario, e.g. torgard-terminal-built or road:torgard_access"),
    profile: str = Query("general", description="Scoring profile"),
    registry: AnalysisSource = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> HTMLResponse:
    """The map of a scenario (HTML): score changes and status changes; 404 for an unknown scenario."""
    from maps.from_registry import scenario_map_from_registry

    m = scenario_map_from_registry(
        registry, name, layers_dir=settings.layers_dir, profile=profile, assets=SERVED_PREFIX
    )
    return _html(m)


MAP_LINKS: list[dict[str, str]] = [
    {"rel": "related", "type": "text/html", "href": "/maps/overview", "title": "Map: business areas of the region"},
    {
        "rel": "related",
        "type": "text/html",
        "href": "/maps/plots?profile=general&color_by=score",
        "title": "Map: plots by attractiveness",
    },
    {"rel": "related", "type": "text/html", "href": "/maps/plots?color_by=price", "title": "Map: plots by price"},
    {
        "rel": "related",
        "type": "text/html",
        "href": "/maps/scenario?name=torgard-terminal-built",
        "title": "Map: scenario, Torgård freight terminal built",
    },
]


def add_map_links(app: FastAPI) -> None:
    """Add the map pages to the landing page's links (``app.state.extra_links``)."""
    links = list(getattr(app.state, "extra_links", []))
    links += [link for link in MAP_LINKS if link not in links]
    app.state.extra_links = links
