"""The steps of a site search (see :mod:`landreg.search.search`): relocation, candidates, size, ranking."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.clusters.contiguity import contiguous_blocks
from landreg.scenarios.apply import plots_of_firm, release_firm
from landreg.scoring.context import ScoringContext, unscoreable_columns
from landreg.scoring.criteria import limit_reasons
from landreg.scoring.profiles import Limit, ScoringProfile
from landreg.scoring.score import score_plots
from landreg.search.requirements import SiteRequirements

_MEAN = ("price_nok_m2", "slope_mean_deg", "synergy_score")
_MIN = ("hazard_safety", "readiness_rank", "road_ready", "main_road_distance_m")


def start_relocation(
    frame: gpd.GeoDataFrame, req: SiteRequirements
) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray, list[str], list[str]]:
    """Release the relocating firm's plots (when ``req.relocating``).

    Returns the plots with the firm moved out, the mask of plots that freed, the mask of the
    firm's own plots, the industry codes to search for (the firm's own when none are required)
    and the notes for the result.
    """
    own = np.zeros(len(frame), dtype=bool)
    industry = list(req.industry_nace)
    if not req.relocating:
        return frame, own, own, industry, []
    own = plots_of_firm(frame, firm=req.relocating)
    if not industry:
        industry = [
            o["nace"]
            for occ in frame.loc[own, "occupants"]
            for o in occ
            if o["name"].casefold() == req.relocating.casefold()
        ][:1]
    released, freed = release_firm(frame, firm=req.relocating)
    note = f"{req.relocating} (NACE {', '.join(industry)}) moves out of {int(own.sum())} plot(s)"
    return released, freed, own, industry, [note]


def candidate_sites(
    eligible: gpd.GeoDataFrame, req: SiteRequirements, *, targets: list[str], crs: Any
) -> gpd.GeoDataFrame:
    """Eligible plots as sites of their own, plus contiguous blocks of them when ``combine_adjacent``."""
    eligible["site_id"], eligible["kind"] = eligible["code"], "plot"
    eligible["codes"] = [[c] for c in eligible["code"]]
    eligible["plot_ids"] = [[p] for p in eligible["plot_id"]]
    eligible["area_daa"] = eligible["area_m2"] / 1000
    sites = eligible
    if req.combine_adjacent and len(eligible) > 1:
        found = blocks(eligible, req, targets)
        if len(found):
            sites = gpd.GeoDataFrame(pd.concat([eligible, found], ignore_index=True), geometry="geometry", crs=crs)
    return sites.reset_index(drop=True)


def size_exclusions(
    sites: gpd.GeoDataFrame, req: SiteRequirements, *, codes: np.ndarray, reasons: list[list[str]]
) -> tuple[np.ndarray, pd.DataFrame, dict[str, int]]:
    """Which sites fit ``min_daa``/``max_daa``, every exclusion (plots' ``reasons``, then sizes) and counts by kind."""
    size_reasons = (
        limit_reasons(
            sites, limits={"area_daa": Limit(min=req.min_daa, max=req.max_daa)}, labels={"area_daa": "size (daa)"}
        )
        if (req.min_daa or req.max_daa)
        else [[] for _ in range(len(sites))]
    )
    fits = np.array([not r for r in size_reasons], dtype=bool)
    excluded = pd.DataFrame({"code": codes, "kind": "plot", "reasons": [r for r in reasons if r]})
    small = pd.DataFrame(
        {
            "code": sites["site_id"].to_numpy()[~fits],
            "kind": sites["kind"].to_numpy()[~fits],
            "reasons": [r for r in size_reasons if r],
        }
    )
    excluded = pd.concat([excluded, small], ignore_index=True)
    summary: dict[str, int] = {}
    for rs in excluded["reasons"]:
        for key in {r.split(":")[0] for r in rs}:
            summary[key] = summary.get(key, 0) + 1
    return fits, excluded, summary


def ranked_sites(
    sites: gpd.GeoDataFrame,
    req: SiteRequirements,
    *,
    profile: ScoringProfile,
    plots: gpd.GeoDataFrame,
    targets: list[str],
) -> gpd.GeoDataFrame:
    """Score and rank the sites with ``profile``; the result table with minutes and explanations."""
    context = ScoringContext(not_applicable=unscoreable_columns(plots))  # ``plots``: every live plot
    scored = score_plots(sites, profile=profile, context=context) if len(sites) else None
    if scored is not None:
        out = scored.frame.sort_values("rank", kind="stable")
        labels = {c: profile.criteria[c].label for c in scored.criteria}
        out["helped"], out["held_back"] = explain(out, scored.criteria, labels)
    else:
        out = sites.assign(score=pd.Series(dtype=float), rank=pd.Series(dtype=float), helped=None, held_back=None)
    for t in targets:
        if (t in req.max_minutes or t in ("port", "motorway_junction")) and f"{t}_travel_time_s" in out:
            out[f"{t}_min"] = out[f"{t}_travel_time_s"] / 60
    keep = [
        "site_id",
        "kind",
        "codes",
        "plot_ids",
        "business_area_id",
        "municipality_no",
        "zoning",
        "area_daa",
        "score",
        "rank",
        *[c for c in out.columns if c.endswith("_min")],
        "price_nok_m2",
        "synergy_score",
        "helped",
        "held_back",
        "geometry",
    ]
    out = gpd.GeoDataFrame(out[[c for c in keep if c in out.columns]], geometry="geometry", crs=plots.crs)
    return out.reset_index(drop=True)


def plot_reasons(frame: pd.DataFrame, req: SiteRequirements) -> list[list[str]]:
    reasons: list[list[str]] = [[] for _ in range(len(frame))]
    status = frame["status"].astype(str).to_numpy()
    for i in np.flatnonzero(~np.isin(status, req.statuses)):
        reasons[i].append(f"status: {status[i]} is not one of {req.statuses}")
    for col, label, wanted in (
        ("municipality_no", "municipality", req.municipality_no),
        ("business_area_id", "business area", req.business_area_id),
    ):
        if wanted:
            values = frame[col].astype(object).to_numpy()
            for i in np.flatnonzero(~np.isin(values.astype(str), wanted)):
                reasons[i].append(f"{label}: {values[i]} is not one of {wanted}")
    if req.zoning:
        zoning = frame["zoning"].astype(object).to_numpy()
        for i in np.flatnonzero(~np.isin(zoning.astype(str), req.zoning)):
            reasons[i].append(f"zoning: {zoning[i]} is not one of {req.zoning}")
    limits: dict[str, Limit] = {}
    labels: dict[str, str] = {}
    for target, minutes in req.max_minutes.items():
        col = f"{target}_travel_time_s"
        limits[col] = Limit(max=minutes * 60)
        labels[col] = f"time to {target} (s)"
    if req.max_price_nok_m2 is not None:
        limits["price_nok_m2"] = Limit(max=req.max_price_nok_m2, allow_missing=True)
        labels["price_nok_m2"] = "price (NOK/m²)"
    for name, cap in (("quick_clay", req.max_quick_clay_share), ("flood", req.max_flood_share)):
        if cap is not None:
            limits[f"{name}_share"] = Limit(max=cap, allow_missing=req.allow_unchecked_hazards)
            labels[f"{name}_share"] = f"{name.replace('_', ' ')} share"
    for k, extra in enumerate(limit_reasons(frame, limits=limits, labels=labels)):
        reasons[k] += extra
    return reasons


def blocks(frame: gpd.GeoDataFrame, req: SiteRequirements, targets: list[str]) -> gpd.GeoDataFrame:
    labels = contiguous_blocks(frame, gap_m=req.gap_m, group_by="business_area_id")
    rows = []
    for _, g in frame.groupby(labels.to_numpy()):
        if len(g) < 2:
            continue
        w = g["area_m2"].to_numpy(dtype=float)
        row: dict[str, Any] = {
            c: g[c].iloc[0] for c in ("business_area_id", "municipality_no", "municipality_name") if c in g
        }
        row.update(
            {
                "site_id": "+".join(g["code"]),
                "kind": "block",
                "codes": list(g["code"]),
                "plot_ids": list(g["plot_id"]),
                "area_m2": w.sum(),
                "area_daa": w.sum() / 1000,
                "zoning": ",".join(sorted(set(g["zoning"].astype(str)))),
                "status": "available",
                "geometry": shapely.union_all(g.geometry.to_numpy()),
            }
        )
        for c in _MEAN:
            if c not in g:
                continue
            v = g[c].to_numpy(dtype=float)
            ok = np.isfinite(v)
            row[c] = float((v[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else np.nan
        for c in _MIN:
            if c in g:
                row[c] = float(g[c].min())
        for t in targets:
            if f"{t}_travel_time_s" in g:
                row[f"{t}_travel_time_s"] = float(g[f"{t}_travel_time_s"].max())
        rows.append(row)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=frame.crs) if rows else frame.iloc[:0].copy()


def explain(frame: pd.DataFrame, criteria: list[str], labels: dict[str, str]) -> tuple[list, list]:
    helped, held = [], []
    contrib = frame[[f"contrib_{c}" for c in criteria]].to_numpy()
    values = frame[[f"value_{c}" for c in criteria]].to_numpy()
    for crow, vrow in zip(contrib, values, strict=True):
        order = np.argsort(-crow)
        helped.append([f"{labels[criteria[j]]} (+{crow[j]:.1f} pts, {vrow[j]:.2f})" for j in order[:3]])
        weak = [j for j in np.argsort(vrow) if vrow[j] < 0.5][:2]
        held.append([f"{labels[criteria[j]]} ({vrow[j]:.2f} of 1)" for j in weak])
    return helped, held
