"""Price summaries by municipality, business area, zoning, readiness or year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landreg.prices.observations import GROUP_COLUMNS, select_prices
from landreg.units import M2_PER_DAA

SUMMARY_COLUMNS = (
    "n_observations",
    "n_plots",
    "area_daa",
    "median_nok_m2",
    "q25_nok_m2",
    "q75_nok_m2",
    "mean_area_weighted_nok_m2",
)


def _stats(group: pd.DataFrame) -> pd.Series:
    price = group["price_nok_m2"].to_numpy(dtype=float)
    area = group["area_m2"].to_numpy(dtype=float)
    plots = group.drop_duplicates("plot_id")
    ok = np.isfinite(area) & (area > 0)
    weighted = float(np.sum(price[ok] * area[ok]) / np.sum(area[ok])) if ok.any() else np.nan
    q25, q50, q75 = np.quantile(price, [0.25, 0.5, 0.75]) if len(price) else (np.nan,) * 3
    return pd.Series(
        {
            "n_observations": len(group),
            "n_plots": len(plots),
            "area_daa": float(plots["area_m2"].sum()) / M2_PER_DAA,
            "median_nok_m2": float(q50),
            "q25_nok_m2": float(q25),
            "q75_nok_m2": float(q75),
            "mean_area_weighted_nok_m2": weighted,
        }
    )


def summarize_prices(
    observations: pd.DataFrame,
    *,
    by: str = "municipality",
    kind: str | None = None,
    basis: str | None = None,
    fees: str | None = None,
) -> pd.DataFrame:
    """Count, decares, median, quartiles and area-weighted mean NOK/m² per group.

    Asking and transaction prices, and each like-for-like price class (basis and
    connection fees), are always summarised separately: they are part of the
    group key, so no row mixes them.

    Parameters
    ----------
    observations : DataFrame
        From :func:`~landreg.prices.build_price_observations` (or
        :func:`~landreg.prices.current_asking_prices`).
    by : {"municipality", "business_area", "zoning", "readiness", "year"}
        The grouping.
    kind : {"asking", "transaction"}, optional
        Keep only this kind.
    basis : {"raw", "serviced"}, optional
        Keep only this basis.
    fees : {"included", "excluded", "unknown"}, optional
        Keep only this treatment of connection fees.

    Returns
    -------
    DataFrame
        One row per (group, kind, price_class) with :data:`SUMMARY_COLUMNS`.
        ``area_daa`` sums the area of the distinct plots observed;
        quartiles use linear interpolation (numpy's default); the area-weighted
        mean weights each observation by its plot's ``area_m2``:
        ``sum(price * area) / sum(area)``.

    Raises
    ------
    ValueError
        When ``by``, ``kind``, ``basis`` or ``fees`` is not a known value.
    """
    if by not in GROUP_COLUMNS:
        raise ValueError(f"by must be one of {sorted(GROUP_COLUMNS)}, got {by!r}")
    col = GROUP_COLUMNS[by]
    obs = select_prices(observations, kind=kind, basis=basis, fees=fees)
    keys = [col, "kind", "price_class"]
    if obs.empty:
        return pd.DataFrame(columns=[*keys, *SUMMARY_COLUMNS])
    rows = [
        {**dict(zip(keys, key, strict=True)), **_stats(group).to_dict()}
        for key, group in obs.groupby(keys, sort=True, dropna=False)
    ]
    out = pd.DataFrame(rows, columns=[*keys, *SUMMARY_COLUMNS])
    out["n_observations"] = out["n_observations"].astype(int)
    out["n_plots"] = out["n_plots"].astype(int)
    return out.rename(columns={col: by}).reset_index(drop=True)
