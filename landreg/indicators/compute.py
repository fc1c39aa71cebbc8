"""The indicators of the public indicator site, computed from the registry and its history.

:func:`compute_indicators` reads the registry as recorded at a time (``as_of``; default now),
joins each plot's derived attributes where its outline is the one they were computed from,
and gives per region, municipality and business area the figures of
:data:`~landreg.indicators.definitions.DEFINITIONS`, each with its definition, its date and
what of it is synthetic (:func:`landreg.provenance.summarize_synthetic`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.clusters import scoring_context
from landreg.errors import NotEnrichedError, Problem, ValidationError
from landreg.indicators.definitions import definition_of
from landreg.indicators.figures import FigureContext
from landreg.indicators.model import Figure, IndicatorReport, ScopeIndicators
from landreg.indicators.prices import (
    cited_references,
    price_index_value,
    price_observations_as_of,
)
from landreg.indicators.supply_history import SupplyHistory
from landreg.indicators.uptake import read_history, uptake_events
from landreg.municipalities import known_municipalities_text, municipality_no_from_ref
from landreg.prices.observations import select_prices
from landreg.provenance import summarize_synthetic
from landreg.registry.query import PlotQuery
from landreg.scoring import load_profile, score_plots
from landreg.supply import effective_supply

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource, EnrichedPlotStore


def _utc(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def geometry_epochs(history: pd.DataFrame) -> pd.Series:
    """Per plot version, which outline it has: the number of versions up to it that set the geometry.

    Two versions of a plot with the same epoch have the same outline, so attributes derived
    from one outline (road access, terrain, hazards) hold for every version of its epoch.

    Parameters
    ----------
    history : DataFrame
        Version rows with ``plot_id``, ``version`` and ``changed_fields`` (:func:`read_history`).

    Returns
    -------
    Series
        Indexed by (``plot_id``, ``version``).
    """
    h = history.sort_values(["plot_id", "version"], kind="stable")
    ids = h["plot_id"].astype(str).to_numpy()
    first = np.r_[True, ids[1:] != ids[:-1]] if len(ids) else np.zeros(0, dtype=bool)
    outline = np.fromiter(
        (isinstance(c, list) and "geometry" in c for c in h["changed_fields"]), dtype=bool, count=len(h)
    )
    epoch = pd.Series((first | outline).astype(int), index=h.index).groupby(ids).cumsum()
    return pd.Series(epoch.to_numpy(), index=pd.MultiIndex.from_arrays([ids, h["version"].astype(int).to_numpy()]))


def plots_as_of(
    registry: EnrichedPlotStore, *, as_of: dt.datetime | None, history: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The plots as recorded at ``as_of`` (live ones when None) with their derived attributes.

    A plot's derived attributes (access, terrain, hazards) are joined where its outline at
    ``as_of`` is the outline they were computed from (the same :func:`geometry_epochs`), whatever
    else changed since; elsewhere they are empty.  So the plots at a past time get the attributes
    a registry rebuilt to that time and enriched would give them.

    Parameters
    ----------
    registry : EnrichedPlotStore
        An open, enriched registry (only read).
    as_of : datetime, optional
        The registry as recorded at this time; default now.
    history : DataFrame, optional
        Every version of every plot (:func:`read_history` with no time limit); read when not given.

    Raises
    ------
    NotEnrichedError
        When the registry was never enriched.
    """
    plots = registry.query_plots(PlotQuery(as_of=as_of)) if as_of is not None else registry.query_plots()
    if history is None:
        history = read_history(registry, as_of=None)
    epochs = geometry_epochs(history)
    derived = registry.load_enrichment()
    keep = [c for c in derived.columns if c not in ("plot_id", "plot_version") and c not in plots.columns]
    derived = pd.DataFrame(derived[["plot_id", "plot_version", *keep]])
    derived["_epoch"] = epochs.reindex(
        pd.MultiIndex.from_arrays([derived["plot_id"].astype(str), derived["plot_version"].astype(int)])
    ).to_numpy()
    at = pd.MultiIndex.from_arrays([plots["plot_id"].astype(str), plots["version"].astype(int)])
    frame = pd.DataFrame(plots.drop(columns="geometry")).assign(_epoch=epochs.reindex(at).to_numpy())
    joined = frame.merge(derived.drop(columns="plot_version"), on=["plot_id", "_epoch"], how="left")
    out = gpd.GeoDataFrame(joined.drop(columns="_epoch"), geometry=plots.geometry.to_numpy(), crs=plots.crs)
    if len(out) and ("access_status" not in out.columns or out["access_status"].isna().all()):
        raise NotEnrichedError(
            "the registry's plots have no road access, terrain or hazard attributes yet; run `landreg enrich` "
            "(landreg init does it unless --no-enrich)"
        )
    return out


