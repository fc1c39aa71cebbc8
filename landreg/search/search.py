"""Site search: a firm's requirements -> ranked sites with explanations; relocation frees land back into supply.

1. Every plot is checked against the per-plot requirements (status, zoning, travel
   times, price, hazards); each failure is kept as a reason.
2. Eligible plots are sites on their own, and (``combine_adjacent``) contiguous blocks
   of eligible plots in one business area are sites too: area summed, price
   area-weighted, travel times the worst of the block, hazards and readiness the
   worst, slope area-weighted.
3. Sites outside ``min_daa``/``max_daa`` are dropped with the reason; the rest are scored
   with the profile and ranked.  Each site says which criteria helped most and which
   held it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.clusters.colocation import synergy_scores
from landreg.clusters.contiguity import contiguous_blocks
from landreg.clusters.firms import firms_from_plots
from landreg.enrich.routing import DEFAULT_TARGETS
from landreg.errors import EntityNotFoundError, Problem, ValidationError
from landreg.json_values import frame_records, json_value
from landreg.scenarios.apply import plots_of_firm, release_firm
from landreg.scoring.context import ScoringContext, unscoreable_columns
from landreg.scoring.criteria import derive_criterion_columns, limit_reasons
from landreg.scoring.profiles import Limit, load_profile
from landreg.scoring.score import score_plots
from landreg.search.relocation import relocation_supply, relocation_text
from landreg.search.requirements import SiteRequirements

_MEAN = ("price_nok_m2", "slope_mean_deg", "synergy_score")
_MIN = ("hazard_safety", "readiness_rank", "road_ready", "main_road_distance_m")


@dataclass
class SearchResult:
    """Ranked sites, the plots left out and why, and what a relocation frees.

    Attributes
    ----------
    sites : GeoDataFrame
        ``site_id``, ``kind`` (plot / block), ``codes``, ``plot_ids``, ``business_area_id``,
        ``municipality_no``, ``area_daa``, ``score``, ``rank``, ``<target>_min`` for the required
        targets, ``price_nok_m2``, ``helped`` and ``held_back`` (criterion texts); EPSG:25832.
    excluded : DataFrame
        Plots (and sites) that failed a requirement: ``code``, ``reasons``.
    exclusion_summary : dict
        Requirement -> number of plots/sites it excluded.
    relocation : dict or None
        Firm, freed plots and decares, supply before/after in its area and municipality.
    requirements : SiteRequirements
    profile : dict
    """

    sites: gpd.GeoDataFrame
    excluded: pd.DataFrame
    exclusion_summary: dict[str, int]
    requirements: SiteRequirements
    profile: dict[str, Any]
    relocation: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self, *, limit: int | None = 50) -> dict[str, Any]:
        """JSON-serialisable (the best ``limit`` sites)."""
        cols = [c for c in self.sites.columns if c != "geometry"]
        return {
            "requirements": self.requirements.model_dump(),
            "profile": self.profile,
            "n_sites": len(self.sites),
            "sites": frame_records(self.sites.head(limit), columns=cols),
            "exclusion_summary": self.exclusion_summary,
            "relocation": json_value(self.relocation),
            "notes": self.notes,
        }

    def to_text(self, *, top: int = 10) -> str:
        """A readable summary for the terminal."""
        lines = [f"{len(self.sites)} site(s) meet the requirements (profile {self.profile['profile']})"]
        if self.exclusion_summary:
            lines.append("left out: " + "; ".join(f"{k}: {v}" for k, v in self.exclusion_summary.items()))
        if self.relocation:
            lines += relocation_text(self.relocation)
        for _, s in self.sites.head(top).iterrows():
            times = ", ".join(f"{c[:-4]} {s[c]:.0f} min" for c in self.sites.columns if c.endswith("_min"))
            lines.append(
                f"#{int(s['rank'])} {s['site_id']} ({s['kind']}, {s['business_area_id']}): "
                f"{s['area_daa']:.1f} daa, score {s['score']:.1f}; {times}"
            )
            lines.append(f"    helped: {'; '.join(s['helped'])}")
            if s["held_back"]:
                lines.append(f"    held back: {'; '.join(s['held_back'])}")
        return "\n".join(lines)


def _plot_reasons(frame: pd.DataFrame, req: SiteRequirements) -> list[list[str]]:
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


def _blocks(frame: gpd.GeoDataFrame, req: SiteRequirements, targets: list[str]) -> gpd.GeoDataFrame:
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


def _explain(frame: pd.DataFrame, criteria: list[str], labels: dict[str, str]) -> tuple[list, list]:
    helped, held = [], []
    contrib = frame[[f"contrib_{c}" for c in criteria]].to_numpy()
    values = frame[[f"value_{c}" for c in criteria]].to_numpy()
    for crow, vrow in zip(contrib, values, strict=True):
        order = np.argsort(-crow)
        helped.append([f"{labels[criteria[j]]} (+{crow[j]:.1f} pts, {vrow[j]:.2f})" for j in order[:3]])
        weak = [j for j in np.argsort(vrow) if vrow[j] < 0.5][:2]
        held.append([f"{labels[criteria[j]]} ({vrow[j]:.2f} of 1)" for j in weak])
    return helped, held


def search_sites(
    plots: gpd.GeoDataFrame,
    *,
    requirements: SiteRequirements,
    areas: gpd.GeoDataFrame | None = None,
    profiles: Mapping[str, Any] | None = None,
) -> SearchResult:
    """Ranked sites for a firm's requirements (see the module docstring).

    Parameters
    ----------
    plots : GeoDataFrame
        Enriched plots (EPSG:25832); not modified.
    requirements : SiteRequirements
    areas : GeoDataFrame, optional
        Business areas (their firms count as neighbours).
    profiles : mapping, optional
        Custom profile definitions (:func:`~landreg.scoring.profiles.load_definitions`) in which
        ``requirements.profile`` is looked up (default: the built-in profiles).

    Returns
    -------
    SearchResult

    Raises
    ------
    FirmNotFoundError
        When ``relocating`` names no occupant.
    UnknownProfileError
    """
    req = requirements.model_copy(update={"business_area_id": _area_ids(requirements.business_area_id, plots, areas)})
    profile = load_profile(req.profile, definitions=profiles)
    frame = plots.copy()
    relocation = None
    notes: list[str] = []
    own = np.zeros(len(frame), dtype=bool)
    released, freed = frame, own
    industry = list(req.industry_nace)
    if req.relocating:
        own = plots_of_firm(frame, firm=req.relocating)
        if not industry:
            industry = [
                o["nace"]
                for occ in frame.loc[own, "occupants"]
                for o in occ
                if o["name"].casefold() == req.relocating.casefold()
            ][:1]
        released, freed = release_firm(frame, firm=req.relocating)
        frame = released
        notes.append(f"{req.relocating} (NACE {', '.join(industry)}) moves out of {int(own.sum())} plot(s)")
    frame = derive_criterion_columns(frame, unchecked_hazard=profile.unchecked_hazard)
    firms = firms_from_plots(frame, areas=areas)
    frame["synergy_score"] = synergy_scores(
        frame, industry_nace=industry or profile.industry_nace, firms=firms
    ).to_numpy()
    reasons = _plot_reasons(frame, req)
    for i in np.flatnonzero(own):
        reasons[i].append(f"own plot: {req.relocating} is moving out of it")
    ok = np.array([not r for r in reasons])
    eligible = frame[ok].copy()
    eligible["site_id"], eligible["kind"] = eligible["code"], "plot"
    eligible["codes"] = [[c] for c in eligible["code"]]
    eligible["plot_ids"] = [[p] for p in eligible["plot_id"]]
    eligible["area_daa"] = eligible["area_m2"] / 1000
    targets = [t.name for t in DEFAULT_TARGETS]
    sites = eligible
    if req.combine_adjacent and len(eligible) > 1:
        blocks = _blocks(eligible, req, targets)
        if len(blocks):
            sites = gpd.GeoDataFrame(
                pd.concat([eligible, blocks], ignore_index=True), geometry="geometry", crs=plots.crs
            )
    sites = sites.reset_index(drop=True)
    size_reasons = (
        limit_reasons(
            sites, limits={"area_daa": Limit(min=req.min_daa, max=req.max_daa)}, labels={"area_daa": "size (daa)"}
        )
        if (req.min_daa or req.max_daa)
        else [[] for _ in range(len(sites))]
    )
    fits = np.array([not r for r in size_reasons], dtype=bool)
    excluded = pd.DataFrame(
        {"code": frame["code"].to_numpy()[~ok], "kind": "plot", "reasons": [r for r in reasons if r]}
    )
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
    sites = sites[fits]
    context = ScoringContext(not_applicable=unscoreable_columns(plots))  # ``plots``: every live plot
    scored = score_plots(sites, profile=profile, context=context) if len(sites) else None
    if scored is not None:
        out = scored.frame.sort_values("rank", kind="stable")
        labels = {c: profile.criteria[c].label for c in scored.criteria}
        out["helped"], out["held_back"] = _explain(out, scored.criteria, labels)
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
        "helped",
        "held_back",
        "geometry",
    ]
    out = gpd.GeoDataFrame(out[[c for c in keep if c in out.columns]], geometry="geometry", crs=plots.crs)
    out = out.reset_index(drop=True)
    if req.relocating:
        site = _destination(out, req.move_to)
        relocation = relocation_supply(
            plots,
            released=released,
            freed=freed,
            firm=req.relocating,
            profile=profile,
            site_id=None if site is None else str(site["site_id"]),
            site_plot_ids=[] if site is None else list(site["plot_ids"]),
        )
    return SearchResult(
        sites=out,
        excluded=excluded,
        exclusion_summary=dict(sorted(summary.items(), key=lambda kv: -kv[1])),
        requirements=req,
        profile=profile.record(),
        relocation=relocation,
        notes=notes,
    )


def _destination(sites: gpd.GeoDataFrame, move_to: str | None) -> pd.Series | None:
    """The site a relocating firm moves to: ``move_to``, else the best-ranked one (None when there is none).

    Raises
    ------
    EntityNotFoundError
        When ``move_to`` is not among the sites that meet the requirements.
    """
    if move_to is None:
        return sites.iloc[0] if len(sites) else None
    hit = sites[sites["site_id"] == move_to]
    if len(hit) == 0:
        best = ", ".join(sites["site_id"].head(10)) or "none"
        raise EntityNotFoundError(
            f"site {move_to!r} does not meet the requirements; expected one of the sites found (best first: {best})"
        )
    return hit.iloc[0]


def _area_ids(refs: list[str], plots: pd.DataFrame, areas: gpd.GeoDataFrame | None) -> list[str]:
    """Business area ids from ids or names (``"torgard"``, ``"Torgård"``).

    Raises
    ------
    ValidationError
        Naming the unknown areas and listing the known ones.
    """
    if not refs:
        return []
    known: dict[str, str] = {str(a): str(a) for a in plots["business_area_id"].dropna().unique()}
    if areas is not None and len(areas):
        known.update({str(a): str(a) for a in areas["area_id"]})
        known.update({str(n).casefold(): str(a) for a, n in zip(areas["area_id"], areas["name"], strict=True)})
    out: list[str] = []
    unknown: list[str] = []
    for ref in refs:
        hit = known.get(ref) or known.get(ref.strip().casefold())
        (out if hit else unknown).append(hit or ref)
    if unknown:
        ids = sorted({v for v in known.values()})
        raise ValidationError(
            [
                Problem("requirements", "business_area_id", f"unknown business area {u!r}; expected one of {ids}")
                for u in unknown
            ],
            context="site search",
            wrote_nothing=False,
        )
    return list(dict.fromkeys(out))
