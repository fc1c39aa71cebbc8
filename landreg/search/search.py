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

from landreg.clusters.colocation import synergy_scores
from landreg.clusters.firms import firms_from_plots
from landreg.enrich.routing import DEFAULT_TARGETS
from landreg.errors import EntityNotFoundError, Problem, ValidationError
from landreg.json_values import frame_records, json_value
from landreg.scenarios.apply import areas_without_firms
from landreg.scoring.criteria import derive_criterion_columns
from landreg.scoring.profiles import load_profile
from landreg.search._steps import candidate_sites, plot_reasons, ranked_sites, size_exclusions, start_relocation
from landreg.search.relocation import relocation_supply, relocation_text
from landreg.search.requirements import SiteRequirements


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
        What the firm needs (size, zoning, travel times, price, hazards) and the profile.
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
    relocation = None
    released, freed, own, industry, notes = start_relocation(plots.copy(), req)
    frame = derive_criterion_columns(released, unchecked_hazard=profile.unchecked_hazard)
    moved = [req.relocating] if req.relocating else []
    firms = firms_from_plots(frame, areas=areas_without_firms(areas, firms=moved))  # the mover is no neighbour
    frame["synergy_score"] = synergy_scores(
        frame, industry_nace=industry or profile.industry_nace, firms=firms
    ).to_numpy()
    reasons = plot_reasons(frame, req)
    for i in np.flatnonzero(own):
        reasons[i].append(f"own plot: {req.relocating} is moving out of it")
    ok = np.array([not r for r in reasons])
    targets = [t.name for t in DEFAULT_TARGETS]
    sites = candidate_sites(frame[ok].copy(), req, targets=targets, crs=plots.crs)
    fits, excluded, summary = size_exclusions(sites, req, codes=frame["code"].to_numpy()[~ok], reasons=reasons)
    out = ranked_sites(sites[fits], req, profile=profile, plots=plots, targets=targets)
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
