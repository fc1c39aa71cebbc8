"""A yearly land-price index (base year = 100).

Two methods:

``"time_dummy"`` (default): a hedonic time-dummy index.  OLS of the log price
on one dummy per year (the base year is the reference) plus quality controls
that vary in the data — log plot area, zoning and municipality::

    log p_it = a + sum_t d_t * 1[year = t] + b * log(area_i) + zoning_i + municipality_i + e_it

The index in year t is ``100 * exp(d_t)``: the price change of a plot of the
same size, zoning and municipality, so a year in which mostly cheap outlying
plots were observed does not pull the index down.  Its 95 % interval is
``100 * exp(d_t ± 1.96 se(d_t))``.  When the same plots are observed in every
year (a balanced panel) ``d_t`` equals the difference of the yearly means of
the log price, i.e. the index is the ratio of geometric means.

``"median"``: ``100 * median_t / median_base`` over all observations of the
year; simple and robust, but not quality adjusted.

Either way the observations must be of one like-for-like class and one kind
(see :func:`~landreg.prices.ensure_like_for_like`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landreg.prices.design import design_matrix
from landreg.prices.errors import InsufficientPriceDataError
from landreg.prices.observations import ensure_like_for_like, select_prices

INDEX_METHODS = ("time_dummy", "median")
_Z95 = 1.959963984540054


def price_index(
    observations: pd.DataFrame,
    *,
    kind: str | None = "asking",
    basis: str | None = None,
    fees: str | None = None,
    base_year: int | None = None,
    method: str = "time_dummy",
    controls: tuple[str, ...] = ("log_area", "zoning", "municipality_no"),
    mix: bool = False,
) -> pd.DataFrame:
    """Yearly price index, base year = 100.

    Parameters
    ----------
    observations : DataFrame
        From :func:`~landreg.prices.build_price_observations`.
    kind : {"asking", "transaction"}, optional
        Select one kind of price (None keeps all).
    basis : {"raw", "serviced"}, optional
        Select one basis; without it the observations must already be of one class.
    fees : {"included", "excluded", "unknown"}, optional
        Select one treatment of connection fees (see :func:`~landreg.prices.select_prices`).
    base_year : int, optional
        The year set to 100 (default: the first year with data).
    method : {"time_dummy", "median"}
        See the module docstring.
    controls : tuple of str
        Quality controls of the time-dummy method: ``"log_area"`` and any
        categorical plot column (``zoning``, ``municipality_no``, ``readiness``, ...).
    mix : bool
        Pool several price classes (with a warning) instead of refusing.

    Returns
    -------
    DataFrame
        ``year, index, ci_low, ci_high, n_observations, median_nok_m2`` (the
        interval is NaN for the median method and for the base year).

    Raises
    ------
    MixedPriceBasisError
        Several price classes and ``mix`` false.
    InsufficientPriceDataError
        No observations, or none in the base year.
    """
    if method not in INDEX_METHODS:
        raise ValueError(f"method must be one of {INDEX_METHODS}, got {method!r}")
    obs = select_prices(observations, kind=kind, basis=basis, fees=fees)
    obs = obs[np.isfinite(obs["price_nok_m2"]) & (obs["price_nok_m2"] > 0)]
    if obs.empty:
        raise InsufficientPriceDataError(
            f"price index: no positive prices for kind={kind!r}, basis={basis!r}, fees={fees!r}"
        )
    ensure_like_for_like(obs, mix=mix, what="price index")
    years = np.sort(obs["year"].unique())
    base = int(years[0]) if base_year is None else int(base_year)
    if base not in set(years.tolist()):
        raise InsufficientPriceDataError(
            f"price index: base year {base} has no observations; years with data are {years.tolist()}"
        )
    per_year = obs.groupby("year")["price_nok_m2"].agg(["size", "median"])
    out = pd.DataFrame(
        {
            "year": years.astype(int),
            "n_observations": per_year.loc[years, "size"].to_numpy(dtype=int),
            "median_nok_m2": per_year.loc[years, "median"].to_numpy(dtype=float),
        }
    )
    if method == "median":
        out["index"] = 100.0 * out["median_nok_m2"] / float(per_year.loc[base, "median"])
        out["ci_low"] = np.nan
        out["ci_high"] = np.nan
    else:
        est, se = _time_dummies(obs, base=base, controls=controls)
        d = np.array([est.get(int(y), 0.0) for y in years])
        s = np.array([se.get(int(y), np.nan) for y in years])
        out["index"] = 100.0 * np.exp(d)
        out["ci_low"] = 100.0 * np.exp(d - _Z95 * s)
        out["ci_high"] = 100.0 * np.exp(d + _Z95 * s)
    out["base_year"] = base
    out["method"] = method
    return out[["year", "index", "ci_low", "ci_high", "n_observations", "median_nok_m2", "base_year", "method"]]


def _time_dummies(obs: pd.DataFrame, *, base: int, controls: tuple[str, ...]) -> tuple[dict, dict]:
    import statsmodels.api as sm

    frame = obs.assign(log_area=np.log(obs["area_m2"].astype(float)), year=obs["year"].astype(int))
    numeric = [c for c in controls if c == "log_area" and frame["log_area"].nunique() > 1]
    cats: dict[str, object] = {"year": str(base)}
    cats.update({c: None for c in controls if c != "log_area"})
    design = design_matrix(frame, numeric=numeric, categorical=cats)
    y = np.log(frame["price_nok_m2"].to_numpy(dtype=float))
    # Drop controls that are collinear with the rest (e.g. a municipality observed in one year only).
    design = _full_rank(design, keep=[c for c in design.columns if c.startswith("year[")])
    if len(y) <= design.shape[1]:
        raise InsufficientPriceDataError(
            f"price index: {len(y)} observations for {design.shape[1]} parameters; use method='median'"
        )
    fit = sm.OLS(y, design.to_numpy()).fit()
    names = list(design.columns)
    est, se = {}, {}
    for i, name in enumerate(names):
        if name.startswith("year["):
            year = int(name[5:-1])
            est[year] = float(fit.params[i])
            se[year] = float(fit.bse[i]) if fit.df_resid > 0 else np.nan
    return est, se


def _full_rank(design: pd.DataFrame, *, keep: list[str]) -> pd.DataFrame:
    """Drop columns (not in ``keep``) that add no rank, in order from the last."""
    cols = list(design.columns)
    rank = np.linalg.matrix_rank(design.to_numpy())
    for col in reversed(cols):
        if rank == len(cols):
            break
        if col in keep or col == "const":
            continue
        trial = [c for c in cols if c != col]
        if np.linalg.matrix_rank(design[trial].to_numpy()) == rank:
            cols = trial
    return design[cols]
