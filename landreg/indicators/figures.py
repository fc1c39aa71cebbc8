"""The figures of one scope (region, municipality or business area), from the plots and uptake events at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from landreg.indicators.definitions import definition_of
from landreg.indicators.model import Figure
from landreg.indicators.prices import asking_price_groups
from landreg.indicators.supply_history import SupplyHistory
from landreg.indicators.synthetic import SyntheticIndex
from landreg.indicators.uptake import uptake_rates
from landreg.provenance import SyntheticSummary, summarize_synthetic

#: Statuses of land on offer now or later (new-road and hazard figures).
OFFERED_STATUSES = ("available", "planned", "locked")
#: Field groups of the plots that some figure counts in its synthetic share.
_PLOT_GROUPS = ("plots", "status", "prices", "zoning", "readiness")
#: Windows (years) of the average uptake.
WINDOWS = (5, 10)


class FigureContext:
    """What every scope's figures read: the plots at the time, the uptake events, decisions, layers."""

    def __init__(
        self,
        when: dt.datetime,
        frame: pd.DataFrame,
        events: pd.DataFrame,
        history_start: dt.date | None,
        decisions: Sequence[Any],
        layers: dict[str, bool],
        *,
        supply: SupplyHistory | None = None,
    ) -> None:
        self.when = when
        self.supply = supply
        self.frame = frame
        self.events = events
        self.history_empty = history_start is None
        self.history_start = history_start or when.date()
        self.decisions = {d.decision_id: d for d in decisions}
        self.layers = layers
        self.plot_synthetic = SyntheticIndex(frame, groups=_PLOT_GROUPS)
        self.status = frame["status"].astype(str).to_numpy()
        self.area_daa = frame["area_daa"].to_numpy(dtype=float)
        self.effective_daa = frame["effective_daa"].to_numpy(dtype=float)
        self.block_area_daa = frame["block_area_daa"].to_numpy(dtype=float)
        self.requires_new_road = frame["requires_new_road"].fillna(False).astype(bool).to_numpy()
        self.event_synthetic = SyntheticIndex(events, groups=("status", "firms"))
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
        mask: np.ndarray | None,
        groups: Sequence[str],
        layers: Sequence[str] = (),
        detail: dict[str, Any] | None = None,
        note: dict[str, str] | None = None,
        extra: SyntheticSummary | None = None,
    ) -> Figure:
        unit, definition = definition_of(figure_id)
        flags = {k: v for k, v in self.layers.items() if k in layers} if layers else None
        synthetic = self.plot_synthetic.summary(mask, groups=groups) if groups else SyntheticSummary()
        if flags:
            synthetic = SyntheticSummary(synthetic.counts + summarize_synthetic(layers=flags).counts)
        if extra is not None:
            synthetic = SyntheticSummary(synthetic.counts + extra.counts)
        return Figure(figure_id, value, unit, definition, self.when, synthetic, note or {}, detail or {})

    def figures(self, mask: np.ndarray, *, muni: str | None = None, area: str | None = None) -> tuple[Figure, ...]:
        """The figures of the plots in ``mask`` (the uptake of events in municipality ``muni`` or area ``area``).

        Parameters
        ----------
        mask : ndarray of bool
            The scope's plots among ``self.frame``.
        muni, area : str, optional
            The scope's kommunenummer or business area id (neither for the region).

        Returns
        -------
        tuple of Figure
        """
        f = self.frame
        status = self.status
        decares = self.area_daa
        out = []

        def daa(m: np.ndarray) -> float:
            return float(decares[m].sum())

        for fid, m in (
            ("available_now_daa", mask & self.now_mask),
            ("available_later_daa", mask & self.later_mask),
            ("reserved_daa", mask & (status == "reserved")),
            ("sold_daa", mask & (status == "sold")),
        ):
            out.append(self._figure(fid, daa(m), mask=m, groups=["plots", "status"]))
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
                mask=locked,
                groups=["plots", "status"],
                detail={"decisions": per_decision},
            )
        )
        supply = mask & (status == "available")
        out.append(
            self._figure(
                "effective_daa",
                float(self.effective_daa[mask].sum()),
                mask=supply,
                groups=["plots", "status", "prices", "zoning", "readiness"],
                layers=list(self.layers),
            )
        )
        blocks = self.block_area_daa[supply]
        out.append(
            self._figure(
                "largest_available_block_daa",
                float(pd.Series(blocks).max()) if len(blocks) else 0.0,
                mask=supply,
                groups=["plots", "status"],
            )
        )
        out += self._uptake_figures(daa(mask & self.now_mask), supply_mask=mask & self.now_mask, muni=muni, area=area)
        if self.supply is not None:
            out.append(self._supply_figure(muni=muni, area=area))
        offered = mask & np.isin(status, OFFERED_STATUSES)
        asking = offered & np.isin(status, ("available", "planned"))
        out.append(
            self._figure(
                "asking_price_nok_m2",
                asking_price_groups(f[asking]),
                mask=asking,
                groups=["prices", "zoning", "readiness"],
            )
        )
        road = offered & self.requires_new_road
        out.append(self._figure("needs_new_road_daa", daa(road), mask=offered, groups=["plots", "readiness"]))
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
                self._figure(fid, value, mask=offered, groups=["plots"], layers=[layer, f"{layer}_coverage"], note=note)
            )
        return tuple(out)

    def _events_in(self, *, muni: str | None, area: str | None) -> np.ndarray:
        in_scope = np.ones(len(self.events), dtype=bool)
        if muni is not None:
            in_scope &= (self.events["municipality_no"].astype(str) == muni).to_numpy()
        if area is not None:
            in_scope &= (self.events["business_area_id"].astype(str) == area).to_numpy()
        return in_scope

    def _supply_figure(self, *, muni: str | None, area: str | None) -> Figure:
        """Decares by status at each year end and years of supply then (:class:`SupplyHistory`)."""
        assert self.supply is not None
        series, versions = self.supply.series(muni=muni, area=area)
        events = self.event_synthetic.summary(self._events_in(muni=muni, area=area), groups=["status", "firms"])
        ends = self.supply.ends
        note: dict[str, str] = {}
        if not ends:
            note = {
                "en": f"nothing was recorded in the registry before {self.when.date()}",
                "nb": f"ingenting var registrert før {self.when.date()}",
            }
        elif len(ends) == 1:
            start = self.supply.first_recorded
            note = {
                "en": f"the registry's recorded history begins {start}: no earlier year end can be shown",
                "nb": f"registerets historikk begynner {start}: ingen tidligere årsskifter kan vises",
            }
        detail = {
            "ends": {str(e.year): e.isoformat() for e in ends},
            "first_recorded": self.supply.first_recorded.isoformat(),
            "years_of_supply_window_years": 5,
        }
        return self._figure(
            "supply_daa_by_year",
            series,
            mask=None,
            groups=[],
            extra=SyntheticSummary(self.supply.synthetic_of(versions).counts + events.counts),
            detail=detail,
            note=note,
        )

    def _uptake_figures(
        self, available_now: float, *, supply_mask: np.ndarray, muni: str | None, area: str | None
    ) -> list[Figure]:
        in_scope = self._events_in(muni=muni, area=area)
        ev = self.events[in_scope]
        rates = uptake_rates(ev, history_start=self.history_start, as_of=self.when.date(), windows=WINDOWS)
        used = self.event_synthetic.summary(in_scope, groups=["status", "firms"])
        n_events = len(ev)
        detail = {"first_year": rates.first_year, "n_events": n_events, "history_start": self.history_start.isoformat()}
        note: dict[str, str] = {}
        if not rates.years_observed[max(WINDOWS)]:
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
                mask=None,
                groups=[],
                extra=used,
                detail=detail,
                note=note,
            )
        ]
        for n in WINDOWS:
            avg = rates.averages[n]
            d = {**detail, "years_observed": rates.years_observed[n]}
            out.append(
                self._figure(
                    f"uptake_avg_{n}y_daa_per_year", avg, mask=None, groups=[], extra=used, detail=d, note=note
                )
            )
        out.append(
            self._figure(
                "uptake_trend_daa_per_year2",
                rates.trend_daa_per_year2,
                mask=None,
                groups=[],
                extra=used,
                detail={**detail, "years_observed": rates.years_observed[max(WINDOWS)]},
                note=note,
            )
        )
        for n in WINDOWS:
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
            supply_syn = self.plot_synthetic.summary(supply_mask, groups=["plots", "status"])
            out.append(
                self._figure(
                    f"years_of_supply_{n}y",
                    years,
                    mask=None,
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
