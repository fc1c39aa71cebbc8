"""Compare the price level of two groups, with a seeded bootstrap confidence interval."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from landreg.prices.errors import InsufficientPriceDataError
from landreg.prices.observations import GROUP_COLUMNS, ensure_like_for_like, select_prices

STATISTICS = ("median", "mean", "area_weighted_mean")


@dataclass(frozen=True)
class GroupComparison:
    """The difference ``b - a`` of a price statistic between two groups.

    Attributes
    ----------
    label_a, label_b : str
    statistic : str
    value_a_nok_m2, value_b_nok_m2 : float
    difference_nok_m2 : float
        ``value_b - value_a``.
    ratio : float
        ``value_b / value_a``.
    ci_low_nok_m2, ci_high_nok_m2 : float
        Percentile bootstrap interval of the difference at ``confidence``.
    confidence : float
    n_a, n_b : int
        Observations in each group.
    n_boot : int
    seed : int
    price_classes : tuple of str
        The like-for-like classes in the data (more than one only with ``mix=True``).
    """

    label_a: str
    label_b: str
    statistic: str
    value_a_nok_m2: float
    value_b_nok_m2: float
    difference_nok_m2: float
    ratio: float
    ci_low_nok_m2: float
    ci_high_nok_m2: float
    confidence: float
    n_a: int
    n_b: int
    n_boot: int
    seed: int
    price_classes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The comparison as a one-row DataFrame."""
        row = asdict(self)
        row["price_classes"] = "; ".join(self.price_classes)
        return pd.DataFrame([row])


def _statistic(price: np.ndarray, area: np.ndarray, statistic: str) -> np.ndarray:
    """Statistic along the last axis (works on one sample or a stack of resamples)."""
    if statistic == "median":
        return np.median(price, axis=-1)
    if statistic == "mean":
        return np.mean(price, axis=-1)
    return np.sum(price * area, axis=-1) / np.sum(area, axis=-1)


def compare_prices(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    labels: tuple[str, str] = ("a", "b"),
    statistic: str = "median",
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    mix: bool = False,
) -> GroupComparison:
    """Compare two sets of price observations: ``b - a`` with a bootstrap interval.

    Each group is resampled with replacement on its own (``n_boot`` times, from
    ``numpy.random.default_rng(seed)``), the statistic recomputed, and the
    interval taken from the percentiles of the resampled differences.

    Parameters
    ----------
    a, b : DataFrame
        Observations with ``price_nok_m2`` (and ``area_m2`` for the area-weighted mean),
        ``basis`` and ``connection_fees_included``.
    labels : (str, str)
        Names of the two groups in the result.
    statistic : {"median", "mean", "area_weighted_mean"}
        The price statistic compared.
    n_boot : int
        Bootstrap resamples.
    confidence : float
        Coverage of the interval (0.95 = the 2.5 and 97.5 percentiles).
    seed : int
        Seed of :func:`numpy.random.default_rng`: the same seed gives the same interval.
    mix : bool
        Allow the two groups (together) to hold several price classes, with a warning.

    Returns
    -------
    GroupComparison

    Raises
    ------
    MixedPriceBasisError
        When the groups are not of one like-for-like class and ``mix`` is false.
    InsufficientPriceDataError
        When a group is empty.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    for frame, label in ((a, labels[0]), (b, labels[1])):
        if frame.empty:
            raise InsufficientPriceDataError(f"price comparison: group {label!r} has no price observations")
    classes = ensure_like_for_like(pd.concat([a, b], ignore_index=True), mix=mix, what="price comparison")
    rng = np.random.default_rng(seed)
    values, boots = [], []
    for frame in (a, b):
        price = frame["price_nok_m2"].to_numpy(dtype=float)
        area = frame["area_m2"].to_numpy(dtype=float) if "area_m2" in frame.columns else np.ones(len(price))
        values.append(float(_statistic(price, area, statistic)))
        idx = rng.integers(0, len(price), size=(n_boot, len(price)))
        boots.append(_statistic(price[idx], area[idx], statistic))
    diff = boots[1] - boots[0]
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(diff, [alpha, 1 - alpha])
    return GroupComparison(
        label_a=str(labels[0]),
        label_b=str(labels[1]),
        statistic=statistic,
        value_a_nok_m2=values[0],
        value_b_nok_m2=values[1],
        difference_nok_m2=values[1] - values[0],
        ratio=values[1] / values[0] if values[0] else np.nan,
        ci_low_nok_m2=float(lo),
        ci_high_nok_m2=float(hi),
        confidence=confidence,
        n_a=len(a),
        n_b=len(b),
        n_boot=n_boot,
        seed=seed,
        price_classes=tuple(classes),
    )


def compare_groups(
    observations: pd.DataFrame,
    *,
    by: str,
    a: str,
    b: str,
    kind: str | None = "asking",
    basis: str | None = None,
    fees: str | None = None,
    **options: object,
) -> GroupComparison:
    """Compare two groups of one grouping (e.g. two municipalities): see :func:`compare_prices`.

    Parameters
    ----------
    observations : DataFrame
        Price observations (:func:`~landreg.prices.build_price_observations`).
    by : {"municipality", "business_area", "zoning", "readiness", "year"}
        The grouping the two groups belong to.
    a, b : str
        The two group values (e.g. ``"Skaun"`` and ``"Malvik"``; years as text or int).
    kind, basis, fees : str, optional
        Selection before comparing (see :func:`~landreg.prices.select_prices`).
    **options
        Passed to :func:`compare_prices` (``statistic``, ``n_boot``, ``seed``, ``mix``, ...).
    """
    if by not in GROUP_COLUMNS:
        raise ValueError(f"by must be one of {sorted(GROUP_COLUMNS)}, got {by!r}")
    col = GROUP_COLUMNS[by]
    obs = select_prices(observations, kind=kind, basis=basis, fees=fees)
    values = obs[col].astype(str)
    groups = [obs[values == str(v)] for v in (a, b)]
    for g, v in zip(groups, (a, b), strict=True):
        if g.empty:
            known = sorted(values.unique())
            raise InsufficientPriceDataError(f"no {kind or ''} prices for {by} {v!r}; groups with prices: {known}")
    return compare_prices(groups[0], groups[1], labels=(str(a), str(b)), **options)  # type: ignore[arg-type]
