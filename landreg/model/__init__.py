"""The landreg data model: plots, business areas, decisions and road projects."""

from __future__ import annotations

from landreg.model.entities import BusinessArea, Decision, DecisionOutcome, RoadProject
from landreg.model.enums import (
    AreaType,
    ChangeOp,
    DecisionStatus,
    OwnerType,
    PlanStatus,
    PlotStatus,
    PriceBasis,
    PriceKind,
    Readiness,
    RoadProjectStatus,
    Utility,
    Zoning,
)
from landreg.model.plot import (
    INPUT_FIELDS,
    JSON_FIELDS,
    MANAGED_FIELDS,
    PLOT_FIELDS,
    FieldProvenance,
    Occupant,
    Plot,
    PlotAttributes,
    PriceObservation,
)
from landreg.model.schema import plot_json_schema

__all__ = [
    "INPUT_FIELDS",
    "JSON_FIELDS",
    "MANAGED_FIELDS",
    "PLOT_FIELDS",
    "AreaType",
    "BusinessArea",
    "ChangeOp",
    "Decision",
    "DecisionOutcome",
    "DecisionStatus",
    "FieldProvenance",
    "Occupant",
    "OwnerType",
    "PlanStatus",
    "Plot",
    "PlotAttributes",
    "PlotStatus",
    "PriceBasis",
    "PriceKind",
    "PriceObservation",
    "Readiness",
    "RoadProject",
    "RoadProjectStatus",
    "Utility",
    "Zoning",
    "plot_json_schema",
]
