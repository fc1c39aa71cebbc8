"""Scores and effective supply read from the results kept in the registry (:mod:`landreg.results.refresh`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.results.refresh import _PARAMS, refresh_results
from landreg.results.store import ResultsTable
from landreg.scoring.context import ScoringContext
from landreg.scoring.profiles import load_profile
from landreg.scoring.score import ScoreResult
from landreg.supply.effective import SupplyResult, discount_supply, summarise_supply

_SUPPLY_COLUMNS = [
    "plot_id",
    "code",
    "municipality_no",
    "municipality_name",
    "business_area_id",
    "status",
    "readiness",
    "area_daa",
    "score",
    "block_area_daa",
]


def supports_stored_results(registry: Any) -> bool:
    """Whether ``registry`` can keep results (an open GeoPackage or PostGIS registry)."""
    return getattr(registry, "backend", None) in ("geopackage", "postgis") and hasattr(registry, "_write_transaction")


def stored_supply(
    registry: Any,
    *,
    profile: str = "general",
    uptake_daa_per_year: float | None = None,
    uptake_by_municipality: Mapping[str, float] | None = None,
) -> SupplyResult:
    """Effective supply of ``profile`` from the stored results, brought up to date first.

    Equal to :func:`landreg.supply.effective_supply` of every live enriched plot scored with the
    registry's scoring context; only the plots changed since the last call are rescored.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        An open, enriched registry.
    profile : str
        A built-in profile name.
    uptake_daa_per_year, uptake_by_municipality
        As for :func:`landreg.supply.effective_supply`.

    Returns
    -------
    SupplyResult
    """
    refresh_results(registry, profile=profile)
    prof = load_profile(profile)
    table = ResultsTable(registry)
    rows = table.rows(prof.name, _SUPPLY_COLUMNS)
    frame = pd.DataFrame(rows, columns=_SUPPLY_COLUMNS)
    for col in ("plot_id", "code", "municipality_no", "municipality_name", "business_area_id", "readiness"):
        frame[col] = frame[col].astype(object)
    frame["status"] = frame["status"].astype(str)
    frame["area_daa"] = frame["area_daa"].astype(float)
    frame.insert(frame.columns.get_loc("score"), "in_supply", frame["status"].isin(_PARAMS.supply_statuses))
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    frame["block_area_daa"] = pd.to_numeric(frame["block_area_daa"], errors="coerce").astype(float)
    frame = discount_supply(frame, params=_PARAMS)
    state = table.load_state(prof.name) or {}
    not_applicable = ScoringContext(not_applicable=state.get("not_applicable", {})).criteria_not_applicable(prof)
    record = ScoreResult(
        frame=gpd.GeoDataFrame(), profile=prof, values=np.empty((0, 0)), not_applicable=not_applicable
    ).record()
    return summarise_supply(
        frame,
        profile_record=record,
        params=_PARAMS,
        uptake_daa_per_year=uptake_daa_per_year,
        uptake_by_municipality=uptake_by_municipality,
    )
