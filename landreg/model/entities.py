"""Business areas, decisions and road projects."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from landreg.model.enums import AreaType, DecisionStatus, PlotStatus, RoadProjectStatus
from landreg.model.plot import FieldProvenance, Occupant

_GEOMETRY = WithJsonSchema({"type": "object", "description": "GeoJSON geometry"})


class BusinessArea(BaseModel):
    """A named business area (næringsområde) or cluster, with its outline (EPSG:25832)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    area_id: str = Field(pattern=r"^[a-z0-9_\-]{2,64}$")
    name: str = Field(min_length=1, max_length=100)
    municipality_no: str = Field(pattern=r"^\d{4}$")
    area_type: AreaType
    strategic_note: str | None = None
    nuisance_class: str | None = Field(
        default=None, description="Highest nuisance/environmental class allowed, e.g. 'A'..'E'"
    )
    occupants: list[Occupant] = Field(default_factory=list)
    anchor: str | None = Field(default=None, description="Where the position comes from")
    provenance: dict[str, FieldProvenance] = Field(default_factory=dict)
    geometry: Annotated[Any, _GEOMETRY] = Field(default=None, exclude=True)


class DecisionOutcome(BaseModel):
    """What one possible outcome of a decision frees or consumes."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    plot_status: PlotStatus | None = Field(default=None, description="Status given to the plots the decision locks")
    adds_destinations: list[str] = Field(default_factory=list)
    removes_destinations: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    """A pending decision that locks land (e.g. the Torgård rail freight terminal)."""

    model_config = ConfigDict(extra="forbid")

    decision_id: str = Field(pattern=r"^[a-z0-9_\-]{2,64}$")
    title: str
    status: DecisionStatus = DecisionStatus.PENDING
    expected_date: dt.date | None = None
    description: str = ""
    outcomes: list[DecisionOutcome] = Field(default_factory=list)
    provenance: dict[str, FieldProvenance] = Field(default_factory=dict)
    outcome: str | None = Field(default=None, description="The outcome chosen, once decided")
    decided_on: dt.date | None = Field(default=None, description="When it was decided")


class RoadProject(BaseModel):
    """A planned road, used by scenarios (geometry: LineString, EPSG:25832)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    project_id: str = Field(pattern=r"^[a-z0-9_\-]{2,64}$")
    name: str
    status: RoadProjectStatus = RoadProjectStatus.PLANNED
    speed_kmh: float = Field(gt=0, le=130)
    expected_year: int | None = Field(default=None, ge=1900, le=2100)
    description: str = ""
    provenance: dict[str, FieldProvenance] = Field(default_factory=dict)
    geometry: Annotated[Any, _GEOMETRY] = Field(default=None, exclude=True)