def compute_indicators(
    registry: AnalysisSource,
    *,
    as_of: dt.datetime | None = None,
    municipality_no: Sequence[str] = (),
    profile: str = "general",
    layers: Mapping[str, bool] | None = None,
) -> IndicatorReport:
    """Every indicator figure per region, municipality and business area at one time.

    Parameters
    ----------
    registry : AnalysisSource
        An open, enriched registry (only read).
    as_of : datetime, optional
        The registry as recorded at this time (UTC when naive); default now.
    municipality_no : sequence of str
        Only these municipalities (kommunenummer or names); the region is their sum.
    profile : str
        Scoring profile of the effective decares.
    layers : mapping, optional
        Layer id -> synthetic flag (the manifest's), counted in the synthetic share of
        the figures that rest on layers (effective decares, hazards).

    Returns
    -------
    IndicatorReport

    Raises
    ------
    NotEnrichedError
        When the registry was never enriched.
    ValidationError
        When a municipality is unknown or ``as_of`` is in the future.
    """
    when = _utc(as_of)
    now = dt.datetime.now(dt.UTC)
    if when > now:
        latest = now.isoformat(timespec="seconds")
        message = f"as_of {when.isoformat()} is in the future; expected a time up to now ({latest})"
        raise ValidationError(
            [Problem("indicators", "as_of", message, whole_input=True)], context="indicators", wrote_nothing=False
        )
    everything = read_history(registry, as_of=None)
    plots = plots_as_of(registry, as_of=None if as_of is None else when, history=everything)
    wanted = _municipalities(municipality_no)
    prof = load_profile(profile)
    all_plots = plots
    if wanted:
        plots = plots[plots["municipality_no"].astype(str).isin(wanted)]
    frame = pd.DataFrame(plots.drop(columns="geometry")).copy()
    frame["area_daa"] = plots["area_m2"].to_numpy(dtype=float) / 1000.0
    frame["effective_daa"] = 0.0
    frame["block_area_daa"] = np.nan
    if len(plots):  # a registry read before its first plot was recorded has none
        context = scoring_context(all_plots, industry_nace=prof.industry_nace, areas=registry.load_business_areas())
        supply = effective_supply(plots, scores=score_plots(plots, profile=prof, context=context))
        frame["effective_daa"] = supply.plots["effective_daa"].to_numpy()
        frame["block_area_daa"] = supply.plots["block_area_daa"].to_numpy()
    history = everything[everything["recorded"] <= pd.Timestamp(when)].reset_index(drop=True)
    events = uptake_events(history)
    start = min(history["recorded"]).date() if len(history) else None
    if start is not None and len(events):  # the window observed starts at the earliest dated change anywhere
        start = min(start, min(events["date"]))
    over_time = SupplyHistory(history, events, as_of=when, municipality_no=wanted)  # before events are filtered
    if wanted:
        events = events[events["municipality_no"].astype(str).isin(wanted)]
    used_layers = _layers_used(plots, layers)
    ctx = FigureContext(when, frame, events, start, registry.load_decisions(), used_layers, supply=over_time)
    region = list(ctx.figures(np.ones(len(frame), dtype=bool)))
    observations = price_observations_as_of(registry, plots=plots, as_of=when)
    index, price_class, note = price_index_value(observations)
    used_obs = select_prices(observations, kind="asking", **price_class) if price_class else observations
    obs_syn = summarize_synthetic(price_observations=used_obs)
    unit, definition = definition_of("price_index")
    region.append(Figure("price_index", index, unit, definition, when, obs_syn, note, {"price_class": price_class}))
    unit, definition = definition_of("price_references")
    region.append(Figure("price_references", cited_references(), unit, definition, when))
    scopes = [ScopeIndicators("region", "region", "region", tuple(region))]
    for no, group in frame.groupby("municipality_no", sort=True):
        name = str(group["municipality_name"].dropna().iloc[0]) if group["municipality_name"].notna().any() else str(no)
        mask = (frame["municipality_no"] == no).to_numpy()
        scopes.append(ScopeIndicators("municipality", str(no), name, ctx.figures(mask, muni=str(no))))
    areas = registry.load_business_areas()
    names = dict(zip(areas["area_id"].astype(str), areas["name"].astype(str), strict=True)) if len(areas) else {}
    for area_id in sorted(frame["business_area_id"].dropna().astype(str).unique()):
        mask = (frame["business_area_id"].astype(str) == area_id).to_numpy()
        scopes.append(
            ScopeIndicators("business_area", area_id, names.get(area_id, area_id), ctx.figures(mask, area=area_id))
        )
    everything = summarize_synthetic(pd.DataFrame(plots.drop(columns="geometry")), layers=used_layers or None)
    return IndicatorReport(when, tuple(scopes), everything)


