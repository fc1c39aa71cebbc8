"""Effective supply of business land: decares by status, and decares discounted by quality.

For each plot whose status counts as supply (``available`` by default)::

    effective_daa = area_daa × score / 100 × readiness_factor × contiguity_factor

* ``score`` is the plot's attractiveness under a profile (0 when a hard limit excludes it);
* ``readiness_factor`` discounts land that is not yet ready (raw 0.4, zoned 0.6,
  serviced 0.85, build-ready 1.0 by default — time and cost to get it ready);
* ``contiguity_factor = min(1, block_daa / min_block_daa)``: land in a small
  contiguous block is worth less for firms that need room to grow (10 daa by default).

``attractive_daa`` counts supply plots with ``score >= attractive_score``.  Years of
supply divide decares by a yearly uptake (daa per year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from landreg.clusters.area_scores import STATUSES, available_blocks
from landreg.clusters.contiguity import DEFAULT_GAP_M
from landreg.errors import Problem, ValidationError
from landreg.json_values import frame_records, json_value
from landreg.municipalities import known_municipalities_text, municipality_no_from_ref
from landreg.scoring.profiles import ScoringProfile
from landreg.scoring.score import ScoreResult, score_plots

#: Columns of :attr:`SupplyResult.plots`, in order.
PLOT_COLUMNS = (
    "plot_id",
    "code",
    "municipality_no",
    "municipality_name",
    "business_area_id",
    "status",
    "readiness",
    "area_daa",
    "in_supply",
    "score",
    "readiness_factor",
    "block_area_daa",
    "contiguity_factor",
    "effective_daa",
)
DEFAULT_READINESS_FACTORS: dict[str, float] = {"raw": 0.4, "zoned": 0.6, "serviced": 0.85, "build_ready": 1.0}


@dataclass(frozen=True)
class SupplyParams:
    """Parameters of the effective-supply discount (recorded with every result)."""

    supply_statuses: tuple[str, ...] = ("available",)
    readiness_factors: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_READINESS_FACTORS))
    min_block_daa: float = 10.0
    gap_m: float = DEFAULT_GAP_M
    attractive_score: float = 60.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable."""
        return {
            "supply_statuses": list(self.supply_statuses),
            "readiness_factors": dict(self.readiness_factors),
            "min_block_daa": self.min_block_daa,
            "gap_m": self.gap_m,
            "attractive_score": self.attractive_score,
        }


