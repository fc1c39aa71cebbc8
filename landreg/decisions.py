"""Decisions taken for real: recorded in the registry, and what they change for the enrichment.

:func:`decide` applies an outcome to the registry as versioned plot edits (see
:mod:`landreg.registry.decisions`).  The destinations an outcome builds or removes
(e.g. the Torgård freight terminal, ``status = planned`` in the destinations layer)
are not written into the layer file: the enrichment reads the registry's decided
outcomes and applies them to the layer it loads (:func:`with_decided_destinations`),
so ``landreg enrich`` routes to a built terminal and stops routing to a removed one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np

from landreg.enrich.routing import REMOVED_STATUS
from landreg.model.entities import Decision
from landreg.registry.decisions import REOPEN, DecisionResult, decided_destinations

if TYPE_CHECKING:
    from landreg.registry.base import EntityTables

__all__ = [
    "REOPEN",
    "DecisionResult",
    "decide",
    "decided_destinations",
    "decisions_fingerprint",
    "with_decided_destinations",
]


def decide(
    registry: EntityTables,
    decision_id: str,
    *,
    outcome: str,
    decided_on: dt.date,
    actor: str,
    note: str | None = None,
) -> DecisionResult:
    """Record a decision's outcome (or ``"pending"`` to reopen it) as versioned edits in one transaction.

    Plots locked by the decision take the outcome's status; reopening or choosing
    another outcome restores their status from before the decision first.
    Run the enrichment afterwards (``landreg enrich``) so road access uses the
    destinations the outcome builds or removes.

    Parameters
    ----------
    registry : EntityTables
        The registry the decision and its plots are in.
    decision_id : str
        Id of the decision.
    outcome : str
        An outcome name of the decision, or ``"pending"``.
    decided_on : date
        When the decision was taken (recorded on the decision and in each plot version).
    actor : str
        Recorded in every plot version.
    note : str, optional
        Added to each plot version's note.

    Returns
    -------
    DecisionResult

    Raises
    ------
    EntityNotFoundError, UnknownOutcomeError
    """
    result: DecisionResult = registry.record_decision(
        decision_id, outcome=outcome, decided_on=decided_on, actor=actor, note=note
    )
    return result


def with_decided_destinations(destinations: gpd.GeoDataFrame, decisions: Sequence[Decision]) -> gpd.GeoDataFrame:
    """A copy of the destinations layer as the decided outcomes leave it.

    Destinations an outcome builds get ``status = existing`` (a planned terminal
    becomes a destination the routing uses); those it removes get ``status = removed``
    and are never routed to (their access target gives no travel time).

    Parameters
    ----------
    destinations : GeoDataFrame
        The destinations layer with ``dest_id`` (and ``status``).
    decisions : sequence of Decision
        The registry's decisions; only decided ones change the layer.

    Returns
    -------
    GeoDataFrame
    """
    adds, removes = decided_destinations(decisions)
    if not adds and not removes:
        return destinations
    ids = destinations["dest_id"].astype(str).to_numpy()
    out = destinations.copy()
    status = np.array(out["status"] if "status" in out.columns else ["existing"] * len(out), dtype=object)
    status[np.isin(ids, adds)] = "existing"
    status[np.isin(ids, removes)] = REMOVED_STATUS
    out["status"] = status
    return out


def decisions_fingerprint(decisions: Sequence[Decision]) -> str | None:
    """A version string of the decided outcomes that change destinations (None when none do)."""
    adds, removes = decided_destinations(decisions)
    if not adds and not removes:
        return None
    text = json.dumps({"adds": sorted(adds), "removes": sorted(removes)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
