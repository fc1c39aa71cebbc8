"""Price observations joined with plot attributes, and the like-for-like rule.

A price is only comparable with another of the same *price class*: the same
basis (``raw`` land or ``serviced`` land) and the same treatment of connection
fees (included, excluded or unknown).  Every function in :mod:`landreg.prices`
keeps the classes apart and refuses to pool them unless the caller passes
``mix=True``, which then emits :class:`~landreg.prices.errors.MixedPriceBasisWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.prices.errors import InsufficientPriceDataError, MixedPriceBasisError, MixedPriceBasisWarning

if TYPE_CHECKING:
    from landreg.registry.base import PricedPlotStore

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
#: Treatments of connection fees: the ``fees`` argument and the CLI's ``--fees``.
FEES = ("included", "excluded", "unknown")


class PriceClass(NamedTuple):
    """A like-for-like price class and how many prices it holds."""

    basis: str
    fees: str
    n_prices: int

    @property
    def label(self) -> str:
        """The class as :func:`price_class_of` names it, e.g. ``'serviced, fees excluded'``."""
        return f"{self.basis}, fees {self.fees}"


def _flag(value: Any) -> bool | None:
    """One connection-fee flag: True, False or None (unknown); a missing value is never read as True."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_, int, np.integer, float, np.floating)) and value in (0, 1):
        return bool(value)  # GeoPackage readers give 1.0/0.0 for a boolean column with nulls
    raise ValueError(f"connection_fees_included must be true, false or empty (unknown), got {value!r}")


def fees_flags(values: Iterable[Any]) -> pd.api.extensions.ExtensionArray:
    """Connection-fee flags as a three-valued pandas ``"boolean"`` array.

    Parameters
    ----------
    values : iterable
        True/False (or 1/0, 1.0/0.0); None, NaN and ``pd.NA`` mean *unknown*.

    Returns
    -------
    pandas BooleanArray
        True, False, or ``pd.NA`` where the treatment of connection fees is unknown.

    Raises
    ------
    ValueError
        For any other value (e.g. the text ``"yes"``).
    """
    return pd.array([_flag(v) for v in values], dtype="boolean")


def fees_treatment(value: Any) -> str:
    """The treatment of connection fees of one flag.

    Parameters
    ----------
    value : bool, int, float, None or pd.NA
        A flag as :func:`fees_flags` accepts it.

    Returns
    -------
    str
        ``"included"``, ``"excluded"`` or ``"unknown"`` (None, NaN, ``pd.NA``).
    """
    flag = _flag(value)
    return "unknown" if flag is None else ("included" if flag else "excluded")


def _fees_label(value: Any) -> str:
    return f"fees {fees_treatment(value)}"