def layer_flags(layers_dir: str | Path | None) -> dict[str, bool]:
    """Layer id -> synthetic flag of the manifest in ``layers_dir`` (empty when there is none)."""
    if layers_dir is None or not (Path(layers_dir) / "layers.toml").exists():
        return {}
    from landreg.layers.manifest import load_manifest

    return {spec.id: bool(spec.synthetic) for spec in load_manifest(layers_dir).layers}


def compute_registry_indicators(
    registry: AnalysisSource,
    *,
    layers_dir: str | Path | None,
    as_of: dt.datetime | None = None,
    municipality_no: Sequence[str] = (),
) -> IndicatorReport:
    """:func:`compute_indicators` with the synthetic flags of the layers in ``layers_dir`` (CLI, service, open data).

    Parameters
    ----------
    registry : AnalysisSource
        An open, enriched registry (only read).
    layers_dir : str or Path, optional
        Folder with ``layers.toml``; without one no layer counts in the synthetic shares.
    as_of : datetime, optional
        The registry as recorded then (UTC when naive); default now.
    municipality_no : sequence of str
        Only these municipalities (kommunenummer or names).

    Returns
    -------
    IndicatorReport

    Raises
    ------
    NotEnrichedError, ValidationError
        As :func:`compute_indicators`.
    """
    return compute_indicators(registry, as_of=as_of, municipality_no=municipality_no, layers=layer_flags(layers_dir))


def _municipalities(refs: Sequence[str]) -> list[str]:
    out = []
    for ref in refs:
        no = municipality_no_from_ref(str(ref))
        if no is None:
            known = known_municipalities_text()
            message = f"unknown municipality {ref!r}; expected a kommunenummer or name, one of: {known}"
            problem = Problem("indicators", "municipality", message, whole_input=True)
            raise ValidationError([problem], context="indicators", wrote_nothing=False)
        out.append(str(no))
    return out


def _layers_used(plots: pd.DataFrame, layers: Mapping[str, bool] | None) -> dict[str, bool]:
    if not layers:
        return {}
    from landreg.provenance import layers_used_by

    return layers_used_by(plots, manifest=layers)
