"""Design matrices for the price regressions (constant, numeric terms, treatment-coded dummies)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd


def design_matrix(
    frame: pd.DataFrame,
    *,
    numeric: Sequence[str] = (),
    categorical: Mapping[str, Any] | Sequence[str] = (),
) -> pd.DataFrame:
    """A regression design: ``const``, the numeric columns, and dummies for each categorical column.

    Categorical columns are treatment coded: one dummy ``col[level]`` per level
    except the reference level (the mapping's value, else the most frequent
    level, ties broken by sort order).  A categorical column with one level
    contributes nothing, so it never makes the design singular.

    Parameters
    ----------
    frame : DataFrame
        The data, one row per observation.
    numeric : sequence of str
        Columns taken as they are (as floats).
    categorical : mapping or sequence of str
        Columns to dummy-code: column -> reference level (None = most frequent), or the columns alone.

    Returns
    -------
    DataFrame
        Float columns, indexed like ``frame``.
    """
    cats = dict(categorical) if isinstance(categorical, Mapping) else dict.fromkeys(categorical)
    out = pd.DataFrame({"const": np.ones(len(frame))}, index=frame.index)
    for col in numeric:
        out[col] = frame[col].to_numpy(dtype=float)
    for col, ref in cats.items():
        values = frame[col].astype(str)
        levels = sorted(values.unique())
        if len(levels) < 2:
            continue
        if ref is None:
            counts = values.value_counts()
            ref = sorted(counts[counts == counts.max()].index)[0]
        ref = str(ref)
        for level in levels:
            if level != ref:
                out[f"{col}[{level}]"] = (values == level).to_numpy(dtype=float)
    return out


def reference_levels(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, str]:
    """The reference (most frequent) level of each categorical column, as :func:`design_matrix` picks it."""
    refs = {}
    for col in columns:
        counts = frame[col].astype(str).value_counts()
        refs[col] = sorted(counts[counts == counts.max()].index)[0]
    return refs
