"""Analysis endpoints: scores, clusters, hot spots, effective supply, prices, site search, scenarios, indicators.

Each route validates its parameters (pydantic / FastAPI), calls one function of
:mod:`landreg.analysis` and returns the result's JSON form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import Field

from api.analysis_models import (
    ClustersResponse,
    ExplanationResponse,
    HotspotsResponse,
    IndicatorsResponse,
    PriceSummaryResponse,
    ScenarioInfo,
    ScenarioResponse,
    ScoresResponse,
    SearchResponse,
    SupplyResponse,
)
from api.crs import CRS84
from api.deps import get_registry
from api.errors import InvalidParameterError
from api.features import geojson_response, json_response, scores_feature_collection
from api.limits import AnalysedRegistry, check_analysis_size, expensive_request, guarded_response
from api.openapi import error_responses
from api.synthetic import registry_notice
from landreg import analysis
from landreg.provenance import price_synthetic_summary
from landreg.registry.base import EntityTables
from landreg.scoring import parse_weights
from landreg.search import SiteRequirements

router = APIRouter(
    prefix="/analysis",
    tags=["Analysis"],
    responses=error_responses(404, 409, 422),
    dependencies=[Depends(expensive_request)],  # per-client concurrency (429)
)
#: Conditional permutations of the hot-spot test (landreg.analysis.find_registry_price_hotspots' default).
HOTSPOT_PERMUTATIONS = 999


def _weights(text: str | None) -> dict[str, float] | None:
    return parse_weights(text) if text else None


def _list(text: str | None) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


@router.get(
    "/scores",
    response_model=ScoresResponse,
    summary="Attractiveness scores (profile or custom weights)",
    responses={200: {"content": {"application/geo+json": {}}}},
)
def scores(
    request: Request,
    profile: str = Query("general", description="logistics, manufacturing, office or general"),
    weights: str | None = Query(None, description="Custom weights, e.g. price=30,size=10 (0 drops a criterion)"),
    status: str = Query("available,planned,locked", description="Statuses to score, comma-separated, or 'all'"),
    municipality_no: str | None = Query(None, description="Kommunenummer(s), comma-separated"),
    limit: int = Query(100, ge=1, le=10_000, description="Best plots returned"),
    f: Literal["json", "geojson"] = Query("json", description="json, or geojson for a FeatureCollection"),
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """Attractiveness scores of the live plots (0–100 and rank), as JSON or GeoJSON (`f=geojson`).

    An unknown profile or a bad weight is a 4xx with `code` and `description`.
    """

    check_analysis_size(request, registry)  # 413 before any work over too many plots

    def build() -> Response:
        result = analysis.score_registry(
            registry,
            profile=profile,
            weights=_weights(weights),
            statuses=None if status == "all" else _list(status),
            municipality_no=_list(municipality_no),
        )
        if f == "geojson":
            return geojson_response(
                {**scores_feature_collection(result, limit=limit), "synthetic": registry_notice(request, registry)},
                crs_uri=CRS84,
            )
        return json_response({**result.to_dict(limit=limit), "synthetic": registry_notice(request, registry)})

    return guarded_response(request, registry, build)


@router.get("/scores/{plot_id}", response_model=ExplanationResponse, summary="One plot's score, explained")
def explain(
    request: Request,
    plot_id: str,
    profile: str = Query("general"),
    weights: str | None = Query(None),
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """How one plot's score is made up: each criterion's value, weight and points.

    404 when no live plot has the id.
    """

    check_analysis_size(request, registry)  # 413 before any work over too many plots

    def build() -> Response:
        result = analysis.score_registry(registry, profile=profile, weights=_weights(weights), statuses=None)
        match = result.frame.index[result.frame["plot_id"] == plot_id]
        if len(match) == 0:
            from landreg.errors import PlotNotFoundError

            raise PlotNotFoundError(f"no live plot with id {plot_id!r}")
        return json_response({**result.explain(match[0]), "synthetic": registry_notice(request, registry)})

    return guarded_response(request, registry, build)


@router.get("/clusters", response_model=ClustersResponse, summary="Cluster scores per business area (landreg.clusters)")
def clusters(
    request: Request,
    industry: str | None = Query(None, description="NACE codes whose good neighbours count, e.g. 46.72"),
    gap_m: float = Query(10.0, ge=0, le=500, description="Plots within this gap form one block"),
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """Cluster scores per business area: density, synergy with the given industries, contiguous supply."""

    check_analysis_size(request, registry)  # 413 before any work over too many plots

    def build() -> Response:
        result = analysis.score_registry_clusters(registry, industry_nace=_list(industry), gap_m=gap_m)
        return json_response({**result.to_dict(), "synthetic": registry_notice(request, registry)})

    return guarded_response(request, registry, build)


@router.get("/hotspots", response_model=HotspotsResponse, summary="Price hot and cold spots (Local Moran's I, Gi*)")
def hotspots(
    request: Request,
    k: int = Query(8, ge=2, le=50),
    alpha: float = Query(0.05, gt=0, lt=1),
    seed: int = Query(0, ge=0, le=2**32 - 1, description="Seed of the permutation test (0 to 2³²−1)"),
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """Price hot and cold spots of the asking prices (Local Moran's I and Gi*, FDR-corrected, seeded)."""
    # the permutation test holds about three (plots x permutations) arrays of numbers at once, whatever k
    check_analysis_size(request, registry, bytes_per_plot=HOTSPOT_PERMUTATIONS * 3 * 8)

    def build() -> Response:
        result = analysis.find_registry_price_hotspots(
            registry, k=k, alpha=alpha, seed=seed, permutations=HOTSPOT_PERMUTATIONS
        )
        return json_response({**result.to_dict(), "synthetic": registry_notice(request, registry)})

    return guarded_response(request, registry, build)


@router.get("/supply", response_model=SupplyResponse, summary="Effective supply per municipality and business area")
def supply(
    request: Request,
    profile: str = Query("general"),
    uptake_daa_per_year: float | None = Query(None, gt=0, description="Yearly uptake for years of supply"),
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """Supply in decares by status and effective supply per municipality, business area and region."""

    # 413 before any work over too many plots: those it reads (none or the edited ones from kept results)
    check_analysis_size(request, registry, plots_read=analysis.count_registry_supply_plots(registry, profile=profile))

    def build() -> Response:
        result = analysis.compute_registry_supply(
            registry, profile=profile, uptake_daa_per_year=uptake_daa_per_year, with_plots=False
        )
        return json_response({**result.to_dict(), "synthetic": registry_notice(request, registry)})

    return guarded_response(request, registry, build)


@router.get("/prices/summary", response_model=PriceSummaryResponse, summary="Price summaries by a grouping")
def prices_summary(
    request: Request,
    by: str = Query("municipality", pattern="^(municipality|business_area|zoning|readiness|year)$"),
    kind: str | None = Query(None, pattern="^(asking|transaction)$"),
    basis: str | None = Query(None, pattern="^(raw|serviced)$"),
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """Price statistics (NOK/m²) per group of the chosen grouping, for one kind and basis of price."""

    check_analysis_size(request, registry)  # 413 before any work over too many plots

    def build() -> Response:
        table = analysis.summarize_registry_prices(registry, by=by, kind=kind, basis=basis)
        from landreg.json_values import json_value

        rows = [{k: json_value(v) for k, v in rec.items()} for rec in table.to_dict(orient="records")]
        notice = price_synthetic_summary(registry, kind=kind, basis=basis)
        return json_response(
            {"by": by, "kind": kind, "basis": basis, "rows": rows, "note": notice.text(), "synthetic": notice.to_dict()}
        )

    return guarded_response(request, registry, build)


class SearchRequest(SiteRequirements):
    """A firm's requirements (see landreg.search.SiteRequirements) and how many sites to return.

    ``profiles`` may hold custom profiles by name (the ``[profiles.<name>]`` tables of a profiles
    TOML file, as JSON); ``profile`` then names one of them or a built-in one.
    """

    limit: int = Field(default=20, ge=1, le=500)
    profiles: dict[str, Any] = Field(
        default_factory=dict, description="Custom profiles by name, as the [profiles.<name>] tables of profiles.toml"
    )


@router.post("/search", response_model=SearchResponse, summary="Ranked sites for a firm's requirements, with reasons")
def search(
    request: Request,
    body: SearchRequest,
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """Ranked sites that meet a firm's requirements, each saying what helped and held it back.

    Plots and sites left out are listed with their reasons.
    """
    from landreg.scoring.profile_file import check_profile_definitions

    requirements = SiteRequirements(**body.model_dump(exclude={"limit", "profiles"}))
    profiles = check_profile_definitions({"profiles": body.profiles}, where="request body") if body.profiles else None

    check_analysis_size(request, registry)  # 413 before any work over too many plots

    def build() -> Response:
        result = analysis.search_registry(registry, requirements=requirements, profiles=profiles)
        return json_response({**result.to_dict(limit=body.limit), "synthetic": registry_notice(request, registry)})

    return guarded_response(request, registry, build, key=body.model_dump_json())


@router.get("/scenarios", response_model=list[ScenarioInfo], summary="Scenarios that can be run")
def scenarios(registry: EntityTables = Depends(get_registry)) -> Response:
    """The named scenarios (decisions and road projects) that can be run."""
    return json_response(analysis.list_registry_scenarios(registry))


@router.get(
    "/scenarios/{name}",
    response_model=ScenarioResponse,
    summary="Run a scenario on a copy of the data and report what changes (the registry is not touched)",
)
def scenario(
    request: Request,
    name: str,
    profile: str = Query("general"),
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """Run a scenario on a copy of the data: scores, travel times and supply before and after.

    The registry is not changed; an unknown scenario is a 404.
    """
    if len(name) > 200:
        raise InvalidParameterError("scenario name too long")
    layers_dir = request.app.state.settings.layers_dir

    check_analysis_size(request, registry)  # 413 before any work over too many plots

    def build() -> Response:
        report = analysis.run_registry_scenario(registry, name, layers_dir=layers_dir, profile=profile)
        return json_response({**report.to_dict(), "synthetic": registry_notice(request, registry)})

    return guarded_response(request, registry, build)


@router.get(
    "/indicators",
    response_model=IndicatorsResponse,
    summary="Indicators per region, municipality and business area (landreg.indicators), at any recorded time",
)
def indicators(
    request: Request,
    as_of: dt.datetime | None = Query(None, description="The registry as recorded then (ISO 8601; UTC when naive)"),
    municipality_no: str | None = Query(None, description="Only these municipalities: kommunenummer or names"),
    registry: AnalysedRegistry = Depends(get_registry),
) -> Response:
    """Decares by status and locking decision, effective decares, the largest available block, uptake per
    year and years of supply, prices, land needing a new road and hazards: each figure with its definition,
    date and synthetic share, numbers rounded by unit (the same JSON as `landreg indicators -o FILE.json`).
    """
    from landreg.indicators import compute_registry_indicators

    layers_dir = request.app.state.settings.layers_dir

    check_analysis_size(request, registry)  # 413 before any work over too many plots

    def build() -> Response:
        report = compute_registry_indicators(
            registry, layers_dir=layers_dir, as_of=as_of, municipality_no=_list(municipality_no)
        )
        return json_response(report.to_dict())

    return guarded_response(request, registry, build)
