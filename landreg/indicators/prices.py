"""Price figures of the indicators: asking prices by zoning and readiness, the price index, cited references."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landreg.prices.errors import InsufficientPriceDataError
from landreg.prices.index import price_index
from landreg.prices.observations import build_price_observations, most_common_price_class
from landreg.prices.references import in_region_references

if TYPE_CHECKING:
    from landreg.registry.base import PriceRecords

_GROUP = ("zoning", "readiness", "price_basis")


def asking_price_groups(plots: pd.DataFrame) -> list[dict[str, Any]]:
    """Median and quartiles of the plots' asking prices (midpoint of min and max), per zoning, readiness and basis.

    Parameters
    ----------
    plots : DataFrame
        Plots with ``price_min_nok_m2``, ``price_max_nok_m2``, ``zoning``, ``readiness``, ``price_basis``.

    Returns
    -------
    list of dict
        One per group with a price: the group's values, ``n_plots``, ``q25_nok_m2``,
        ``median_nok_m2`` and ``q75_nok_m2`` (prices of different bases are never pooled).
    """
    lo = pd.to_numeric(plots["price_min_nok_m2"], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(plots["price_max_nok_m2"], errors="coerce").to_numpy(dtype=float)
    mid = np.where(np.isnan(lo), hi, np.where(np.isnan(hi), lo, (lo + hi) / 2.0))
    frame = pd.DataFrame({c: plots[c].astype(object).fillna("unknown").astype(str).to_numpy() for c in _GROUP})
    frame["price"] = mid
    frame = frame[np.isfinite(frame["price"])]
    out = []
    for key, group in frame.groupby(list(_GROUP), sort=True):
        q25, q50, q75 = np.quantile(group["price"].to_numpy(), [0.25, 0.5, 0.75])
        out.append(
            {
                **dict(zip(_GROUP, key, strict=True)),
                "n_plots": len(group),
                "q25_nok_m2": float(q25),
                "median_nok_m2": float(q50),
                "q75_nok_m2": float(q75),
            }
        )
    return out


def price_observations_as_of(registry: PriceRecords, *, plots: pd.DataFrame, as_of: dt.datetime) -> pd.DataFrame:
    """The dated price observations of ``plots`` observed and recorded up to ``as_of``."""
    history = registry.price_history()
    if len(history):
        recorded = pd.to_datetime(history["recorded_at"], utc=True, errors="coerce")
        observed = pd.to_datetime(history["observed_on"], errors="coerce").dt.date
        keep = (recorded <= pd.Timestamp(as_of)) & observed.map(lambda d: d == d and d <= as_of.date()).astype(bool)
        history = history[keep.to_numpy()]
    import geopandas as gpd

    return build_price_observations(gpd.GeoDataFrame(plots, geometry="geometry"), history)


def price_index_value(observations: pd.DataFrame) -> tuple[list[dict[str, Any]] | None, dict[str, Any], dict[str, str]]:
    """Yearly median asking-price index of the most common price class (first year = 100).

    Returns
    -------
    tuple
        The index rows (``year``, ``index``, ``n_observations``, ``median_nok_m2``) or None,
        the class used, and a note (``{"en", "nb"}``) when there is no index.
    """
    try:
        chosen = most_common_price_class(observations, kind="asking")
        table = price_index(observations, kind="asking", basis=chosen.basis, fees=chosen.fees, method="median")
    except (InsufficientPriceDataError, ValueError) as exc:
        return None, {}, {"en": f"no price index: {exc}", "nb": f"ingen prisindeks: {exc}"}
    rows = [
        {
            "year": int(r.year),
            "index": float(r.index),
            "n_observations": int(r.n_observations),
            "median_nok_m2": float(r.median_nok_m2),
        }
        for r in table.itertuples()
    ]
    return rows, {"basis": chosen.basis, "fees": chosen.fees}, {}


def cited_references() -> list[dict[str, Any]]:
    """The cited in-region land prices: figure NOK/m², place, year, source and URL of each."""
    refs = in_region_references()
    cols = ["id", "price_nok_m2", "place", "municipality_no", "year", "source", "url"]
    return [{c: (None if pd.isna(row[c]) else row[c]) for c in cols} for _, row in refs.iterrows()]
