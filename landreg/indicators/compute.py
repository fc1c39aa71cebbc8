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
from typing import Any

import numpy as np
import pandas as pd
import shapely

from landreg.analysis import load_enriched_plots
from landreg.clusters import scoring_context
from landreg.errors import Problem, ValidationError
from landreg.indicators.definitions import definition_of
from landreg.indicators.model import Figure, IndicatorReport, ScopeIndicators
from landreg.indicators.prices import (
    asking_price_groups,
    cited_references,
    price_index_value,
    price_observations_as_of,
)
from landreg.indicators.uptake import read_history, uptake_events, uptake_rates
from landreg.municipalities import known_municipalities_text, municipality_no_from_ref
from landreg.provenance import SyntheticSummary, summarize_synthetic
from landreg.registry.query import PlotQuery
from landreg.scoring import load_profile, score_plots
from landreg.supply import effective_supply

#: Statuses of land on offer now or later (new-road and hazard figures).
OFFERED_STATUSES = ("available", "planned", "locked")
_WINDOWS = (5, 10)


def _utc(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def plots_as_of(registry: Any, *, as_of: dt.datetime | None) -> pd.DataFrame:
    """The plots as recorded at ``as_of`` (live ones when None) with their derived attributes.

    A plot's derived attributes (access, terrain, hazards) are joined where its outline at
    ``as_of`` is the outline they were computed from; elsewhere they are empty.

    Raises
    ------
    NotEnrichedError
        When the registry was never enriched.
    """
    live = load_enriched_plots(registry)
    if as_of is None:
        return live
    past = registry.query_plots(PlotQuery(as_of=as_of))
    derived = [c for c in live.columns if c not in past.columns]
    joined = past.merge(
        pd.DataFrame(live[["plot_id", *derived]]).assign(_live_geometry=live.geometry.to_numpy()),
        on="plot_id",
        how="left",
    )
    same = np.array(
        [
            g is not None and shapely.equals(a, g)
            for a, g in zip(joined.geometry, joined["_live_geometry"], strict=True)
        ],
        dtype=bool,
    )
    joined.loc[~same, derived] = None
    return joined.drop(columns="_live_geometry").set_geometry("geometry")


def compute_indicators(
    registry: Any,
    *,
    as_of: dt.datetime | None = None,
    municipality_no: Sequence[str] = (),
    profile: str = "general",
    layers: Mapping[str, bool] | None = None,
) -> IndicatorReport:
    """Every indicator figure per region, municipality and business area at one time.

    Parameters
    ----------
    registry : PlotRegistry
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
        When a municipality is unknown.
    """
    when = _utc(as_of)
    plots = plots_as_of(registry, as_of=None if as_of is None else when)
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
    history = read_history(registry, as_of=when)
    events = uptake_events(history)
    start = min(history["recorded"]).date() if len(history) else None
    if start is not None and len(events):  # the window observed starts at the earliest dated change anywhere
        start = min(start, min(events["date"]))
    if wanted:
        events = events[events["municipality_no"].astype(str).isin(wanted)]
    used_layers = _layers_used(plots, layers)
    ctx = _Context(when, frame, events, start, registry.load_decisions(), used_layers)
    region = list(ctx.figures(np.ones(len(frame), dtype=bool)))
    observations = price_observations_as_of(registry, plots=plots, as_of=when)
    index, price_class, note = price_index_value(observations)
    obs_syn = summarize_synthetic(price_observations=observations)
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


class _Context:
    """What every scope's figures read: the plots at the time, the uptake events, decisions, layers."""

    def __init__(
        self,
        when: dt.datetime,
        frame: pd.DataFrame,
        events: pd.DataFrame,
        history_start: dt.date | None,
        decisions: Sequence[Any],
        layers: dict[str, bool],
    ) -> None:
        self.when = when
        self.frame = frame
        self.events = events
        self.history_empty = history_start is None
        self.history_start = history_start or when.date()
        self.decisions = {d.decision_id: d for d in decisions}
        self.layers = layers
        status = frame["status"].astype(str)
        later_date = pd.to_datetime(frame["available_from"], errors="coerce").dt.date
        after = later_date.map(lambda d: d is not None and d == d and d > when.date()).astype(bool)
        self.now_mask = ((status == "available") & ~after).to_numpy()
        self.later_mask = ((status == "planned") | ((status == "available") & after)).to_numpy()

    def _figure(
        self,
        figure_id: str,
        value: Any,
        *,
        rows: pd.DataFrame,
        groups: Sequence[str],
        layers: Sequence[str] = (),
        detail: dict[str, Any] | None = None,
        note: dict[str, str] | None = None,
        extra: SyntheticSummary | None = None,
    ) -> Figure:
        unit, definition = definition_of(figure_id)
        flags = {k: v for k, v in self.layers.items() if k in layers} if layers else None
        synthetic = summarize_synthetic(rows, groups=groups, layers=flags or None)
        if extra is not None:
            synthetic = SyntheticSummary(synthetic.counts + extra.counts)
        return Figure(figure_id, value, unit, definition, self.when, synthetic, note or {}, detail or {})

    def figures(self, mask: np.ndarray, *, muni: str | None = None, area: str | None = None) -> tuple[Figure, ...]:
        f = self.frame
        status = f["status"].astype(str).to_numpy()
        out = []

        def daa(m: np.ndarray) -> float:
            return float(f.loc[m, "area_daa"].sum())

        for fid, m in (
            ("available_now_daa", mask & self.now_mask),
            ("available_later_daa", mask & self.later_mask),
            ("reserved_daa", mask & (status == "reserved")),
            ("sold_daa", mask & (status == "sold")),
        ):
            out.append(self._figure(fid, daa(m), rows=f[m], groups=["plots", "status"]))
        locked = mask & (status == "locked")
        per_decision: dict[str, Any] = {}
        for dec_id, group in f[locked].groupby(f.loc[locked, "decision_id"].fillna("none"), sort=True):
            d = self.decisions.get(str(dec_id))
            per_decision[str(dec_id)] = {
                "daa": float(group["area_daa"].sum()),
                "title": d.title if d else None,
                "status": str(d.status) if d else None,
                "expected_date": d.expected_date.isoformat() if d and d.expected_date else None,
            }
        out.append(
            self._figure(
                "locked_daa",
                daa(locked),
                rows=f[locked],
                groups=["plots", "status"],
                detail={"decisions": per_decision},
            )
        )
        supply = mask & (status == "available")
        out.append(
            self._figure(
                "effective_daa",
                float(f.loc[mask, "effective_daa"].sum()),
                rows=f[supply],
                groups=["plots", "status", "prices", "zoning", "readiness"],
                layers=list(self.layers),
            )
        )
        blocks = f.loc[supply, "block_area_daa"]
        out.append(
            self._figure(
                "largest_available_block_daa",
                float(blocks.max()) if len(blocks) else 0.0,
                rows=f[supply],
                groups=["plots", "status"],
            )
        )
        out += self._uptake_figures(daa(mask & self.now_mask), rows=f[mask & self.now_mask], muni=muni, area=area)
        offered = mask & np.isin(status, OFFERED_STATUSES)
        prices = asking_price_groups(f[offered & np.isin(status, ("available", "planned"))])
        out.append(
            self._figure(
                "asking_price_nok_m2",
                prices,
                rows=f[offered & np.isin(status, ("available", "planned"))],
                groups=["prices", "zoning", "readiness"],
            )
        )
        road = offered & f["requires_new_road"].astype(bool).to_numpy()
        out.append(self._figure("needs_new_road_daa", daa(road), rows=f[offered], groups=["plots", "readiness"]))
        for fid, col, layer in (
            ("quick_clay_daa", "quick_clay_share", "quick_clay"),
            ("flood_daa", "flood_share", "flood"),
        ):
            share = pd.to_numeric(f.loc[offered, col], errors="coerce") if col in f.columns else pd.Series(dtype=float)
            missing = int(share.isna().sum())
            note = (
                {"en": f"{missing} plots without hazard data left out", "nb": f"{missing} tomter uten faredata utelatt"}
                if missing
                else None
            )
            value = float((f.loc[offered, "area_daa"] * share.fillna(0.0)).sum())
            out.append(
                self._figure(
                    fid, value, rows=f[offered], groups=["plots"], layers=[layer, f"{layer}_coverage"], note=note
                )
            )
        return tuple(out)

    def _uptake_figures(
        self, available_now: float, *, rows: pd.DataFrame, muni: str | None, area: str | None
    ) -> list[Figure]:
        ev = self.events
        if muni is not None:
            ev = ev[ev["municipality_no"].astype(str) == muni]
        if area is not None:
            ev = ev[ev["business_area_id"].astype(str) == area]
        rates = uptake_rates(ev, history_start=self.history_start, as_of=self.when.date(), windows=_WINDOWS)
        ev_rows = pd.DataFrame(ev.drop(columns=["date", "year", "area_daa"]))
        used = summarize_synthetic(ev_rows, groups=["status", "firms"]) if len(ev_rows) else SyntheticSummary()
        n_events = len(ev)
        detail = {"first_year": rates.first_year, "n_events": n_events, "history_start": self.history_start.isoformat()}
        note: dict[str, str] = {}
        if not rates.years_observed[max(_WINDOWS)]:
            note = {
                "en": f"no complete year of history before {self.when.date()}: the history begins {self.history_start}",
                "nb": f"ingen hele år med historikk før {self.when.date()}: historikken begynner {self.history_start}",
            }
            if self.history_empty:
                note = {
                    "en": f"nothing was recorded in the registry before {self.when.date()}",
                    "nb": f"ingenting var registrert før {self.when.date()}",
                }
        elif not n_events:
            note = {
                "en": "no plot became sold or occupied in the recorded history",
                "nb": "ingen tomt ble solgt eller tatt i bruk i den registrerte historikken",
            }
        out = [
            self._figure(
                "uptake_daa_per_year",
                {str(y): v for y, v in rates.per_year.items()},
                rows=ev_rows,
                groups=[],
                extra=used,
                detail=detail,
                note=note,
            )
        ]
        for n in _WINDOWS:
            avg = rates.averages[n]
            d = {**detail, "years_observed": rates.years_observed[n]}
            out.append(
                self._figure(
                    f"uptake_avg_{n}y_daa_per_year", avg, rows=ev_rows, groups=[], extra=used, detail=d, note=note
                )
            )
        out.append(
            self._figure(
                "uptake_trend_daa_per_year2",
                rates.trend_daa_per_year2,
                rows=ev_rows,
                groups=[],
                extra=used,
                detail={**detail, "years_observed": rates.years_observed[max(_WINDOWS)]},
                note=note,
            )
        )
        for n in _WINDOWS:
            avg = rates.averages[n]
            years = available_now / avg if avg else None
            extra_note = note or (
                {
                    "en": "no uptake in the window: years of supply unbounded",
                    "nb": "ikke noe opptak i perioden: tilbudet varer ubegrenset",
                }
                if avg == 0
                else {}
            )
            supply_syn = summarize_synthetic(rows, groups=["plots", "status"])
            out.append(
                self._figure(
                    f"years_of_supply_{n}y",
                    years,
                    rows=ev_rows,
                    groups=[],
                    extra=SyntheticSummary(supply_syn.counts + used.counts),
                    detail={
                        "uptake_daa_per_year": avg,
                        "available_now_daa": available_now,
                        "years_observed": rates.years_observed[n],
                    },
                    note=extra_note,
                )
            )
        return out
