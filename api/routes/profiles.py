"""Scores and supply with custom weight profiles sent in the request (the JSON form of a profiles TOML file)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.analysis_models import ScoresResponse, SupplyResponse
from api.deps import get_registry
from api.features import json_response
from api.openapi import error_responses
from api.synthetic import registry_notice
from landreg import analysis
from landreg.registry.base import AnalysisSource
from landreg.scoring import load_profile
from landreg.scoring.profile_file import check_profile_definitions

router = APIRouter(prefix="/analysis", tags=["Analysis"], responses=error_responses(404, 409, 422))


class CustomProfileRequest(BaseModel):
    """A custom profiles file as JSON (``profiles`` and optionally ``version``, ``criteria``, ``derived``,
    with the layout of ``landreg/scoring/profiles.toml``), the profile to use and optional weight updates."""

    model_config = ConfigDict(extra="forbid")

    profiles: dict[str, Any] = Field(
        default_factory=dict, description="Custom profiles by name: {'<name>': {'weights': {...}, 'limits': {...}}}"
    )
    version: str | None = Field(default=None, description="Version of the custom definitions")
    criteria: dict[str, Any] = Field(default_factory=dict, description="Criteria overriding the built-in ones")
    derived: dict[str, Any] | None = None
    profile: str = Field(default="general", description="Name of the profile to use (custom or built-in)")
    weights: dict[str, float] = Field(default_factory=dict, description="Weight updates, e.g. {'price': 30}")

    def scoring_profile(self) -> Any:
        """The chosen profile (custom definitions validated, each problem naming its field)."""
        document = {
            k: v
            for k, v in {
                "profiles": self.profiles,
                "version": self.version,
                "criteria": self.criteria,
                "derived": self.derived,
            }.items()
            if v
        }
        definitions = check_profile_definitions(document, where="request body") if document else None
        return load_profile(self.profile, weights=self.weights or None, definitions=definitions)


class ScoresRequest(CustomProfileRequest):
    """Scores with a custom profile; ``status`` (empty: all) and ``municipality_no`` narrow the plots returned."""

    status: list[str] = Field(default_factory=lambda: ["available", "planned", "locked"])
    municipality_no: list[str] = Field(default_factory=list)
    limit: int = Field(default=100, ge=1, le=10_000)


class SupplyRequest(CustomProfileRequest):
    """Effective supply with a custom profile."""

    uptake_daa_per_year: float | None = Field(default=None, gt=0)


@router.post("/scores", response_model=ScoresResponse, summary="Attractiveness scores with a custom profile")
def scores_with_profile(
    body: ScoresRequest,
    registry: AnalysisSource = Depends(get_registry),
    synthetic: dict[str, Any] = Depends(registry_notice),
) -> Response:
    """Attractiveness scores with a profile given in the request body (weights, limits, industries)."""
    result = analysis.score_registry(
        registry,
        profile=body.scoring_profile(),
        statuses=body.status or None,
        municipality_no=body.municipality_no,
    )
    return json_response({**result.to_dict(limit=body.limit), "synthetic": synthetic})


@router.post("/supply", response_model=SupplyResponse, summary="Effective supply with a custom profile")
def supply_with_profile(
    body: SupplyRequest,
    registry: AnalysisSource = Depends(get_registry),
    synthetic: dict[str, Any] = Depends(registry_notice),
) -> Response:
    """Effective supply with a profile given in the request body."""
    result = analysis.compute_registry_supply(
        registry, profile=body.scoring_profile(), uptake_daa_per_year=body.uptake_daa_per_year
    )
    return json_response({**result.to_dict(), "synthetic": synthetic})
