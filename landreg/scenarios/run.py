"""Run a scenario on copies of the plots and layers and compare it with the baseline.

The baseline and the scenario are computed the same way, on the same inputs:
road access from a fresh road graph (planned destinations left out unless the
scenario adds them), then scores and effective supply.  Terrain and hazard
columns are taken from the plots as enriched.  Nothing is written: the
registry is only read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.clusters.colocation import scoring_context
from landreg.enrich.inputs import EnrichInputs
from landreg.enrich.pipeline import EnrichParams
from landreg.model.entities import Decision
from landreg.scenarios.apply import apply_decisions, areas_without_firms, clear_new_road_flags, release_firm
from landreg.scenarios.network import (
    DEFAULT_CONNECT_TOLERANCE_M,
    road_access,
    roads_with_projects,
    select_destinations,
)
from landreg.scenarios.report import (
    EFFECTIVE_DAA_TOLERANCE,
    SCORE_TOLERANCE,
    TRAVEL_TIME_TOLERANCE_MIN,
    ScenarioReport,
    applicability_notes,
    count_text,
    destination_notes,
    differs,
    outcome_text,
    status_change_note,
)
from landreg.scenarios.spec import ScenarioSpec, parse_scenario
from landreg.scoring.errors import MissingColumnError
from landreg.scoring.profiles import ScoringProfile, load_profile
from landreg.scoring.score import score_plots
from landreg.supply.effective import SupplyParams, effective_supply

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource

DEFAULT_ROAD_SERVICE_DISTANCE_M = 500.0


def _with_access(plots: gpd.GeoDataFrame, access: pd.DataFrame) -> gpd.GeoDataFrame:
    out = plots.copy()
    for col in access.columns:
        out[col] = access[col].to_numpy()
    return out


def _state(
    plots: gpd.GeoDataFrame,
    profile: str | ScoringProfile,
    supply_params: SupplyParams,
    areas: gpd.GeoDataFrame | None,
) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame, dict[str, Any]]:
    prof = load_profile(profile) if isinstance(profile, str) else profile
    context = scoring_context(plots, industry_nace=prof.industry_nace, areas=areas)
    scores = score_plots(plots, profile=prof, context=context)
    supply = effective_supply(plots, scores=scores, params=supply_params)
    return scores.frame, scores.record(), supply.plots, supply.region


def run_scenario(
    plots: gpd.GeoDataFrame,
    *,
    spec: ScenarioSpec,
    inputs: EnrichInputs,
    decisions: Sequence[Decision] = (),
    road_projects: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoDataFrame | None = None,
    profile: str | ScoringProfile = "general",
    enrich_params: EnrichParams | None = None,
    supply_params: SupplyParams | None = None,
    road_service_distance_m: float = DEFAULT_ROAD_SERVICE_DISTANCE_M,
    connect_tolerance_m: float = DEFAULT_CONNECT_TOLERANCE_M,
) -> ScenarioReport:
    """Baseline versus scenario for enriched plots.

    Parameters
    ----------
    plots : GeoDataFrame
        Enriched plots (EPSG:25832); not modified.
    spec : ScenarioSpec
        What the scenario changes (decisions, road projects, relocations).
    inputs : EnrichInputs
        ``roads`` and ``destinations`` (see :func:`~landreg.enrich.load_enrich_inputs`); not modified.
    decisions : sequence of Decision
        The registry's decisions, which the spec may name.
    road_projects : GeoDataFrame, optional
        Needed when ``spec`` names road projects.
    areas : GeoDataFrame, optional
        Business areas: their firms count for synergy, as in :func:`landreg.analysis.score_registry`.
    profile : str or ScoringProfile
        Scoring profile of the scores and the effective supply.
    enrich_params : EnrichParams, optional
        Enrichment parameters for the re-enrichment (default values when None).
    supply_params : SupplyParams, optional
        Effective-supply parameters (default values when None).
    road_service_distance_m : float
        Plots that need a new road and lie this close to a built project no longer need one.
    connect_tolerance_m : float
        How far a project's end may lie from the network and still be joined to it.

    Returns
    -------
    ScenarioReport
    """
    if inputs.roads is None or inputs.destinations is None:
        raise MissingColumnError(
            "a scenario needs the roads and destinations layers (EnrichInputs.roads and .destinations); got None"
        )
    supply_params = supply_params or SupplyParams()
    notes: list[str] = []
    base_dest = select_destinations(inputs.destinations)
    base = _with_access(plots, road_access(plots, roads=inputs.roads, destinations=base_dest, params=enrich_params))

    scen, adds, removes = apply_decisions(plots, outcomes=spec.decision_outcomes, decisions=decisions)
    if spec.decision_outcomes:
        notes.append(
            status_change_note(
                plots["status"], scen["status"], cause=outcome_text(spec.decision_outcomes, decisions=decisions)
            )
        )
    for firm in spec.relocations:
        scen, freed = release_firm(scen, firm=firm)
        notes.append(
            f"{firm} moves out: {count_text(int(freed.sum()), 'plot')}, "
            f"{plots.loc[plots.index[freed], 'area_m2'].sum() / 1000:,.1f} daa become available"
        )
    roads = inputs.roads
    if spec.road_projects:
        if road_projects is None:
            raise MissingColumnError("the scenario names road projects but no road_projects frame was given")
        chosen = road_projects[road_projects["project_id"].isin(spec.road_projects)]
        roads = roads_with_projects(roads, projects=chosen, connect_tolerance_m=connect_tolerance_m)
        scen, served = clear_new_road_flags(scen, projects=chosen, service_distance_m=road_service_distance_m)
        notes.append(
            f"road {'project' if len(spec.road_projects) == 1 else 'projects'} {', '.join(spec.road_projects)} "
            f"added to a copy of the network; {count_text(int(served.sum()), 'plot')} within "
            f"{road_service_distance_m:,.0f} m no longer need a new road"
        )
    dest = select_destinations(inputs.destinations, add=adds, remove=removes)
    notes += destination_notes(inputs.destinations, added=adds, removed=removes)
    if spec.road_projects or adds or removes:
        scen = _with_access(scen, road_access(scen, roads=roads, destinations=dest, params=enrich_params))
    else:
        scen = _with_access(
            scen,
            base[
                [
                    c
                    for c in base.columns
                    if c.endswith(("_travel_time_s", "_distance_m"))
                    and c not in ("e_road_distance_m", "main_road_distance_m")
                ]
            ],
        )
    b_scores, record, b_supply, b_region = _state(base, profile, supply_params, areas)
    a_areas = areas_without_firms(areas, firms=spec.relocations)  # a firm that moves out is nobody's neighbour here
    a_scores, a_record, a_supply, a_region = _state(scen, profile, supply_params, a_areas)
    notes += applicability_notes(record, a_record)
    targets = [t.name for t in (enrich_params or EnrichParams()).targets]
    table = _plot_table(base, scen, b_scores, a_scores, b_supply, a_supply, targets)
    areas = _area_table(table, targets)
    return ScenarioReport(
        spec=spec, plots=table, areas=areas, region={"before": b_region, "after": a_region}, profile=record, notes=notes
    )


def _plot_table(
    base: pd.DataFrame,
    scen: pd.DataFrame,
    bs: pd.DataFrame,
    as_: pd.DataFrame,
    bsup: pd.DataFrame,
    asup: pd.DataFrame,
    targets: list[str],
) -> pd.DataFrame:
    out = pd.DataFrame(index=base.index)
    for col in ("plot_id", "code", "municipality_no", "business_area_id"):
        if col in base.columns:
            out[col] = base[col].astype(object).to_numpy()
    out["area_daa"] = base["area_m2"].to_numpy(dtype=float) / 1000
    out["status_before"] = base["status"].astype(str).to_numpy()
    out["status_after"] = scen["status"].astype(str).to_numpy()
    changed = (out["status_before"] != out["status_after"]).to_numpy().copy()
    for t in targets:
        b = base[f"{t}_travel_time_s"].to_numpy(dtype=float) / 60
        a = scen[f"{t}_travel_time_s"].to_numpy(dtype=float) / 60
        out[f"{t}_min_before"], out[f"{t}_min_after"], out[f"{t}_min_change"] = b, a, a - b
        # a route that got faster or slower; a destination built or removed shows in the notes and scores
        changed |= differs(b, a, tolerance=TRAVEL_TIME_TOLERANCE_MIN, count_appearing=False)
    for name, b, a, tol in (
        ("score", bs["score"], as_["score"], SCORE_TOLERANCE),
        ("rank", bs["rank"], as_["rank"], None),  # moves when other plots do: shown, not counted
        ("effective_daa", bsup["effective_daa"], asup["effective_daa"], EFFECTIVE_DAA_TOLERANCE),
    ):
        out[f"{name}_before"], out[f"{name}_after"] = b.to_numpy(dtype=float), a.to_numpy(dtype=float)
        out[f"{name}_change"] = out[f"{name}_after"] - out[f"{name}_before"]
        if tol is not None:
            changed |= differs(out[f"{name}_before"].to_numpy(), out[f"{name}_after"].to_numpy(), tolerance=tol)
    out["in_supply_before"], out["in_supply_after"] = bsup["in_supply"].to_numpy(), asup["in_supply"].to_numpy()
    out["changed"] = changed
    return out


def _area_table(table: pd.DataFrame, targets: list[str]) -> pd.DataFrame:
    t = table.assign(
        supply_before=np.where(table["in_supply_before"], table["area_daa"], 0.0),
        supply_after=np.where(table["in_supply_after"], table["area_daa"], 0.0),
    )
    g = t.groupby("business_area_id", dropna=False)
    out = pd.DataFrame(
        {
            "plots_changed": g["changed"].sum(),
            "supply_daa_before": g["supply_before"].sum(),
            "supply_daa_after": g["supply_after"].sum(),
            "effective_daa_before": g["effective_daa_before"].sum(),
            "effective_daa_after": g["effective_daa_after"].sum(),
            "mean_score_before": g["score_before"].mean(),
            "mean_score_after": g["score_after"].mean(),
        }
    )
    out["mean_score_change"] = out["mean_score_after"] - out["mean_score_before"]
    for name in targets:
        out[f"{name}_min_after"] = g[f"{name}_min_after"].mean()
        out[f"{name}_min_change"] = g[f"{name}_min_change"].mean()
    return out.reset_index().rename(columns={"business_area_id": "area_id"})


def run_registry_scenario(
    registry: AnalysisSource,
    scenario: str | ScenarioSpec,
    *,
    layers_dir: str | Path,
    profile: str | ScoringProfile = "general",
    supply_params: SupplyParams | None = None,
) -> ScenarioReport:
    """Run a scenario (a name as in :mod:`~landreg.scenarios.spec`, or a spec) on a registry, read-only.

    Parameters
    ----------
    registry : AnalysisSource
        Enriched registry; only read.
    scenario : str or ScenarioSpec
        A scenario name or a spec.
    layers_dir : str or Path
        Folder with ``layers.toml`` (roads, destinations).
    profile : str or ScoringProfile
        Scoring profile of the scores and the effective supply.
    supply_params : SupplyParams, optional
        Effective-supply parameters (default values when None).

    Returns
    -------
    ScenarioReport

    Raises
    ------
    UnknownScenarioError, FirmNotFoundError
    """
    from landreg.decisions import with_decided_destinations
    from landreg.enrich import enriched_plots, load_enrich_inputs

    decisions = registry.load_decisions()
    projects = registry.load_road_projects()
    spec = (
        scenario
        if isinstance(scenario, ScenarioSpec)
        else parse_scenario(scenario, decisions=decisions, road_project_ids=list(projects["project_id"]))
    )
    inputs = load_enrich_inputs(layers_dir)
    if inputs.destinations is not None:  # the baseline has the destinations decided outcomes built
        inputs.destinations = with_decided_destinations(inputs.destinations, decisions)
    return run_scenario(
        enriched_plots(registry),
        spec=spec,
        inputs=inputs,
        decisions=decisions,
        road_projects=projects,
        areas=registry.load_business_areas(),
        profile=profile,
        supply_params=supply_params,
    )
