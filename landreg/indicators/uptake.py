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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landreg.provenance.entries import entry_of, parse_provenance

if TYPE_CHECKING:
    from landreg.registry.base import PlotStore

#: Columns of :func:`uptake_events`.
EVENT_COLUMNS = (
    "plot_id",
    "code",
    "date",
    "year",
    "area_daa",
    "municipality_no",
    "business_area_id",
    "provenance",
    "recorded",
)


def _occupied(value: Any) -> bool:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    return bool(value)


def _recorded(value: Any) -> dt.datetime:
    stamp = pd.Timestamp(value)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()


def _event_date(provenance: Any, recorded_at: Any, *, status_changed: bool) -> dt.date:
    prov = parse_provenance(provenance)
    entry = entry_of(prov, "status" if status_changed else "occupants")
    given = entry.get("date") if entry else None
    if given:
        return dt.date.fromisoformat(str(given)[:10])
    return _recorded(recorded_at).date()


def read_history(registry: PlotStore, *, as_of: dt.datetime | None) -> pd.DataFrame:
    """Every version of every plot recorded up to ``as_of``, oldest first per plot, read in one query.

    Parameters
    ----------
    registry : PlotStore
        An open registry (only read).
    as_of : datetime or None
        Reference time (UTC); later versions are left out (None: every version).

    Returns
    -------
    DataFrame
        The version rows of :meth:`~landreg.registry.PlotStore.plot_versions` (no geometry)
        with ``recorded`` (UTC timestamp) added.
    """
    history = registry.plot_versions(as_of=as_of)
    history = history.sort_values(["plot_id", "version"], kind="stable").reset_index(drop=True)
    history["recorded"] = pd.to_datetime(history["recorded_at"], utc=True, format="ISO8601")
    return history


def uptake_events(history: pd.DataFrame) -> pd.DataFrame:
    """The uptake events of a history (see the module docstring), one row per event.

    Parameters
    ----------
    history : DataFrame
        From :func:`read_history` (versions ordered by plot and version).

    Returns
    -------
    DataFrame
        Columns :data:`EVENT_COLUMNS`; ``area_daa`` is the plot's area in the version of the event,
        ``recorded`` the time that version was recorded (UTC).
    """
    if not len(history):
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    history = history.sort_values(["plot_id", "version"], kind="stable").reset_index(drop=True)
    ids = history["plot_id"].astype(str).to_numpy()
    status = history["status"].astype(str).to_numpy()
    sold = status == "sold"
    taken = sold | np.fromiter((_occupied(v) for v in history["occupants"]), dtype=bool, count=len(history))
    same_plot = np.r_[False, ids[1:] == ids[:-1]]
    was_taken = np.r_[False, taken[:-1]]
    was_sold = np.r_[False, sold[:-1]]
    at = np.flatnonzero(same_plot & taken & ~was_taken)
    rows = history.iloc[at]
    days = [
        _event_date(prov, rec, status_changed=bool(s and not ws))
        for prov, rec, s, ws in zip(rows["provenance"], rows["recorded_at"], sold[at], was_sold[at], strict=True)
    ]
    out = pd.DataFrame(
        {
            "plot_id": rows["plot_id"].to_numpy(),
            "code": rows["code"].to_numpy(),
            "date": pd.Series(days, dtype=object),
            "year": pd.Series([d.year for d in days], dtype="int64"),
            "area_daa": rows["area_m2"].to_numpy(dtype=float) / 1000.0,
            "municipality_no": rows["municipality_no"].to_numpy(),
            "business_area_id": rows["business_area_id"].to_numpy(),
            "provenance": rows["provenance"].to_numpy(),
            "recorded": pd.to_datetime(rows["recorded_at"], utc=True, format="ISO8601").to_numpy(),
        },
        columns=list(EVENT_COLUMNS),
    )
    return out


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
