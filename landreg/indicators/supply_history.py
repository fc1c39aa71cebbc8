"""Supply over time: decares by status at the end of each year, swept from the registry's history in one pass.

The state at a time ``t`` is what :func:`~landreg.indicators.compute_indicators` reads with
``as_of=t``: the versions recorded at or before ``t`` and not superseded by then, leaving out
ended plots.  Rather than one such read per year, :func:`supply_over_time` takes every version
once, finds the year ends its recorded interval ``[recorded_at, superseded_at)`` covers (two
binary searches) and adds its decares to them through difference arrays; an available plot
whose availability date lies after a year end counts as available later there, and as
available now from the year end on or after that date.  Years of supply at each year end
follow from the uptake events recorded by then, as the figure at that date computes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from landreg.indicators.synthetic import SyntheticIndex
from landreg.provenance import SyntheticSummary
from landreg.provenance.entries import FIELD_GROUPS

#: Status columns of the series, in the order of the page's status chart.
SUPPLY_STATUSES = ("available_now_daa", "available_later_daa", "reserved_daa", "locked_daa", "sold_daa")
_NOW, _LATER, _RESERVED, _LOCKED, _SOLD = range(len(SUPPLY_STATUSES))
_SIMPLE = {"planned": _LATER, "reserved": _RESERVED, "locked": _LOCKED, "sold": _SOLD}


def year_end(year: int) -> dt.datetime:
    """The last instant of ``year`` the registry can record (UTC, to the millisecond it stamps versions with)."""
    return dt.datetime(year, 12, 31, 23, 59, 59, 999_000, tzinfo=dt.UTC)


def series_ends(history: pd.DataFrame, *, as_of: dt.datetime) -> list[dt.datetime]:
    """The times of the series: each year end from the first recorded version's year, then ``as_of`` itself.

    Parameters
    ----------
    history : DataFrame
        Versions with ``recorded`` (UTC timestamps), from :func:`~landreg.indicators.read_history`.
    as_of : datetime
        The reference time (UTC); its year is counted up to it.

    Returns
    -------
    list of datetime
        Empty when nothing was recorded by ``as_of``.
    """
    if not len(history):
        return []
    recorded = history["recorded"][history["recorded"] <= pd.Timestamp(as_of)]
    if not len(recorded):
        return []
    first = pd.Timestamp(recorded.min()).year
    return [*(year_end(y) for y in range(first, as_of.year)), as_of]


@dataclass(frozen=True)
class SupplySweep:
    """Where each version of a history counts: the ends it is live at, and as which status.

    Attributes
    ----------
    ends : tuple of datetime
    start, stop : ndarray of int
        Per version, the range ``[start, stop)`` of ends at which it is live (empty when never).
    split : ndarray of int
        Per version, the first end at which an available plot counts as available now (earlier:
        later); for other statuses equal to ``start``.
    status : ndarray of int
        Per version, the column of :data:`SUPPLY_STATUSES` it counts in from ``split`` on (-1: none).
    area_daa : ndarray of float
    """

    ends: tuple[dt.datetime, ...]
    start: np.ndarray
    stop: np.ndarray
    split: np.ndarray
    status: np.ndarray
    area_daa: np.ndarray

    @property
    def used(self) -> np.ndarray:
        """Per version: whether it counts at some end."""
        return (self.stop > self.start) & (self.status >= 0)

    def decares(self, groups: np.ndarray, *, n_groups: int) -> np.ndarray:
        """Decares per group, status and end.

        Parameters
        ----------
        groups : ndarray of int
            Per version, its group (0 … ``n_groups`` - 1; -1: in none).
        n_groups : int
            How many groups.

        Returns
        -------
        ndarray
            Shape (``n_groups``, len(:data:`SUPPLY_STATUSES`), len(``ends``)).
        """
        n = len(self.ends)
        diff = np.zeros((n_groups, len(SUPPLY_STATUSES), n + 1))
        keep = self.used & (groups >= 0)
        g, a = groups[keep], self.area_daa[keep]
        start, stop, split, status = self.start[keep], self.stop[keep], self.split[keep], self.status[keep]
        later_stop = np.minimum(stop, split)
        later = later_stop > start  # available, but not yet at the first ends
        np.add.at(diff, (g[later], _LATER, start[later]), a[later])
        np.add.at(diff, (g[later], _LATER, later_stop[later]), -a[later])
        now_start = np.maximum(start, split)
        rest = stop > now_start
        np.add.at(diff, (g[rest], status[rest], now_start[rest]), a[rest])
        np.add.at(diff, (g[rest], status[rest], stop[rest]), -a[rest])
        return np.cumsum(diff, axis=2)[:, :, :n]


def sweep_history(history: pd.DataFrame, *, ends: Sequence[dt.datetime]) -> SupplySweep:
    """Place every version of ``history`` at the ``ends`` it is live at (see the module docstring).

    Parameters
    ----------
    history : DataFrame
        From :func:`~landreg.indicators.read_history` (``recorded``, ``superseded_at``,
        ``valid_to``, ``status``, ``available_from``, ``area_m2``).
    ends : sequence of datetime
        Increasing times (UTC).

    Returns
    -------
    SupplySweep
    """
    ends_ns = np.array([pd.Timestamp(e).value for e in ends], dtype=np.int64)
    recorded = _ns(history["recorded"])
    superseded = pd.to_datetime(history["superseded_at"], utc=True, format="ISO8601")
    never = np.iinfo(np.int64).max
    sup = np.where(superseded.isna(), never, superseded.to_numpy(dtype="datetime64[ns]").view(np.int64))
    start = np.searchsorted(ends_ns, recorded, side="left")  # first end at or after the recording
    stop = np.searchsorted(ends_ns, sup, side="left")  # ends before the version was superseded
    raw = history["status"].astype(str).to_numpy()
    status = np.array([_SIMPLE.get(s, _NOW if s == "available" else -1) for s in raw], dtype=np.int64)
    status[history["valid_to"].notna().to_numpy()] = -1  # an ended plot is read by no as_of query
    end_days = np.array([e.date() for e in ends], dtype="datetime64[D]")
    available_from = pd.to_datetime(history["available_from"], errors="coerce").to_numpy(dtype="datetime64[D]")
    split = np.where(
        (status == _NOW) & ~np.isnat(available_from),
        np.searchsorted(end_days, available_from, side="left"),  # the first end on or after the date
        start,
    )
    area = history["area_m2"].to_numpy(dtype=float) / 1000.0
    return SupplySweep(tuple(ends), start, stop, split, status, area)


def years_of_supply_over_time(
    available_now_daa: Sequence[float],
    events: pd.DataFrame,
    *,
    ends: Sequence[dt.datetime],
    history_starts: Sequence[dt.date],
    window_years: int = 5,
) -> list[float | None]:
    """Years of supply at each end: decares available now over the average uptake of the ``window_years`` before.

    Parameters
    ----------
    available_now_daa : sequence of float
        Per end, the scope's decares available now.
    events : DataFrame
        The scope's uptake events with ``recorded`` (:func:`~landreg.indicators.uptake_events`).
    ends : sequence of datetime
        The times (UTC), one per value of ``available_now_daa``.
    history_starts : sequence of date
        Per end, the first day the history recorded by then covers (the whole registry's).
    window_years : int
        Length of the uptake window before each end's year.

    Returns
    -------
    list of float or None
        None where the window holds no observed year or no uptake.
    """
    n = len(events)
    years = events["year"].to_numpy(dtype=np.int64) if n else np.zeros(0, dtype=np.int64)
    area = events["area_daa"].to_numpy(dtype=float) if n else np.zeros(0)
    recorded = _ns(events["recorded"]) if n else np.zeros(0, dtype=np.int64)
    out: list[float | None] = []
    for end, start, available in zip(ends, history_starts, available_now_daa, strict=True):
        known = recorded <= pd.Timestamp(end).value
        first = min([start.year, *([int(years[known].min())] if known.any() else [])])
        span = [y for y in range(end.year - window_years, end.year) if y >= first]
        if not span:
            out.append(None)
            continue
        inside = known & (years >= span[0]) & (years <= span[-1])
        per_year = np.zeros(len(span))
        np.add.at(per_year, years[inside] - span[0], area[inside])  # in event order, as uptake_rates adds them
        avg = sum(float(v) for v in per_year) / len(span)
        out.append(float(available) / avg if avg else None)
    return out


def _ns(values: pd.Series) -> np.ndarray:
    """UTC timestamps as int64 nanoseconds."""
    return pd.to_datetime(values, utc=True).to_numpy(dtype="datetime64[ns]").view(np.int64)


def history_starts(history: pd.DataFrame, events: pd.DataFrame, *, ends: Sequence[dt.datetime]) -> list[dt.date]:
    """Per end, the first day the history recorded by then covers: its first version, or an earlier event date."""
    recorded = np.sort(_ns(history["recorded"]))
    first_day = pd.Timestamp(int(recorded[0]), tz="UTC").date() if len(recorded) else None
    out = []
    for end in ends:
        t = pd.Timestamp(end)
        known = events[(events["recorded"] <= t).to_numpy()] if len(events) else events
        days = [d for d in [first_day, *(known["date"] if len(known) else [])] if d is not None]
        out.append(min(days) if days else end.date())
    return out


class SupplyHistory:
    """The supply series of every scope of one report, from one sweep of the history recorded by its time.

    Parameters
    ----------
    history : DataFrame
        The versions recorded up to ``as_of`` (:func:`~landreg.indicators.read_history`).
    events : DataFrame
        Their uptake events (:func:`~landreg.indicators.uptake_events`, with ``recorded``), every municipality.
    as_of : datetime
        The report's time (UTC): the last point of each series.
    municipality_no : sequence of str
        Only these municipalities (empty: all), as the report.
    """

    def __init__(
        self, history: pd.DataFrame, events: pd.DataFrame, *, as_of: dt.datetime, municipality_no: Sequence[str] = ()
    ) -> None:
        self.as_of = as_of
        self.ends = series_ends(history, as_of=as_of)
        sweep = sweep_history(history, ends=self.ends)
        wanted = set(municipality_no)
        muni = history["municipality_no"].astype(str).to_numpy()
        in_region = np.isin(muni, list(wanted)) if wanted else np.ones(len(history), dtype=bool)
        used = sweep.used & in_region
        self._sweep = sweep
        self._muni, self._area = muni[used], _keys(history["business_area_id"])[used]
        self._rows = np.flatnonzero(used)
        fields = ["provenance", *(f for f in (*FIELD_GROUPS["plots"], *FIELD_GROUPS["status"]) if f != "geometry")]
        self._synthetic = SyntheticIndex(history.iloc[self._rows][fields], groups=("plots", "status"))
        ev_muni = events["municipality_no"].astype(str).to_numpy() if len(events) else np.array([], dtype=str)
        self._events = events[np.isin(ev_muni, list(wanted))] if wanted and len(events) else events
        self.starts = history_starts(history, events, ends=self.ends)
        recorded = history["recorded"] if len(history) else pd.Series([pd.Timestamp(as_of)])
        self.first_recorded: dt.date = pd.Timestamp(recorded.min()).date()

    def series(
        self, *, muni: str | None = None, area: str | None = None
    ) -> tuple[dict[str, dict[str, float | None]], np.ndarray]:
        """Per year, decares by status at its end and years of supply then, for one scope.

        Parameters
        ----------
        muni, area : str, optional
            The scope's kommunenummer or business area id (neither: the region).

        Returns
        -------
        dict
            Year (text) -> :data:`SUPPLY_STATUSES` and ``years_of_supply_5y``; the last year is the
            report's, counted at its time.
        ndarray of bool
            Per used version (the rows of :meth:`synthetic_of`), whether it is in the scope.
        """
        mine = np.ones(len(self._rows), dtype=bool)
        ev = self._events
        if muni is not None:
            mine &= self._muni == muni
            ev = ev[(ev["municipality_no"].astype(str) == muni).to_numpy()] if len(ev) else ev
        if area is not None:
            mine &= self._area == area
            ev = ev[(ev["business_area_id"].astype(str) == area).to_numpy()] if len(ev) else ev
        groups = np.full(len(self._sweep.status), -1, dtype=np.int64)
        groups[self._rows[mine]] = 0
        daa = self._sweep.decares(groups, n_groups=1)[0]
        years = years_of_supply_over_time(daa[_NOW], ev, ends=self.ends, history_starts=self.starts, window_years=5)
        out: dict[str, dict[str, float | None]] = {}
        for i, end in enumerate(self.ends):
            row: dict[str, float | None] = {s: float(daa[k, i]) for k, s in enumerate(SUPPLY_STATUSES)}
            row["years_of_supply_5y"] = years[i]
            out[str(end.year)] = row
        return out, mine

    def synthetic_of(self, mask: np.ndarray) -> SyntheticSummary:
        """What is synthetic in the versions of ``mask`` (from :meth:`series`): their plots and statuses."""
        return self._synthetic.summary(mask, groups=["plots", "status"])


def _keys(values: pd.Series) -> np.ndarray:
    return np.array(["" if v is None or v != v else str(v) for v in values], dtype=object)
