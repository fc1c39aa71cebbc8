"""The asking price of a plot from its advertised range (NOK/m²)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def price_nok_m2(frame: pd.DataFrame) -> np.ndarray:
    """Asking price per m² of each plot: the middle of min and max, or whichever of them is given.

    Parameters
    ----------
    frame : DataFrame
        Plots with ``price_min_nok_m2`` and/or ``price_max_nok_m2`` (a missing column counts as empty).

    Returns
    -------
    ndarray of float
        NOK/m² per row; NaN where neither bound is given.
    """
    lo, hi = _num(frame, "price_min_nok_m2"), _num(frame, "price_max_nok_m2")
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(lo), hi, np.where(np.isnan(hi), lo, (lo + hi) / 2))
