"""Effective supply read from the results kept in the registry (:mod:`landreg.results.refresh`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.results.refresh import _PARAMS, refresh_results
from landreg.results.store import RESULTS, ResultsTable
from landreg.scoring.context import ScoringContext
from landreg.scoring.profiles import load_profile
from landreg.scoring.score import ScoreResult
from landreg.supply.effective import PLOT_COLUMNS, SupplyResult, discount_supply, summarise_supply

_PART_COLUMNS = [
    "municipality_no",
    "municipality_name",
    "business_area_id",
    "status",
    "area_daa",
    "supply_daa",
    "attractive_daa",
    "effective_daa",
]


def supports_stored_results(registry: Any) -> bool:
    """Whether ``registry`` can keep results (an open GeoPackage or PostGIS registry)."""
    return getattr(registry, "backend", None) in ("geopackage", "postgis") and hasattr(registry, "_write_transaction")


def _parts(table: ResultsTable, profile: str) -> pd.DataFrame:
    """The decares of the stored plots summed in SQL by municipality, business area and status."""
    statuses = list(_PARAMS.supply_statuses)
    in_supply = f"status IN ({', '.join('?' * len(statuses))})"
    sql = (
        "SELECT municipality_no, min(municipality_name), business_area_id, status, sum(area_daa), "
        f"sum(CASE WHEN {in_supply} THEN area_daa ELSE 0 END), "
        f"sum(CASE WHEN {in_supply} AND score >= ? THEN area_daa ELSE 0 END), sum(effective_daa) "
        f'FROM "{RESULTS}" WHERE profile = ? GROUP BY municipality_no, business_area_id, status'
    )
    rows = table.read(sql, (*statuses, *statuses, _PARAMS.attractive_score, profile))
    parts = pd.DataFrame(rows, columns=_PART_COLUMNS)
    for col in _PART_COLUMNS[4:]:
        parts[col] = pd.to_numeric(parts[col]).astype(float)
    parts["status"] = parts["status"].astype(str)
    return parts


def _plots(table: ResultsTable, profile: str) -> pd.DataFrame:
    """The per-plot supply frame of the stored plots, as :attr:`SupplyResult.plots`."""
    columns = [c for c in PLOT_COLUMNS if c not in ("in_supply", "readiness_factor", "contiguity_factor")]
    columns.remove("effective_daa")
    frame = pd.DataFrame(table.rows(profile, columns), columns=columns)
    frame["status"] = frame["status"].astype(str)
    frame.insert(frame.columns.get_loc("score"), "in_supply", frame["status"].isin(_PARAMS.supply_statuses))
    for col in ("area_daa", "score", "block_area_daa"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return discount_supply(frame, params=_PARAMS)


def stored_supply(
    registry: Any,
    *,
    profile: str = "general",
    uptake_daa_per_year: float | None = None,
    uptake_by_municipality: Mapping[str, float] | None = None,
    with_plots: bool = False,
) -> SupplyResult:
    """Effective supply of ``profile`` from the stored results, brought up to date first.

    Equal to :func:`landreg.supply.effective_supply` of every live enriched plot scored with the
    registry's scoring context; only the plots changed since the last call are rescored, and the
    sums are taken in the registry's database.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        An open, enriched registry.
    profile : str
        A built-in profile name.
    uptake_daa_per_year, uptake_by_municipality
        As for :func:`landreg.supply.effective_supply`.
    with_plots : bool
        Also read the per-plot frame (:attr:`SupplyResult.plots`; empty otherwise).

    Returns
    -------
    SupplyResult
    """
    refresh_results(registry, profile=profile)
    prof = load_profile(profile)
    table = ResultsTable(registry)
    state = table.load_state(prof.name) or {}
    not_applicable = ScoringContext(not_applicable=state.get("not_applicable", {})).criteria_not_applicable(prof)
    record = ScoreResult(
        frame=gpd.GeoDataFrame(), profile=prof, values=np.empty((0, 0)), not_applicable=not_applicable
    ).record()
    return summarise_supply(
        _parts(table, prof.name),
        plots=_plots(table, prof.name) if with_plots else None,
        profile_record=record,
        params=_PARAMS,
        uptake_daa_per_year=uptake_daa_per_year,
        uptake_by_municipality=uptake_by_municipality,
    )
