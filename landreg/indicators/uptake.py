"""Uptake of business land from the registry's history: decares that became sold or occupied each year.

An uptake event is a version of a plot in which it is sold or has occupants while the version
before it was neither.  A plot added already sold or occupied is no event: the history does not
say when that happened.  The event's date is the date its source gives for the change (the
provenance ``date`` of ``status``, or of ``occupants`` when only they changed), else the day the
version was recorded.  Only versions recorded up to the reference time count.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from landreg.provenance.entries import entry_of, parse_provenance
from landreg.registry.query import PlotQuery

#: Columns of :func:`uptake_events`.
EVENT_COLUMNS = ("plot_id", "code", "date", "year", "area_daa", "municipality_no", "business_area_id", "provenance")


def _occupied(value: Any) -> bool:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    return bool(value)


def _taken(row: pd.Series) -> bool:
    return str(row["status"]) == "sold" or _occupied(row["occupants"])


def _recorded(value: Any) -> dt.datetime:
    stamp = pd.Timestamp(value)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()


def _event_date(row: pd.Series, *, status_changed: bool) -> dt.date:
    prov = parse_provenance(row["provenance"])
    entry = entry_of(prov, "status" if status_changed else "occupants")
    given = entry.get("date") if entry else None
    if given:
        return dt.date.fromisoformat(str(given)[:10])
    return _recorded(row["recorded_at"]).date()


def read_history(registry: Any, *, as_of: dt.datetime) -> pd.DataFrame:
    """Every version of every plot recorded up to ``as_of``, oldest first per plot.

    Parameters
    ----------
    registry : PlotRegistry
        An open registry (only read).
    as_of : datetime
        Reference time (UTC); later versions are left out.

    Returns
    -------
    DataFrame
        The version rows of :meth:`plot_history` with ``recorded`` (UTC datetime) added.
    """
    ids = registry.query_plots(PlotQuery(include_ended=True))["plot_id"].astype(str)
    frames = [registry.plot_history(pid) for pid in ids]
    if not frames:
        return pd.DataFrame(columns=["plot_id", "version", "recorded"])
    history = pd.DataFrame(pd.concat(frames, ignore_index=True))
    history["recorded"] = [_recorded(v) for v in history["recorded_at"]]
    return history[history["recorded"] <= as_of].reset_index(drop=True)


def uptake_events(history: pd.DataFrame) -> pd.DataFrame:
    """The uptake events of a history (see the module docstring), one row per event.

    Parameters
    ----------
    history : DataFrame
        From :func:`read_history`.

    Returns
    -------
    DataFrame
        Columns :data:`EVENT_COLUMNS`; ``area_daa`` is the plot's area in the version of the event.
    """
    rows: list[dict[str, Any]] = []
    for _, versions in history.sort_values(["plot_id", "version"]).groupby("plot_id", sort=False):
        previous = None
        for _, row in versions.iterrows():
            if previous is not None and _taken(row) and not _taken(previous):
                status_changed = str(row["status"]) == "sold" and str(previous["status"]) != "sold"
                day = _event_date(row, status_changed=status_changed)
                rows.append(
                    {
                        "plot_id": row["plot_id"],
                        "code": row["code"],
                        "date": day,
                        "year": day.year,
                        "area_daa": float(row["area_m2"]) / 1000.0,
                        "municipality_no": row["municipality_no"],
                        "business_area_id": row["business_area_id"],
                        "provenance": row["provenance"],
                    }
                )
            previous = row
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


@dataclass(frozen=True)
class UptakeRates:
    """Yearly uptake and its averages over the last complete years before the reference date.

    Attributes
    ----------
    per_year : dict
        Year -> decares, for every year from the first observed one to the reference year
        (the reference year itself is partial).
    first_year : int
        The first year the history covers (its start, or an earlier dated event).
    averages : dict
        Window (5, 10) -> average daa/year over the observed complete years in it, or None.
    years_observed : dict
        Window -> number of observed complete years in it.
    trend_daa_per_year2 : float or None
        Least-squares slope over the observed complete years of the 10-year window (two or more).
    """

    per_year: dict[int, float]
    first_year: int
    averages: dict[int, float | None]
    years_observed: dict[int, int]
    trend_daa_per_year2: float | None


def uptake_rates(
    events: pd.DataFrame, *, history_start: dt.date, as_of: dt.date, windows: tuple[int, ...] = (5, 10)
) -> UptakeRates:
    """Decares taken up per year and the averages over the last complete years.

    Parameters
    ----------
    events : DataFrame
        From :func:`uptake_events` (possibly filtered to one municipality or area).
    history_start : date
        The first day the registry's history covers: its first recorded version, or an earlier
        date a change's source gives (for the whole registry, so a scope with no event in a year
        observed elsewhere counts a zero there).
    as_of : date
        Reference date; the windows are the complete years before its year.
    windows : tuple of int
        Window lengths in years.

    Returns
    -------
    UptakeRates
    """
    years = [int(y) for y in events["year"]] if len(events) else []
    first = min([history_start.year, *years])
    per_year = {y: 0.0 for y in range(first, as_of.year + 1)}
    for year, area in zip(years, events["area_daa"] if len(events) else [], strict=True):
        if year in per_year:
            per_year[year] += float(area)
    averages: dict[int, float | None] = {}
    observed: dict[int, int] = {}
    for n in windows:
        span = [y for y in range(as_of.year - n, as_of.year) if y >= first]
        observed[n] = len(span)
        averages[n] = sum(per_year[y] for y in span) / len(span) if span else None
    longest = [y for y in range(as_of.year - max(windows), as_of.year) if y >= first]
    trend = None
    if len(longest) >= 2:
        trend = float(np.polyfit(np.array(longest, dtype=float), [per_year[y] for y in longest], 1)[0])
    return UptakeRates(per_year, first, averages, observed, trend)
