"""Maps served as HTML: ``/maps/overview``, ``/maps/plots``, ``/maps/scenario`` and their assets ``/maps/static/…``.

The pages link Leaflet and the landreg map script from ``/maps/static`` (vendored in
``maps/static``), so they render with no internet; the web base map is an overlay that
stays off until ticked.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.deps import get_registry, settings_dep
from api.errors import EntityNotFoundError, InvalidParameterError
from api.limits import (
    AnalysedRegistry,
    WorkTooLargeError,
    analysis_request,
    check_analysis_size,
    expensive_request,
    guarded_response,
)
from api.openapi import error_responses
from api.settings import ApiSettings
from landreg.enrich import DEFAULT_TARGETS
from maps.assets import SERVED_PREFIX, asset_path

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
    dependencies=[Depends(analysis_request)],
)
def overview_map(
    request: Request,
    profile: str = Query("general", description="Scoring profile behind the effective supply"),
    value: str = Query("effective_daa", description="Business-area statistic that colours the areas"),
    lang: Literal["nb", "en"] = Query("nb", description="Language of the map's texts: bokmål (nb) or English (en)"),
    registry: AnalysedRegistry = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """The regional overview map (HTML): business areas coloured by `value` (effective supply by default)."""
    from maps.from_registry import overview_map_from_registry

    return guarded_response(
        request,
        registry,
        lambda: _html(
            overview_map_from_registry(
                registry, layers_dir=settings.layers_dir, profile=profile, value=value, assets=SERVED_PREFIX, lang=lang
            )
        ),
    )


@router.get(
    "/plots",
    summary="Map: plots coloured by score, price or status",
    response_class=HTMLResponse,
    responses={200: {"content": _HTML}},
    dependencies=[Depends(expensive_request)],
)
def plots_map(
    request: Request,
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
    lang: Literal["nb", "en"] = Query("nb", description="Language of the map's texts: bokmål (nb) or English (en)"),
    registry: AnalysedRegistry = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """The plot map (HTML): plots coloured by score, price or status, with popups and optional isochrones.

    A map of all plots of a registry with more live plots than the service draws into one
    page (`LANDREG_API_MAX_MAP_PLOTS`) is drawn from vector tiles instead (plots by status and
    business areas, details on click; see `/maps/plots-tiled`); a narrowed map (`status`,
    `municipality_no`) that would still draw more is a 413.
    """
    from maps.from_registry import plot_map_from_registry

    if color_by not in COLOR_BY:
        raise InvalidParameterError(f"color_by={color_by!r} is unknown; expected one of: {', '.join(COLOR_BY)}")
    targets = [t.name for t in DEFAULT_TARGETS]
    if isochrones is not None and isochrones not in targets:
        raise InvalidParameterError(f"isochrones={isochrones!r} is unknown; expected one of: {', '.join(targets)}")
    narrowed = bool(status or municipality_no)
    if not narrowed and registry.count_plots() > settings.max_map_plots:  # all plots: drawn from vector tiles
        from api.routes.tiles import tiled_map_response

        return tiled_map_response(registry, layers_dir=settings.layers_dir, lang=lang)
    if narrowed:
        drawn = registry.count_plots(status=status, municipality_no=municipality_no)
        if drawn > settings.max_map_plots:
            raise WorkTooLargeError(
                f"this map would draw {drawn} plots; one map page draws at most {settings.max_map_plots} "
                "(LANDREG_API_MAX_MAP_PLOTS). Use the tiled map /maps/plots-tiled, which draws any number of "
                "plots from vector tiles, or narrow the map with municipality_no or status"
            )
    check_analysis_size(request, registry)  # the scores behind the colours cover every live plot

    def build() -> HTMLResponse:
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
            lang=lang,
        )
        return _html(m)

    return guarded_response(request, registry, build)


@router.get(
    "/scenario",
    summary="Map: what a scenario changes",
    response_class=HTMLResponse,
    responses={200: {"content": _HTML}},
    dependencies=[Depends(analysis_request)],
)
def scenario_map(
    request: Request,
    name: str = Query(..., description="Scenario, e.g. torgard-terminal-built or road:torgard_access"),
    profile: str = Query("general", description="Scoring profile"),
    lang: Literal["nb", "en"] = Query("nb", description="Language of the map's texts: bokmål (nb) or English (en)"),
    registry: AnalysedRegistry = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """The map of a scenario (HTML): score changes and status changes; 404 for an unknown scenario."""
    from maps.from_registry import scenario_map_from_registry

    return guarded_response(
        request,
        registry,
        lambda: _html(
            scenario_map_from_registry(
                registry, name, layers_dir=settings.layers_dir, profile=profile, assets=SERVED_PREFIX, lang=lang
            )
        ),
    )


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
