"""Decisions: list them (public) and record an outcome (admin only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.actors import hide_actors_unless_allowed
from api.deps import get_principal, get_registry
from api.features import json_response
from landreg.decisions import decide
from landreg.registry.base import EntityTables
from landreg.tokens import Principal

router = APIRouter(prefix="/decisions", tags=["Decisions"])


class DecideRequest(BaseModel):
    """An outcome to record: one of the decision's outcomes, or ``pending`` to reopen it."""

    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(min_length=1, max_length=64, examples=["built"])
    date: dt.date = Field(default_factory=dt.date.today, description="When it was decided (YYYY-MM-DD)")
    note: str | None = Field(default=None, max_length=500, description="Recorded with each plot version")


class DecisionRecord(BaseModel):
    """A decision with its possible outcomes, status, chosen outcome and date."""

    model_config = ConfigDict(extra="allow")

    decision_id: str
    title: str
    status: str


class DecideResponse(BaseModel):
    """The decision afterwards and the plots whose status changed (code -> before/after)."""

    model_config = ConfigDict(extra="allow")

    decision: DecisionRecord
    changed: dict[str, dict[str, str]]
    skipped: dict[str, str]


@router.get("", response_model=list[DecisionRecord], summary="Decisions that lock land, with their outcomes")
def list_decisions(registry: EntityTables = Depends(get_registry)) -> Response:
    """Every decision with its options, outcomes and the plots it locks."""
    return json_response([d.model_dump(mode="json") for d in registry.load_decisions()])


@router.get("/{decision_id}", response_model=DecisionRecord, summary="One decision")
def get_decision(decision_id: str, registry: EntityTables = Depends(get_registry)) -> Response:
    """One decision by id (404 when unknown)."""
    return json_response(registry.get_decision(decision_id).model_dump(mode="json"))


@router.get("/{decision_id}/log", response_model=list[dict[str, Any]], summary="The outcomes recorded, oldest first")
def decision_log(request: Request, decision_id: str, registry: EntityTables = Depends(get_registry)) -> Response:
    """The outcomes recorded for a decision, oldest first (404 for an unknown decision).

    Who recorded each outcome is shown to admins only (see `LANDREG_API_PUBLIC_ACTORS`).
    """
    registry.get_decision(decision_id)  # 404 for an unknown decision
    log = registry.decision_log(decision_id)
    hide_actors_unless_allowed(request, log)
    return json_response(log)


@router.post(
    "/{decision_id}/decide",
    response_model=DecideResponse,
    summary="Record a decision's outcome (admin): its plots change status as versioned edits",
    responses={403: {"description": "Not an admin"}, 404: {"description": "No such decision"}, 422: {}},
)
def decide_decision(
    request: Request,
    decision_id: str,
    body: DecideRequest,
    registry: EntityTables = Depends(get_registry),
    principal: Principal = Depends(get_principal),
) -> Response:
    """Record a decision's outcome (admins only): its plots take the outcome's status as new versions.

    Road access is recomputed in the background afterwards.
    """
    principal.check_is_admin("record a decision")
    registry.get_decision(decision_id)  # 404 before anything else
    result = decide(
        registry, decision_id, outcome=body.outcome, decided_on=body.date, actor=principal.name, note=body.note
    )
    request.app.state.refresher.schedule()  # road access to the destinations the outcome builds or removes
    return json_response(result.to_dict())
