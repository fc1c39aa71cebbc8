"""Cluster scores per business area and per plot: land by status, contiguous blocks, firms, access, synergy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.clusters.colocation import synergy_scores
from landreg.clusters.contiguity import DEFAULT_GAP_M, block_areas_daa, contiguous_blocks
from landreg.clusters.firms import firms_from_plots
from landreg.clusters.industries import is_related, related_codes
from landreg.json_values import frame_records

STATUSES = ("available", "planned", "locked", "reserved", "sold")
_ACCESS = ("motorway_junction", "port", "city_centre", "freight_terminal")


@dataclass
class ClusterScores:
    """Cluster scores of business areas and their plots.

    Attributes
    ----------
    areas : DataFrame
        One row per business area (see :func:`cluster_scores`).
    plots : DataFrame
        Per plot: ``block_id`` and ``block_area_daa`` of its contiguous available block (NaN
        when not available) and ``synergy_score`` for the industry.
    industry_nace : list of str
    gap_m : float
    """

    areas: pd.DataFrame
    plots: pd.DataFrame
    industry_nace: list[str]
    gap_m: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable."""
        return {
            "industry_nace": self.industry_nace,
            "gap_m": self.gap_m,
            "areas": frame_records(self.areas),
            "plots": frame_records(self.plots),
        }


def available_blocks(
    plots: pd.DataFrame, *, gap_m: float = DEFAULT_GAP_M, statuses: Sequence[str] = ("available",)
) -> pd.DataFrame:
    """Contiguous blocks of plots with a status in ``statuses`` (within each business area).

    Returns
    -------
    DataFrame
        Indexed like ``plots``: ``block_id`` (-1 for other plots) and ``block_area_daa`` (NaN).
    """
    mask = plots["status"].astype(str).isin(statuses).to_numpy()
    out = pd.DataFrame({"block_id": -1, "block_area_daa": np.nan}, index=plots.index)
    if mask.any():
        sub = plots[mask]
        group = "business_area_id" if "business_area_id" in sub.columns else None
        labels = contiguous_blocks(sub, gap_m=gap_m, group_by=group)
        out.loc[sub.index, "block_id"] = labels.to_numpy()
        out.loc[sub.index, "block_area_daa"] = block_areas_daa(sub, labels=labels).to_numpy()
    return out


def _entropy(counts: pd.Series) -> float:
    p = counts[counts > 0] / counts.sum() if counts.sum() > 0 else counts[:0]
    if len(p) <= 1:
        return 0.0
    return float(-(p * np.log(p)).sum() / np.log(len(p)))


def cluster_scores(
    plots: gpd.GeoDataFrame,
    *,
    areas: gpd.GeoDataFrame | None = None,
    firms: gpd.GeoDataFrame | None = None,
    industry_nace: Iterable[str] = (),
    gap_m: float = DEFAULT_GAP_M,
) -> ClusterScores:
    """Scores of each business area as a cluster, and the per-plot block and synergy.

    Parameters
    ----------
    plots : GeoDataFrame
        Enriched plots (EPSG:25832) with ``status``, ``area_m2``, ``business_area_id``, ``occupants``.
    areas : GeoDataFrame, optional
        Business areas (names, firms not placed on plots).
    firms : GeoDataFrame, optional
        Default :func:`~landreg.clusters.firms.firms_from_plots` of ``plots`` and ``areas``.
    industry_nace : iterable of str
        The industry whose "good neighbours" are scored (e.g. ``["46.72"]`` for a steel trader).
    gap_m : float
        Plots within this gap merge into one contiguous block.

    Returns
    -------
    ClusterScores
        ``areas`` columns: ``area_id``, ``name``, ``municipality_no``, ``n_plots``, ``total_daa``,
        ``<status>_daa`` per status, ``largest_block_daa``, ``n_blocks``, ``occupancy`` (share of
        decares sold or reserved), ``n_firms``, ``employees``, ``top_divisions``, ``industry_diversity``
        (normalised Shannon entropy of divisions by firm count), ``related_firms``, ``related_share``,
        ``colocation_quotient`` (related share / regional share), ``synergy_score`` (q / (1 + q)),
        ``<target>_median_min`` (median travel time of its plots).
    """
    industry = [str(c) for c in industry_nace]
    firms = firms if firms is not None else firms_from_plots(plots, areas=areas)
    codes = related_codes(industry)
    related = is_related(firms["nace"].to_numpy(), codes) if codes else np.ones(len(firms), dtype=bool)
    regional_share = related.mean() if len(firms) else np.nan
    blocks = available_blocks(plots, gap_m=gap_m)
    per_plot = blocks.copy()
    per_plot.insert(0, "code", plots["code"].to_numpy() if "code" in plots.columns else None)
    per_plot.insert(0, "plot_id", plots["plot_id"].to_numpy() if "plot_id" in plots.columns else None)
    per_plot["business_area_id"] = plots["business_area_id"].to_numpy()
    per_plot["synergy_score"] = synergy_scores(plots, industry_nace=industry, firms=firms).to_numpy()
    daa = plots["area_m2"].to_numpy(dtype=float) / 1000.0
    frame = pd.DataFrame(
        {
            "area_id": plots["business_area_id"].astype(object).to_numpy(),
            "status": plots["status"].astype(str).to_numpy(),
            "daa": daa,
            "block_id": blocks["block_id"].to_numpy(),
            "block_daa": blocks["block_area_daa"].to_numpy(),
        }
    )
    for t in _ACCESS:
        col = f"{t}_travel_time_s"
        frame[t] = plots[col].to_numpy(dtype=float) / 60 if col in plots.columns else np.nan
    rows = []
    for area_id, g in frame.groupby("area_id", dropna=False, sort=True):
        f_area = firms[firms["business_area_id"] == area_id]
        rel = related[(firms["business_area_id"] == area_id).to_numpy()]
        share = rel.mean() if len(rel) else np.nan
        q = share / regional_share if regional_share and regional_share > 0 and len(rel) else np.nan
        by_status = g.groupby("status")["daa"].sum()
        avail = g[g["block_id"] >= 0]
        row = {"area_id": area_id, "n_plots": len(g), "total_daa": g["daa"].sum()}
        row.update({f"{s}_daa": float(by_status.get(s, 0.0)) for s in STATUSES})
        row["largest_block_daa"] = float(avail["block_daa"].max()) if len(avail) else 0.0
        row["n_blocks"] = int(avail["block_id"].nunique())
        row["occupancy"] = (row["sold_daa"] + row["reserved_daa"]) / row["total_daa"] if row["total_daa"] else np.nan
        divisions = f_area["division"].value_counts()
        row["n_firms"] = len(f_area)
        row["employees"] = float(f_area["employees"].sum())
        row["top_divisions"] = divisions.head(3).index.tolist()
        row["industry_diversity"] = _entropy(divisions)
        row["related_firms"] = int(rel.sum())
        row["related_share"] = share
        row["colocation_quotient"] = q
        row["synergy_score"] = q / (1 + q) if np.isfinite(q) else np.nan
        for t in _ACCESS:
            row[f"{t}_median_min"] = float(g[t].median())
        rows.append(row)
    out = pd.DataFrame(rows)
    if areas is not None and len(out):
        names = areas.set_index("area_id")
        out.insert(1, "name", out["area_id"].map(names["name"]))
        out.insert(2, "municipality_no", out["area_id"].map(names["municipality_no"]))
    return ClusterScores(areas=out, plots=per_plot, industry_nace=industry, gap_m=gap_m)
