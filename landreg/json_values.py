"""Turn frame values (numpy, pandas, dates) into JSON-serialisable Python objects.

The one cleaner the whole tree uses: GeoJSON export, the analysis results' ``to_dict``,
the API's feature collections and the map payloads all give the same answer for the
same value.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd


def json_value(value: Any, *, digits: int | None = None) -> Any:
    """A JSON-safe version of one value.

    Parameters
    ----------
    value : any
        A frame cell or a container of them.
    digits : int, optional
        Decimals to round floats to (none: kept as they are).

    Returns
    -------
    any
        ``None`` for None, NaN, ±inf, ``pd.NA`` and ``pd.NaT`` and for geometries (they go
        through GeoJSON writers); numpy scalars as Python ``bool``/``int``/``float``; dates and
        times as ISO 8601 text; dicts, lists, tuples and arrays cleaned item by item; other
        values as ``str``.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the common plain values first (a served page has thousands)
        return value
    if kind is float:
        return _finite_float(value, digits)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dict):
        return {str(k): json_value(v, digits=digits) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_value(v, digits=digits) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _finite_float(float(value), digits)
    if isinstance(value, (str, int)):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, (dt.date, dt.time, pd.Timestamp)):
        return value.isoformat()
    if hasattr(value, "geom_type"):
        return None
    return str(value)


def frame_records(frame: pd.DataFrame, *, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of ``frame`` (without geometry) as JSON-safe dicts.

    Parameters
    ----------
    frame : DataFrame
        Any frame; a ``geometry`` column is left out.
    columns : list of str, optional
        Columns to keep, in this order (missing ones are skipped); default all.

    Returns
    -------
    list of dict
        One dict per row, values cleaned by :func:`json_value`.
    """
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns and c != "geometry"]
    return [
        {c: json_value(v) for c, v in zip(cols, row, strict=True)}
        for row in frame[cols].itertuples(index=False, name=None)
    ]


def _finite_float(value: float, digits: int | None) -> float | None:
    """``value`` rounded to ``digits`` (if given); None for NaN and ±inf."""
    if not math.isfinite(value):
        return None
    return round(value, digits) if digits is not None else value
