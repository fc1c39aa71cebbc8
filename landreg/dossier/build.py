"""Everything a firm's board needs to know about one plot, gathered from the registry and the layers.

:func:`build_plot_dossier` reads the registry's enriched live plots once and assembles a
:class:`PlotDossier`: the plot's facts, its score with the breakdown and rank under a profile,
travel times and a drive-time isochrone, terrain and hazards with their status, its asking price
against its business area, municipality and the region (like for like: the same price basis),
the neighbouring plots and firms, and what of it is synthetic.  Nothing is drawn here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.analysis import DEFAULT_SCORED_STATUSES, build_registry_scoring_context, load_enriched_plots
from landreg.clusters.firms import firms_from_plots
from landreg.crs import STORAGE_CRS
from landreg.dossier.isochrone import DEFAULT_PLOT_ISOCHRONE_MINUTES, plot_isochrones
from landreg.enrich.routing import DEFAULT_TARGETS
from landreg.errors import PlotNotFoundError
from landreg.json_values import json_value
from landreg.prices.asking import price_nok_m2
from landreg.provenance import SyntheticSummary, summarize_synthetic
from landreg.scoring import score_plots

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource, EntityTables

#: Plots and firms within this distance of the plot are its neighbours.
DEFAULT_NEIGHBOUR_RADIUS_M = 400.0
HAZARDS = ("quick_clay", "flood", "protected_area")
_FACTS = (
    "plot_id",
    "code",
    "name",
    "area_m2",
    "municipality_no",
    "municipality_name",
    "business_area_id",
    "status",
    "available_from",
    "availability_note",
    "decision_id",
    "zoning",
    "plan_status",
    "plan_id",
    "readiness",
    "price_min_nok_m2",
    "price_max_nok_m2",
    "price_basis",
    "connection_fees_included",
    "owner_type",
    "utilities",
    "requires_new_road",
    "last_verified",
    "version",
    "updated_at",
    "computed_at",
    "access_status",
    "main_road_distance_m",
    "e_road_distance_m",
)


@dataclass
class PlotDossier:
    """One plot's dossier (see the module docstring).

    Attributes
    ----------
    code : str
    facts : dict
        The plot's stored and derived values (JSON values), areas in m², prices in NOK/m².
    geometry : shapely geometry
        The plot, EPSG:25832.
    profile : str
        The scoring profile of ``score``, ``rank`` and ``contributions``.
    score, rank : float or None
        0–100 and 1 = best; None when the plot is excluded by a hard limit of the profile.
    n_ranked : int
        How many plots the rank is among (those on offer, or every live plot when this one is not).
    ranked_among : str
        ``"on_offer"`` (statuses available, planned, locked) or ``"all"``.
    contributions : list of dict
        Per criterion: ``label``, ``value`` (0..1), ``weight``, ``points``, ``raw``, ``unit``; most points first.
    exclusion_reasons : list of str
    travel : list of dict
        Per access target: ``target``, ``description``, ``travel_time_s``, ``distance_m`` (NaN: unreachable).
    isochrones : GeoDataFrame
        ``minutes`` and the area from which the plot is reached within them (EPSG:25832); empty
        without a road layer.
    terrain : dict
    hazards : list of dict
        ``hazard``, ``share`` (0..1 of the plot inside a zone) and ``status`` (clear, hit, not_checked …).
    prices : dict
        ``plot_nok_m2``, ``basis`` and the median asking price (``*_median_nok_m2``) and number of
        priced plots (``*_n``) of the same basis in the business area, the municipality and the region.
    neighbours : GeoDataFrame
        Other live plots within ``radius_m`` (``code``, ``status``, ``zoning``, ``distance_m``), EPSG:25832.
    firms : list of dict
        Firms on plots within ``radius_m`` or in the same business area: ``name``, ``nace``, ``division``,
        ``employees``, ``distance_m`` and ``on_plot`` (False: known only as a firm of the business area,
        placed at its centre, so the distance is to that); nearest first.
    industries : list of dict
        NACE divisions of those firms with the number of firms, most first.
    business_area : dict
        ``area_id``, ``name``, ``area_type`` (empty when the plot is in none).
    decision : dict
        The pending decision that locks the plot: ``decision_id``, ``title``, ``status``,
        ``expected_date`` (empty when none).
    roads : GeoDataFrame or None
        The roads (``speed_kmh``, geometry) around the plot, out to the largest isochrone (EPSG:25832),
        for a map extract; None without a road layer.
    synthetic : SyntheticSummary
        What of this dossier's data is synthetic (the plot's fields, its business area, the layers).
    radius_m : float
    """

    code: str
    facts: dict[str, Any]
    geometry: Any
    profile: str
    score: float | None
    rank: float | None
    n_ranked: int
    ranked_among: str
    contributions: list[dict[str, Any]]
    exclusion_reasons: list[str]
    travel: list[dict[str, Any]]
    isochrones: gpd.GeoDataFrame
    terrain: dict[str, Any]
    hazards: list[dict[str, Any]]
    prices: dict[str, Any]
    neighbours: gpd.GeoDataFrame
    firms: list[dict[str, Any]]
    industries: list[dict[str, Any]]
    business_area: dict[str, Any] = field(default_factory=dict)
    roads: gpd.GeoDataFrame | None = None
    decision: dict[str, Any] = field(default_factory=dict)
    synthetic: SyntheticSummary = field(default_factory=SyntheticSummary)
    radius_m: float = DEFAULT_NEIGHBOUR_RADIUS_M


def build_plot_dossier(
    registry: AnalysisSource,
    code: str,
    *,
    profile: str = "general",
    layers_dir: str | Path | None = None,
    isochrone_minutes: Sequence[float] = DEFAULT_PLOT_ISOCHRONE_MINUTES,
    radius_m: float = DEFAULT_NEIGHBOUR_RADIUS_M,
) -> PlotDossier:
    """The dossier of the live plot with ``code`` (case-insensitive).

    Parameters
    ----------
    registry : AnalysisSource
        An enriched registry (only read).
    code : str
        The plot's human code, e.g. ``"TOR-012"``.
    profile : str
        Scoring profile of the score, its breakdown and the rank.
    layers_dir : str or Path, optional
        Folder with ``layers.toml``: its road layer gives the isochrones and its manifest says which
        layers are synthetic (without it: no isochrones, layers not counted).
    isochrone_minutes : sequence of float
        Budgets of the drive-time isochrones.
    radius_m : float
        Plots and firms within this distance are neighbours.

    Returns
    -------
    PlotDossier

    Raises
    ------
    PlotNotFoundError
        When no live plot has the code.
    NotEnrichedError
        When the registry was never enriched.
    UnknownProfileError
        When ``profile`` is not a known profile.
    """
    plots = load_enriched_plots(registry)
    hit = np.flatnonzero(plots["code"].astype(str).str.casefold().to_numpy() == str(code).strip().casefold())
    if len(hit) == 0:
        raise PlotNotFoundError(f"no live plot with code {code!r}; the codes look like {_examples(plots)}")
    i = int(hit[0])
    row = plots.iloc[i]
    areas = registry.load_business_areas()
    scored = _score(registry, plots, row, profile=profile)
    neighbours = _neighbours(plots, i, radius_m=radius_m)
    firms, industries = _firms(plots, areas, row, radius_m=radius_m)
    area_row = areas[areas["area_id"] == row["business_area_id"]] if len(areas) else areas
    manifest_layers, isochrones, roads = _layers(layers_dir, row.geometry, isochrone_minutes, radius_m=radius_m)
    layers = None if manifest_layers is None else _layers_used(plots.iloc[[i]], manifest_layers)
    return PlotDossier(
        code=str(row["code"]),
        facts={k: json_value(row[k]) for k in _FACTS if k in row.index},
        geometry=row.geometry,
        profile=str(scored["profile"]),
        score=scored["score"],
        rank=scored["rank"],
        n_ranked=int(scored["n_ranked"]),
        ranked_among=str(scored["ranked_among"]),
        contributions=scored["contributions"],
        exclusion_reasons=scored["exclusion_reasons"],
        travel=[
            {
                "target": t.name,
                "description": t.description,
                "travel_time_s": json_value(row.get(f"{t.name}_travel_time_s")),
                "distance_m": json_value(row.get(f"{t.name}_distance_m")),
            }
            for t in DEFAULT_TARGETS
        ],
        isochrones=isochrones,
        terrain={
            k: json_value(row.get(k))
            for k in (
                "elevation_min_m",
                "elevation_mean_m",
                "elevation_max_m",
                "slope_mean_deg",
                "slope_max_deg",
                "steep_share",
                "terrain_status",
            )
        },
        hazards=[
            {"hazard": h, "share": json_value(row.get(f"{h}_share")), "status": json_value(row.get(f"{h}_status"))}
            for h in HAZARDS
        ],
        prices=_prices(plots, row),
        neighbours=neighbours,
        firms=firms,
        industries=industries,
        business_area={k: json_value(area_row.iloc[0][k]) for k in ("area_id", "name", "area_type")}
        if len(area_row)
        else {},
        roads=roads,
        decision=_decision(registry, row.get("decision_id")),
        synthetic=summarize_synthetic(plots.iloc[[i]], business_areas=area_row, layers=layers),
        radius_m=radius_m,
    )


def _decision(registry: EntityTables, decision_id: Any) -> dict[str, Any]:
    """The decision ``decision_id`` names, in brief (empty without one, or when the registry has no such decision)."""
    if not decision_id or not isinstance(decision_id, str):
        return {}
    from landreg.errors import EntityNotFoundError

    try:
        d = registry.get_decision(decision_id)
    except (EntityNotFoundError, LookupError):
        return {"decision_id": decision_id, "title": decision_id, "status": None, "expected_date": None}
    return {"decision_id": d.decision_id, "title": d.title, "status": str(d.status), "expected_date": d.expected_date}


def _examples(plots: pd.DataFrame) -> str:
    return ", ".join(plots["code"].astype(str).sort_values().head(3)) or "(the registry has no plots)"


def _score(registry: AnalysisSource, plots: gpd.GeoDataFrame, row: pd.Series, *, profile: str) -> dict[str, Any]:
    """Score, rank and breakdown of ``row`` among the plots on offer (or among all when it is not on offer)."""
    context = build_registry_scoring_context(registry, profile=profile, plots=plots)
    on_offer = str(row["status"]) in DEFAULT_SCORED_STATUSES
    pool = plots[plots["status"].astype(str).isin(DEFAULT_SCORED_STATUSES)] if on_offer else plots
    result = score_plots(pool, profile=profile, context=context)
    index = result.frame.index[result.frame["plot_id"] == row["plot_id"]][0]
    explained = result.explain(index)
    return {
        "profile": result.profile.name,
        "score": explained["score"],
        "rank": explained["rank"],
        "n_ranked": int(result.frame["rank"].notna().sum()),
        "ranked_among": "on_offer" if on_offer else "all",
        "contributions": explained["contributions"],
        "exclusion_reasons": explained["exclusion_reasons"],
    }


def _neighbours(plots: gpd.GeoDataFrame, i: int, *, radius_m: float) -> gpd.GeoDataFrame:
    geom = plots.geometry.iloc[i]
    distance = plots.geometry.distance(geom).to_numpy()
    near = (distance <= radius_m) & (np.arange(len(plots)) != i)
    out = plots.loc[near, ["code", "status", "zoning", "business_area_id", "geometry"]].copy()
    out["distance_m"] = distance[near]
    return gpd.GeoDataFrame(out.sort_values("distance_m"), geometry="geometry", crs=plots.crs).reset_index(drop=True)


def _firms(
    plots: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, row: pd.Series, *, radius_m: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    firms = firms_from_plots(plots, areas=areas)
    if not len(firms):
        return [], []
    distance = firms.geometry.distance(row.geometry).to_numpy()
    same_area = firms["business_area_id"].astype(str).to_numpy() == str(row["business_area_id"])
    keep = (distance <= radius_m) | same_area
    near = pd.DataFrame(firms.drop(columns="geometry")[keep]).assign(distance_m=distance[keep])
    near = near.sort_values(["distance_m", "name"])
    records = [
        {k: json_value(r[k]) for k in ("name", "nace", "division", "employees", "distance_m", "on_plot")}
        for _, r in near.iterrows()
    ]
    counts = near["division"].astype(str).value_counts()
    industries = [{"division": d, "n_firms": int(n)} for d, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return records, industries


def _prices(plots: gpd.GeoDataFrame, row: pd.Series) -> dict[str, Any]:
    """The asking price against the median of priced plots of the same basis in its area, municipality, region."""
    price = price_nok_m2(plots)
    own = float(price_nok_m2(pd.DataFrame([row]))[0])
    basis = row.get("price_basis")
    same_basis = plots["price_basis"].astype(str).to_numpy() == str(basis) if basis is not None else None
    out: dict[str, Any] = {"plot_nok_m2": json_value(own), "basis": json_value(basis)}
    for key, column in (("area", "business_area_id"), ("municipality", "municipality_no"), ("region", None)):
        mask = np.isfinite(price) & (same_basis if same_basis is not None else True)
        if column is not None:
            mask &= plots[column].astype(str).to_numpy() == str(row[column])
        values = price[mask]
        out[f"{key}_median_nok_m2"] = float(np.median(values)) if len(values) else None
        out[f"{key}_n"] = len(values)
    return out


def _layers(
    layers_dir: str | Path | None, geometry: Any, minutes: Sequence[float], *, radius_m: float
) -> tuple[dict[str, bool] | None, gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """The manifest's synthetic flags, the plot's isochrones and the roads around it (nothing without layers)."""
    empty = gpd.GeoDataFrame({"minutes": pd.Series(dtype=float)}, geometry=[], crs=STORAGE_CRS)
    if layers_dir is None or not (Path(layers_dir) / "layers.toml").is_file():
        return None, empty, None
    from landreg.enrich.cache import cached_road_network
    from landreg.enrich.inputs import load_enrich_inputs
    from landreg.layers.manifest import load_manifest

    flags = {s.id: bool(s.synthetic) for s in load_manifest(layers_dir).layers}
    roads = load_enrich_inputs(layers_dir).roads
    if roads is None:
        return flags, empty, None
    isochrones = plot_isochrones(cached_road_network(roads), geometry, minutes=minutes) if len(minutes) else empty
    x0, y0, x1, y1 = shapely.buffer(geometry, radius_m).bounds
    if len(isochrones):
        ix0, iy0, ix1, iy1 = isochrones.total_bounds
        x0, y0, x1, y1 = min(x0, ix0), min(y0, iy0), max(x1, ix1), max(y1, iy1)
    near = roads.cx[x0:x1, y0:y1]
    speed = near["speed_kmh"] if "speed_kmh" in near.columns else pd.Series(np.nan, index=near.index)
    around = gpd.GeoDataFrame(
        {"speed_kmh": speed.to_numpy(dtype=float)}, geometry=near.geometry.to_numpy(), crs=roads.crs
    )
    return flags, isochrones, around.reset_index(drop=True)


def _layers_used(plot: pd.DataFrame, flags: dict[str, bool]) -> dict[str, bool]:
    from landreg.provenance.synthetic import layers_used_by

    return layers_used_by(plot, manifest=flags)
