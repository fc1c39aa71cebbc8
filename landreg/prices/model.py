"""Hedonic price model: OLS of the log price on plot size, access, slope, zoning, municipality and year.

::

    log p_it = a + b_area * log(area_m2_i) + b_access * access_min_i + b_slope * slope_deg_i
               + zoning_i + municipality_i + year_t + e_it

``access_min`` (road travel time in minutes) and ``slope_deg`` enter only when
the observations carry enrichment columns (see :func:`find_access_column`,
:func:`find_slope_column`); without them the model is fitted on size, zoning,
municipality and year.  Categorical terms are treatment coded against their
most frequent level.  Residual spatial autocorrelation is checked with
Moran's I of the per-plot mean residual over k-nearest-neighbour weights.
Predictions are ``exp`` of the fitted log price (the conditional median).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from landreg.prices.design import design_matrix
from landreg.prices.errors import InsufficientPriceDataError
from landreg.prices.moran import MoranResult, morans_i
from landreg.prices.observations import ensure_like_for_like, price_class_of, select_prices

#: Access columns tried in order when ``access_column="auto"``.
ACCESS_CANDIDATES = ("motorway_junction_travel_time_s", "city_centre_travel_time_s", "port_travel_time_s")
#: Slope columns tried in order when ``slope_column="auto"``.
SLOPE_CANDIDATES = ("slope_mean_deg", "slope_deg", "mean_slope_deg", "slope_median_deg")
CATEGORICAL_TERMS = ("zoning", "municipality_no", "year")


def find_access_column(frame: pd.DataFrame) -> str | None:
    """The road-access travel-time column to use (``*_travel_time_s``), or None when there is none."""
    for col in ACCESS_CANDIDATES:
        if col in frame.columns and frame[col].notna().any():
            return col
    others = sorted(c for c in frame.columns if c.endswith("_travel_time_s") and frame[c].notna().any())
    return others[0] if others else None


def find_slope_column(frame: pd.DataFrame) -> str | None:
    """The slope column to use (degrees), or None when there is none."""
    for col in SLOPE_CANDIDATES:
        if col in frame.columns and frame[col].notna().any():
            return col
    others = sorted(c for c in frame.columns if "slope" in c and c.endswith("_deg") and frame[c].notna().any())
    return others[0] if others else None


@dataclass(frozen=True)
class PriceModel:
    """A fitted hedonic price model.

    Attributes
    ----------
    coefficients : DataFrame
        ``term, estimate, std_error, t_value, p_value, ci_low, ci_high`` (log scale).
    r2, adj_r2, aic : float
    n : int
        Observations used.
    n_dropped : int
        Observations left out for missing values in a term.
    access_column, slope_column : str or None
        The enrichment columns used (None when absent).
    reference_levels : dict
        The reference level of each categorical term.
    kind : str or None
    price_classes : tuple of str
    moran : MoranResult or None
        Moran's I of the per-plot mean residual (None with fewer than ``k + 2`` plots).
    residuals : DataFrame
        ``plot_id, year, log_price, fitted, residual`` per observation.
    """

    coefficients: pd.DataFrame
    r2: float
    adj_r2: float
    aic: float
    n: int
    n_dropped: int
    access_column: str | None
    slope_column: str | None
    reference_levels: dict[str, str]
    kind: str | None
    price_classes: tuple[str, ...]
    moran: MoranResult | None
    residuals: pd.DataFrame
    _numeric: tuple[str, ...] = field(repr=False, default=())
    _columns: tuple[str, ...] = field(repr=False, default=())
    _params: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    def fit_statistics(self) -> pd.DataFrame:
        """R², adjusted R², n, AIC and the residual Moran's I as a one-row DataFrame."""
        row: dict[str, Any] = {"n": self.n, "r2": self.r2, "adj_r2": self.adj_r2, "aic": self.aic}
        if self.moran is not None:
            row.update(moran_i=self.moran.moran_i, moran_p_value=self.moran.p_value, moran_k=self.moran.k)
        return pd.DataFrame([row])

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted NOK/m² (``exp`` of the fitted log price) for plots with the model's columns and ``year``.

        Rows with a level not seen in the fit, or a missing term, get NaN.
        """
        data = _terms(frame, access_column=self.access_column, slope_column=self.slope_column)
        design = pd.DataFrame({"const": np.ones(len(data))}, index=data.index)
        ok = np.ones(len(data), dtype=bool)
        for col in self._numeric:
            design[col] = data[col].to_numpy(dtype=float)
            ok &= np.isfinite(design[col].to_numpy())
        for term, ref in self.reference_levels.items():
            values = data[term].astype(str)
            seen = {c[len(term) + 1 : -1] for c in self._columns if c.startswith(f"{term}[")} | {ref}
            ok &= values.isin(seen).to_numpy()
            for col in self._columns:
                if col.startswith(f"{term}["):
                    design[col] = (values == col[len(term) + 1 : -1]).to_numpy(dtype=float)
        pred = design[list(self._columns)].to_numpy(dtype=float) @ self._params
        return np.where(ok, np.exp(pred), np.nan)


def _terms(frame: pd.DataFrame, *, access_column: str | None, slope_column: str | None) -> pd.DataFrame:
    data = frame.copy()
    data["log_area"] = np.log(data["area_m2"].astype(float))
    if access_column is not None:
        data["access_min"] = data[access_column].astype(float) / 60.0
    if slope_column is not None:
        data["slope_deg"] = data[slope_column].astype(float)
    data["year"] = data["year"].astype(int).astype(str)
    return data


def fit_price_model(
    observations: pd.DataFrame,
    *,
    kind: str | None = "asking",
    basis: str | None = None,
    fees: str | None = None,
    access_column: str | None = "auto",
    slope_column: str | None = "auto",
    mix: bool = False,
    moran_k: int = 8,
    permutations: int = 999,
    seed: int = 0,
) -> PriceModel:
    """Fit the hedonic model of the module docstring by OLS (statsmodels).

    Parameters
    ----------
    observations : DataFrame
        From :func:`~landreg.prices.build_price_observations` (pass ``enriched=``
        there to bring in travel-time and slope columns).
    kind : {"asking", "transaction"}, optional
        Select one kind of price (None keeps all).
    basis : {"raw", "serviced"}, optional
        Select one basis; without it the observations must be of one class unless ``mix``.
    fees : {"included", "excluded", "unknown"}, optional
        One treatment of connection fees (see :func:`~landreg.prices.select_prices`).
    access_column, slope_column : str, "auto" or None
        The enrichment columns; ``"auto"`` finds them (:func:`find_access_column`,
        :func:`find_slope_column`), None leaves the term out.
    mix : bool
        Pool several price classes (with a warning); the class then enters as a
        categorical control ``price_class``.
    moran_k, permutations, seed : int
        The residual Moran's I check (k neighbours, permutations, seed).

    Returns
    -------
    PriceModel

    Raises
    ------
    MixedPriceBasisError
        Several price classes and ``mix`` false.
    InsufficientPriceDataError
        Fewer observations than parameters.
    """
    import statsmodels.api as sm

    obs = select_prices(observations, kind=kind, basis=basis, fees=fees)
    obs = obs[np.isfinite(obs["price_nok_m2"]) & (obs["price_nok_m2"] > 0)]
    classes = ensure_like_for_like(obs, mix=mix, what="price model")
    if access_column == "auto":
        access_column = find_access_column(obs)
    if slope_column == "auto":
        slope_column = find_slope_column(obs)
    data = _terms(obs, access_column=access_column, slope_column=slope_column)
    numeric = ["log_area"] + (["access_min"] if access_column else []) + (["slope_deg"] if slope_column else [])
    cats = [*CATEGORICAL_TERMS, *(["price_class"] if len(classes) > 1 else [])]
    complete = np.isfinite(data[numeric].to_numpy(dtype=float)).all(axis=1) & data[cats].notna().all(axis=1)
    n_dropped = int((~complete).sum())
    data = data[complete.to_numpy()]
    refs = {}
    for col in cats:
        counts = data[col].astype(str).value_counts()
        if len(counts) > 1:
            refs[col] = sorted(counts[counts == counts.max()].index)[0]
    design = design_matrix(data, numeric=numeric, categorical=refs)
    y = np.log(data["price_nok_m2"].to_numpy(dtype=float))
    if len(y) <= design.shape[1]:
        raise InsufficientPriceDataError(
            f"price model: {len(y)} complete observations for {design.shape[1]} parameters; need more data"
        )
    fit = sm.OLS(y, design.to_numpy(), hasconst=True).fit()
    ci = np.asarray(fit.conf_int(0.05))
    coefs = pd.DataFrame(
        {
            "term": list(design.columns),
            "estimate": fit.params,
            "std_error": fit.bse,
            "t_value": fit.tvalues,
            "p_value": fit.pvalues,
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        }
    )
    resid = pd.DataFrame(
        {
            "plot_id": data["plot_id"].to_numpy(),
            "year": data["year"].astype(int).to_numpy(),
            "log_price": y,
            "fitted": fit.fittedvalues,
            "residual": fit.resid,
        }
    )
    moran = _residual_moran(resid, data, k=moran_k, permutations=permutations, seed=seed)
    return PriceModel(
        coefficients=coefs,
        r2=float(fit.rsquared),
        adj_r2=float(fit.rsquared_adj),
        aic=float(fit.aic),
        n=len(y),
        n_dropped=n_dropped,
        access_column=access_column,
        slope_column=slope_column,
        reference_levels=refs,
        kind=kind,
        price_classes=tuple(classes),
        moran=moran,
        residuals=resid,
        _numeric=tuple(numeric),
        _columns=tuple(design.columns),
        _params=np.asarray(fit.params, dtype=float),
    )


def _residual_moran(
    resid: pd.DataFrame, data: pd.DataFrame, *, k: int, permutations: int, seed: int
) -> MoranResult | None:
    if "x" not in data.columns or "y" not in data.columns:
        return None
    per_plot = resid.assign(x=data["x"].to_numpy(), y=data["y"].to_numpy()).groupby("plot_id", sort=True)
    table = per_plot.agg(residual=("residual", "mean"), x=("x", "first"), y=("y", "first"))
    if len(table) < k + 2:
        return None
    xy = table[["x", "y"]].to_numpy(dtype=float)
    return morans_i(table["residual"].to_numpy(), xy, k=k, permutations=permutations, seed=seed)


def compare_asking_to_model(
    model: PriceModel,
    asking: pd.DataFrame,
    *,
    year: int | None = None,
    tolerance: float = 0.15,
) -> pd.DataFrame:
    """Predicted against asking price per plot, with an under/over-priced flag.

    Parameters
    ----------
    model : PriceModel
        A fitted model (:func:`fit_price_model`).
    asking : DataFrame
        Current asking prices per plot (:func:`~landreg.prices.current_asking_prices`).
        Only plots of the model's price class(es) are compared.
    year : int, optional
        The year to predict for (default: the latest year in the model).
    tolerance : float
        ``ratio = asking / predicted``; ``"over"`` above ``1 + tolerance``,
        ``"under"`` below ``1 - tolerance``, else ``"in line"``.

    Returns
    -------
    DataFrame
        ``plot_id, code, municipality_name, asking_nok_m2, predicted_nok_m2, ratio, flag``;
        plots the model cannot predict (an unseen zoning or municipality, missing
        enrichment) have ``flag = "not predicted"``.
    """
    year = int(model.residuals["year"].max()) if year is None else int(year)
    classes = [price_class_of(b, f) for b, f in zip(asking["basis"], asking["connection_fees_included"], strict=True)]
    frame = asking[np.isin(classes, model.price_classes)].assign(year=year)
    if "price_class" in model.reference_levels:
        frame = frame.assign(price_class=np.asarray(classes)[np.isin(classes, model.price_classes)])
    predicted = model.predict(frame)
    ratio = frame["price_nok_m2"].to_numpy(dtype=float) / predicted
    flag = np.where(
        ~np.isfinite(ratio),
        "not predicted",
        np.where(ratio > 1 + tolerance, "over", np.where(ratio < 1 - tolerance, "under", "in line")),
    )
    cols = [c for c in ("plot_id", "code", "municipality_name", "business_area_id") if c in frame.columns]
    out = frame[cols].copy()
    out["asking_nok_m2"] = frame["price_nok_m2"].to_numpy(dtype=float)
    out["predicted_nok_m2"] = predicted
    out["ratio"] = ratio
    out["flag"] = flag
    return out.reset_index(drop=True)