@dataclass
class SupplyResult:
    """Supply per plot, per municipality, per business area and for the region.

    Attributes
    ----------
    plots : DataFrame
        Per plot: ``area_daa``, ``status``, ``in_supply``, ``score``, ``readiness_factor``,
        ``block_area_daa``, ``contiguity_factor``, ``effective_daa`` (:data:`PLOT_COLUMNS`).  Empty
        when the sums were read from results kept in the registry
        (:func:`landreg.results.stored_supply`; ``with_plots=True`` reads them too).
    municipalities, areas : DataFrame
        ``<status>_daa`` per status, ``supply_daa``, ``effective_daa``, ``attractive_daa``,
        ``effective_share`` and, with an uptake, ``years_nominal`` / ``years_effective``.
    region : dict
    profile : dict
        The score's profile record.
    params : SupplyParams
    uptake_daa_per_year : float or None
    """

    plots: pd.DataFrame
    municipalities: pd.DataFrame
    areas: pd.DataFrame
    region: dict[str, Any]
    profile: dict[str, Any]
    params: SupplyParams
    uptake_daa_per_year: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable."""
        return {
            "profile": self.profile,
            "params": self.params.to_dict(),
            "uptake_daa_per_year": self.uptake_daa_per_year,
            "region": json_value(self.region),
            "municipalities": frame_records(self.municipalities),
            "areas": frame_records(self.areas),
        }

    def to_text(self) -> str:
        """A short summary for the terminal."""
        r = self.region
        line = (
            f"region: {r['supply_daa']:,.0f} daa in supply ({', '.join(self.params.supply_statuses)}), "
            f"{r['effective_daa']:,.0f} effective daa ({r['effective_share']:.0%}), "
            f"{r['attractive_daa']:,.0f} daa scoring >= {self.params.attractive_score:.0f}"
        )
        if self.uptake_daa_per_year:
            line += (
                f"; at {self.uptake_daa_per_year:,.0f} daa/year: {r['years_nominal']:.1f} years nominal, "
                f"{r['years_effective']:.1f} years effective"
            )
        return line


def _summarise(parts: pd.DataFrame, key: str, uptake: Mapping[str, float] | float | None) -> pd.DataFrame:
    by_status = parts.pivot_table(
        index=key, columns="status", values="area_daa", aggfunc="sum", fill_value=0.0, dropna=False
    )
    out = pd.DataFrame(index=by_status.index)
    for s in STATUSES:
        out[f"{s}_daa"] = by_status[s] if s in by_status.columns else 0.0
    grouped = parts.groupby(key, dropna=False)
    for column in ("supply_daa", "effective_daa", "attractive_daa"):
        out[column] = grouped[column].sum()
    out["effective_share"] = np.where(
        out["supply_daa"] > 0, out["effective_daa"] / out["supply_daa"].where(out["supply_daa"] > 0), np.nan
    )
    if uptake is not None and isinstance(uptake, Mapping):
        rate = pd.Series(out.index.map(lambda k: uptake.get(str(k), np.nan)), index=out.index, dtype=float)
        out["uptake_daa_per_year"] = rate
        out["years_nominal"] = out["supply_daa"] / rate
        out["years_effective"] = out["effective_daa"] / rate
    return out.reset_index()


def supply_parts(frame: pd.DataFrame, *, params: SupplyParams) -> pd.DataFrame:
    """Per plot the decares that count towards each sum: ``area_daa`` (by status), ``supply_daa``,
    ``attractive_daa`` and ``effective_daa``, with the grouping columns (the input of :func:`summarise_supply`).
    """
    in_supply = frame["in_supply"].to_numpy(dtype=bool)
    area = frame["area_daa"].to_numpy(dtype=float)
    attractive = in_supply & (frame["score"].to_numpy(dtype=float) >= params.attractive_score)
    keys = [c for c in ("municipality_no", "municipality_name", "business_area_id", "status") if c in frame.columns]
    parts = frame[keys].copy()
    parts["area_daa"] = area
    parts["supply_daa"] = np.where(in_supply, area, 0.0)
    parts["attractive_daa"] = np.where(attractive, area, 0.0)
    parts["effective_daa"] = frame["effective_daa"].to_numpy(dtype=float)
    return parts


def _uptake_by_number(uptake: Mapping[str, float] | None) -> dict[str, float] | None:
    """Uptake keyed by kommunenummer; municipalities may be given by name, unknown ones are refused."""
    if not uptake:
        return None
    unknown = [key for key in uptake if municipality_no_from_ref(str(key)) is None]
    if unknown:
        message = (
            f"unknown municipality {', '.join(map(repr, unknown))}; expected a kommunenummer or name, "
            f"one of: {known_municipalities_text()}"
        )
        problem = Problem("uptake", "uptake_by_municipality", message, whole_input=True)
        raise ValidationError([problem], context="uptake by municipality", wrote_nothing=False)
    return {str(municipality_no_from_ref(str(key))): float(value) for key, value in uptake.items()}


def discount_supply(frame: pd.DataFrame, *, params: SupplyParams) -> pd.DataFrame:
    """``frame`` with ``readiness_factor``, ``contiguity_factor`` and ``effective_daa`` set (in place).

    Parameters
    ----------
    frame : DataFrame
        Per plot: ``readiness``, ``area_daa``, ``in_supply``, ``score`` and ``block_area_daa``
        (NaN outside a block of supply plots).
    params : SupplyParams
        The readiness factors and the block size of full value.

    Returns
    -------
    DataFrame
        ``frame``, columns in the order of :attr:`SupplyResult.plots`.
    """
    block = frame.pop("block_area_daa")
    frame["readiness_factor"] = frame["readiness"].astype(str).map(dict(params.readiness_factors)).astype(float)
    frame["block_area_daa"] = block
    frame["contiguity_factor"] = np.minimum(1.0, frame["block_area_daa"] / params.min_block_daa).fillna(0.0)
    eff = (
        frame["area_daa"]
        * np.nan_to_num(frame["score"].to_numpy(dtype=float), nan=0.0)
        / 100.0
        * frame["readiness_factor"].fillna(0.0)
        * frame["contiguity_factor"]
    )
    frame["effective_daa"] = np.where(frame["in_supply"], eff, 0.0)
    return frame


def effective_supply(
    plots: pd.DataFrame,
    *,
    scores: ScoreResult | None = None,
    profile: str | ScoringProfile = "general",
    uptake_daa_per_year: float | None = None,
    uptake_by_municipality: Mapping[str, float] | None = None,
    params: SupplyParams | None = None,
) -> SupplyResult:
    """Decares by status and effective decares per municipality, business area and region.

    Parameters
    ----------
    plots : GeoDataFrame
        Enriched plots (EPSG:25832).
    scores : ScoreResult, optional
        Scores of the same plots (same index); computed with ``profile`` when absent.
    profile : str or ScoringProfile
        Scoring profile for the scores when ``scores`` is None.
    uptake_daa_per_year : float, optional
        Regional yearly uptake; gives the region's years of supply.
    uptake_by_municipality : mapping, optional
        Municipality (kommunenummer or name) -> daa per year; gives each municipality's years of supply.
    params : SupplyParams, optional
        Statuses counted and discount factors (default values when None).

    Returns
    -------
    SupplyResult
    """
    params = params or SupplyParams()
    uptake_by_municipality = _uptake_by_number(uptake_by_municipality)
    scores = scores or score_plots(plots, profile=profile)
    frame = pd.DataFrame(index=plots.index)
    for col in ("plot_id", "code", "municipality_no", "municipality_name", "business_area_id", "status", "readiness"):
        if col in plots.columns:
            frame[col] = plots[col].astype(object).to_numpy()
    frame["status"] = frame["status"].astype(str)
    frame["area_daa"] = plots["area_m2"].to_numpy(dtype=float) / 1000.0
    frame["in_supply"] = frame["status"].isin(params.supply_statuses).to_numpy()
    frame["score"] = scores.frame["score"].reindex(plots.index).to_numpy(dtype=float)
    blocks = available_blocks(plots, gap_m=params.gap_m, statuses=params.supply_statuses)
    frame["block_area_daa"] = blocks["block_area_daa"].to_numpy()
    frame = discount_supply(frame, params=params)
    return summarise_supply(
        supply_parts(frame, params=params),
        plots=frame,
        profile_record=scores.record(),
        params=params,
        uptake_daa_per_year=uptake_daa_per_year,
        uptake_by_municipality=uptake_by_municipality,
    )


def summarise_supply(
    parts: pd.DataFrame,
    *,
    profile_record: dict[str, Any],
    plots: pd.DataFrame | None = None,
    params: SupplyParams | None = None,
    uptake_daa_per_year: float | None = None,
    uptake_by_municipality: Mapping[str, float] | None = None,
) -> SupplyResult:
    """Supply per municipality, business area and region from decares summed per plot or per group of plots.

    Parameters
    ----------
    parts : DataFrame
        Rows of :func:`supply_parts` (one per plot), or their sums by ``municipality_no``,
        ``municipality_name``, ``business_area_id`` and ``status`` (e.g. summed in the registry by
        :mod:`landreg.results`).
    profile_record : dict
        The record of the scores' profile (:meth:`ScoreResult.record`).
    plots : DataFrame, optional
        The per-plot frame kept as :attr:`SupplyResult.plots` (empty when not given).
    params : SupplyParams, optional
        The parameters the parts were computed with.
    uptake_daa_per_year, uptake_by_municipality
        As for :func:`effective_supply`.

    Returns
    -------
    SupplyResult
    """
    params = params or SupplyParams()
    uptake_by_municipality = _uptake_by_number(uptake_by_municipality)
    munis = _summarise(parts, "municipality_no", uptake_by_municipality)
    if "municipality_name" in parts.columns:
        names = parts.groupby("municipality_no")["municipality_name"].first()
        munis.insert(1, "municipality_name", munis["municipality_no"].map(names))
    areas = _summarise(parts, "business_area_id", None)
    supply = float(parts["supply_daa"].sum())
    effective = float(parts["effective_daa"].sum())
    region: dict[str, Any] = {f"{s}_daa": float(parts.loc[parts["status"] == s, "area_daa"].sum()) for s in STATUSES}
    region.update(
        {
            "supply_daa": supply,
            "effective_daa": effective,
            "attractive_daa": float(parts["attractive_daa"].sum()),
            "effective_share": effective / supply if supply else float("nan"),
        }
    )
    if uptake_daa_per_year:
        region["years_nominal"] = supply / uptake_daa_per_year
        region["years_effective"] = effective / uptake_daa_per_year
    return SupplyResult(
        plots=plots if plots is not None else pd.DataFrame(columns=PLOT_COLUMNS),
        municipalities=munis,
        areas=areas,
        region=region,
        profile=profile_record,
        params=params,
        uptake_daa_per_year=uptake_daa_per_year,
    )