def price_class_of(basis: Any, connection_fees_included: Any) -> str:
    """The like-for-like class of a price, e.g. ``'serviced, fees included'`` or ``'serviced, fees unknown'``.

    Parameters
    ----------
    basis : str
        ``"raw"`` or ``"serviced"`` (anything else reads ``"unknown basis"``).
    connection_fees_included : bool, None or pd.NA
        None and ``pd.NA`` (not recorded) give ``"fees unknown"``, never ``"fees included"``.

    Returns
    -------
    str
    """
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
        (EPSG:25832, metres).  ``connection_fees_included`` is three-valued
        (pandas ``"boolean"``: True, False, ``pd.NA`` = unknown, see :func:`fees_flags`).
    """
    attrs = _plot_table(plots, enriched=enriched)
    obs = history.loc[:, [c for c in history.columns if c not in ("recorded_at", "recorded_by")]].copy()
    obs = obs.merge(attrs, on="plot_id", how="inner")
    obs["observed_on"] = pd.to_datetime(obs["observed_on"])
    obs["year"] = obs["observed_on"].dt.year.astype(int)
    obs["price_nok_m2"] = obs["price_nok_m2"].astype(float)
    obs["connection_fees_included"] = fees_flags(obs["connection_fees_included"])
    return _with_class(obs).reset_index(drop=True)


def prices_are_synthetic(observations: pd.DataFrame) -> bool:
    """Whether any of these price observations is synthetic (its ``source`` says so).

    Charts and tables label themselves from this, never from a fixed default.

    Parameters
    ----------
    observations : DataFrame
        Price observations with a ``source`` column (:func:`build_price_observations`).

    Returns
    -------
    bool
    """
    from landreg.provenance import summarize_synthetic

    return summarize_synthetic(price_observations=observations).any_synthetic


def load_price_observations(registry: PricedPlotStore, *, enriched: pd.DataFrame | None = None) -> pd.DataFrame:
    """Price observations of every live plot of ``registry`` (see :func:`build_price_observations`).

    Parameters
    ----------
    registry : PricedPlotStore
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
        connection_fees_included=fees_flags(plots["connection_fees_included"]),
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
    fees: str | None = None,
    connection_fees_included: bool | None = None,
) -> pd.DataFrame:
    """The observations of one kind, basis and/or treatment of connection fees (None keeps all).

    Parameters
    ----------
    observations : DataFrame
        With ``kind``, ``basis`` and ``connection_fees_included``.
    kind : {"asking", "transaction"}, optional
        Keep asking prices or transaction prices.
    basis : {"raw", "serviced"}, optional
        Keep raw or serviced (ready-to-build) prices.
    fees : {"included", "excluded", "unknown"}, optional
        ``"unknown"`` keeps the prices whose treatment of connection fees is not recorded.
    connection_fees_included : bool, optional
        The same as ``fees="included"`` (True) or ``fees="excluded"`` (False).

    Returns
    -------
    DataFrame
        The selected rows.

    Raises
    ------
    ValueError
        For an unknown ``kind``, ``basis`` or ``fees``, or ``fees`` and
        ``connection_fees_included`` that disagree.
    """
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
        wanted = "included" if connection_fees_included else "excluded"
        if fees is not None and fees != wanted:
            raise ValueError(f"fees={fees!r} contradicts connection_fees_included={connection_fees_included}")
        fees = wanted
    if fees is not None:
        if fees not in FEES:
            raise ValueError(f"fees must be one of {FEES}, got {fees!r}")
        keep &= _treatments(observations) == fees
    return observations.loc[keep]


def _treatments(frame: pd.DataFrame) -> np.ndarray:
    return np.array([fees_treatment(v) for v in frame["connection_fees_included"]], dtype=object)


def most_common_price_class(
    observations: pd.DataFrame,
    *,
    kind: str | None = None,
    basis: str | None = None,
    fees: str | None = None,
) -> PriceClass:
    """The like-for-like class (basis and treatment of connection fees) that holds the most prices.

    Used as the default when a caller has not chosen a class.  Only the
    observations of ``kind`` (and ``basis``/``fees`` when given) count; prices of
    an unknown basis are never chosen.  Ties go to the class first in the order
    of :data:`BASES`, then :data:`FEES`.

    Parameters
    ----------
    observations : DataFrame
        Price observations with ``kind``, ``basis`` and ``connection_fees_included``.
    kind, basis, fees : str, optional
        As in :func:`select_prices`.

    Returns
    -------
    PriceClass
        ``basis``, ``fees`` and ``n_prices``.

    Raises
    ------
    InsufficientPriceDataError
        When no observation matches.
    """
    obs = select_prices(observations, kind=kind, basis=basis, fees=fees)
    obs = obs[obs["basis"].isin(BASES).to_numpy()]
    if obs.empty:
        wanted = ", ".join(f"{k}={v!r}" for k, v in (("kind", kind), ("basis", basis), ("fees", fees)) if v)
        raise InsufficientPriceDataError(
            f"no prices of a known basis (raw or serviced){' for ' + wanted if wanted else ''}"
        )
    counts = pd.Series(list(zip(obs["basis"], _treatments(obs), strict=True))).value_counts()
    order = {c: (BASES.index(c[0]), FEES.index(c[1])) for c in counts.index}
    top = min((c for c in counts.index if counts[c] == counts.max()), key=order.__getitem__)
    return PriceClass(basis=str(top[0]), fees=str(top[1]), n_prices=int(counts[top]))


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
            f"connection fees, one kind) but found {found}; choose one with basis=/fees=/kind= "
            "(or --basis/--fees/--kind), "
            "or pass mix=True (--mix) to pool them knowingly"
        )
    warnings.warn(
        f"{what}: pooling {found} because mix=True; the result is not like-for-like",
        MixedPriceBasisWarning,
        stacklevel=3,
    )
    return classes
