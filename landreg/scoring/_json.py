"""Turn frames and numpy values into JSON-serialisable Python objects (shared by the analysis packages)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd


def json_value(value: Any) -> Any:
    """A JSON-safe version of one value: NaN/NA -> None, numpy scalars -> Python, dates -> ISO text."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_value(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "geom_type"):
        return None  # geometries go through GeoJSON writers, not through to_dict
    return value if isinstance(value, (str, int)) else str(value)


def frame_records(frame: pd.DataFrame, *, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of ``frame`` (without geometry) as JSON-safe dicts."""
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns and c != "geometry"]
    return [
        {c: json_value(v) for c, v in zip(cols, row, strict=True)}
        for row in frame[cols].itertuples(index=False, name=None)
    ]
