"""Price observations joined with plot attributes, and the like-for-like rule.

A price is only comparable with another of the same *price class*: the same
basis (``raw`` land or ``serviced`` land) and the same treatment of connection
fees (included, excluded or unknown).  Every function in :mod:`landreg.prices`
keeps the classes apart and refuses to pool them unless the caller passes
``mix=True``, which then emits :class:`~landreg.prices.errors.MixedPriceBasisWarning`.
"""

from __future__ import annotations

import warnings
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.prices.errors import MixedPriceBasisError, MixedPriceBasisWarning

#: Plot attributes copied onto each observation.
PLOT_ATTRIBUTES = (
    "code",
    "area_m2",
    "municipality_no",
    "municipality_name",
    "business_area_id",
    "zoning",
    "readiness",
    "status",
)
#: ``--by`` names -> the column that holds the group.
GROUP_COLUMNS = {
    "municipality": "municipality_name",
    "business_area": "business_area_id",
    "zoning": "zoning",
    "readiness": "readiness",
    "year": "year",
}
KINDS = ("asking", "transaction")
BASES = ("raw", "serviced")


def _fees_label(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "fees unknown"
    return "fees included" if bool(value) else "fees excluded"


def price_class_of(basis: Any, connection_fees_included: Any) -> str:
    """The like-for-like class of a price, e.g. ``'serviced, fees included'``."""
    return f"{basis if isinstance(basis, str) else 'unknown basis'}, {_fees_label(connection_fees_included)}"


def _with_class(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["price_class"] = [
        price_class_of(b, f) for b, f in zip(frame["basis"], frame["connection_fees_included"], strict=True)
    ]
    return frame


def build_price_observations(
    plots: gpd.GeoDataFrame,
    history: pd.DataFrame,
    *,
    enriched: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Join dated price observations with the attributes of their plots.

    Parameters
    ----------
    plots : GeoDataFrame
        Plots in EPSG:25832 (as :meth:`query_plots` returns them), with ``plot_id``.
    history : DataFrame
        ``plot_id, observed_on, kind, price_nok_m2, basis, connection_fees_included``
        (as :meth:`price_history` returns it).  Observations of plots not in
        ``plots`` are dropped.
    enriched : DataFrame, optional
        Extra per-plot columns (road-access travel times, slope, ...) keyed by a
        ``plot_id`` column or indexed like ``plots``; copied onto the observations.

    Returns
    -------
    DataFrame
        One row per observation with ``year``, ``price_class``, the plot
        attributes of :data:`PLOT_ATTRIBUTES` and the plot centroid ``x``, ``y``
        (EPSG:25832, metres).
    """
    attrs = _plot_table(plots, enriched=enriched)
    obs = history.loc[:, [c for c in history.columns if c not in ("recorded_at", "recorded_by")]].copy()
    obs = obs.merge(attrs, on="plot_id", how="inner")
    obs["observed_on"] = pd.to_datetime(obs["observed_on"])
    obs["year"] = obs["observed_on"].dt.year.astype(int)
    obs["price_nok_m2"] = obs["price_nok_m2"].astype(float)
    return _with_class(obs).reset_index(drop=True)


def load_price_observations(registry: Any, *, enriched: pd.DataFrame | None = None) -> pd.DataFrame:
    """Price observations of every live plot of ``registry`` (see :func:`build_price_observations`).

    Parameters
    ----------
    registry : PlotRegistry
        An open registry (e.g. :func:`landreg.open_registry`).
    enriched : DataFrame, optional
        Per-plot enrichment columns (travel times, slope) keyed by ``plot_id``.

    Returns
    -------
    DataFrame
    """
    return build_price_observations(registry.query_plots(), registry.price_history(), enriched=enriched)


def current_asking_prices(plots: gpd.GeoDataFrame, *, enriched: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each plot's current asking price: the midpoint of ``price_min_nok_m2`` and ``price_max_nok_m2``.

    Plots without an asking price are left out.  The result has the columns of
    :func:`build_price_observations` with ``kind='asking'`` and ``observed_on`` empty.
    """
    attrs = _plot_table(plots, enriched=enriched)
    lo = pd.to_numeric(plots["price_min_nok_m2"], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(plots["price_max_nok_m2"], errors="coerce").to_numpy(dtype=float)
    mid = np.where(np.isnan(lo), hi, np.where(np.isnan(hi), lo, (lo + hi) / 2.0))
    out = attrs.assign(
        kind="asking",
        price_nok_m2=mid,
        basis=plots["price_basis"].to_numpy(),
        connection_fees_included=plots["connection_fees_included"].to_numpy(),
        observed_on=pd.NaT,
    )
    out = out[np.isfinite(mid)]
    return _with_class(out).reset_index(drop=True)


def _plot_table(plots: gpd.GeoDataFrame, *, enriched: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["plot_id", *[c for c in PLOT_ATTRIBUTES if c in plots.columns]]
    table = pd.DataFrame(plots[cols]).copy()
    centroids = plots.geometry.centroid
    table["x"] = centroids.x.to_numpy()
    table["y"] = centroids.y.to_numpy()
    if enriched is not None:
        extra = enriched.copy()
        if "plot_id" not in extra.columns:
            extra = extra.assign(plot_id=plots.loc[extra.index, "plot_id"].to_numpy())
        extra = extra.drop(columns=[c for c in extra.columns if c in table.columns and c != "plot_id"])
        extra = extra.drop(columns=[c for c in extra.columns if c == "geometry"])
        table = table.merge(pd.DataFrame(extra), on="plot_id", how="left")
    return table


def select_prices(
    observations: pd.DataFrame,
    *,
    kind: str | None = None,
    basis: str | None = None,
    connection_fees_included: bool | None = None,
) -> pd.DataFrame:
    """The observations of one kind and/or basis (None keeps all)."""
    keep = np.ones(len(observations), dtype=bool)
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        keep &= (observations["kind"] == kind).to_numpy()
    if basis is not None:
        if basis not in BASES:
            raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
        keep &= (observations["basis"] == basis).to_numpy()
    if connection_fees_included is not None:
        fees = observations["connection_fees_included"]
        keep &= np.array([v is not None and v is not pd.NA and bool(v) == connection_fees_included for v in fees])
    return observations.loc[keep]


def ensure_like_for_like(frame: pd.DataFrame, *, mix: bool = False, what: str = "comparison") -> list[str]:
    """Check that ``frame`` holds one price class (and one kind); return the classes found.

    Parameters
    ----------
    frame : DataFrame
        With ``basis``, ``connection_fees_included`` (and optionally ``kind``).
    mix : bool
        Allow several classes: warn instead of raising.
    what : str
        Names the operation in the message.

    Raises
    ------
    MixedPriceBasisError
        When the frame holds several price classes or kinds and ``mix`` is false.

    Warns
    -----
    MixedPriceBasisWarning
        When it does and ``mix`` is true.
    """
    classes = sorted(set(_with_class(frame)["price_class"])) if len(frame) else []
    kinds = sorted(set(frame["kind"])) if "kind" in frame.columns and len(frame) else []
    if len(classes) <= 1 and len(kinds) <= 1:
        return classes
    found = f"price classes {classes}" + (f" and kinds {kinds}" if len(kinds) > 1 else "")
    if not mix:
        raise MixedPriceBasisError(
            f"{what}: expected prices of one like-for-like class (one basis raw/serviced, one treatment of "
            f"connection fees, one kind) but found {found}; choose one with basis=/kind= (or --basis/--kind), "
            "or pass mix=True (--mix) to pool them knowingly"
        )
    warnings.warn(
        f"{what}: pooling {found} because mix=True; the result is not like-for-like",
        MixedPriceBasisWarning,
        stacklevel=3,
    )
    return classes
