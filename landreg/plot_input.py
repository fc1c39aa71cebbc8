"""Plot input brought to plain Python values: from frame columns (a column at a time) or from records.

Validation (:mod:`landreg.validation`) takes a batch either as a GeoDataFrame, as imports give
it, or as :class:`PlotRecords`, as one edit gives it.  Both become the same form here: per
column a list of values with ``None`` for every missing cell (None, NaN, NA, NaT or blank
text), numbers given for identifiers as text, JSON text parsed, and numpy scalars and
timestamps as Python values.  A frame is converted a column at a time, so a large import
costs per column what the column's type needs; a record costs a few dictionary look-ups.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from landreg.crs import STORAGE_CRS
from landreg.errors import CRSError
from landreg.model.plot import JSON_FIELDS

#: Fields that identify something: a number given for one is read as its text.
ID_LIKE = frozenset({"code", "municipality_no", "plan_id", "business_area_id", "decision_id", "plot_id"})


@dataclass(frozen=True)
class PlotRecords:
    """A batch of plots as records: the light form of a few plots (one edit, the parts of a split).

    Attributes
    ----------
    records : sequence of mapping
        Field name to value, per plot (the fields of :data:`landreg.model.INPUT_FIELDS`, ``plot_id``).
    geometries : sequence of shapely geometries
        One polygon per record, in ``crs``.
    crs : any
        The geometries' CRS (an EPSG code, ``"EPSG:…"``, WKT or :class:`pyproj.CRS`).
    """

    records: Sequence[Mapping[str, Any]]
    geometries: Sequence[Any]
    crs: Any

    def __len__(self) -> int:
        return len(self.records)


def is_missing(value: Any) -> bool:
    """Whether one input value counts as not given: None, NaN, NA, NaT or blank text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def normalise_value(name: str, value: Any) -> Any:
    """One input value of field ``name`` as a plain Python value (None when missing).

    Raises
    ------
    json.JSONDecodeError, TypeError
        When a JSON field holds text that is not JSON.
    """
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if name in ID_LIKE and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if name in JSON_FIELDS and isinstance(value, str):
        value = json.loads(value)  # a JSONDecodeError is reported by the caller
    if name in JSON_FIELDS and isinstance(value, np.ndarray):
        value = value.tolist()
    return value


class BadJSON:
    """A JSON field's cell that did not parse (kept as the value, so the caller can report it)."""

    __slots__ = ("error", "text")

    def __init__(self, text: Any, error: Exception) -> None:
        self.text, self.error = text, error


def column_values(name: str, series: pd.Series) -> list[Any]:
    """The values of one input column as :func:`normalise_value` gives them, a column at a time.

    A JSON cell that does not parse becomes a :class:`BadJSON`.  JSON text is parsed once per
    distinct text in the column; records with the same text share the parsed value, which
    validation reads and never changes.
    """
    missing = series.isna().to_numpy()
    values = series.tolist()
    kind = series.dtype.kind
    if kind in "fc" or (kind in "iub" and name not in ID_LIKE):
        out = [None if m else v for v, m in zip(values, missing, strict=True)] if missing.any() else values
        if name in ID_LIKE:
            return [None if v is None else normalise_value(name, v) for v in out]
        return out
    if name in JSON_FIELDS:
        parsed: dict[str, Any] = {}
        out = []
        for v, m in zip(values, missing, strict=True):
            if m:
                out.append(None)
            elif type(v) is str:
                if v not in parsed:
                    parsed[v] = _checked(name, v)
                out.append(parsed[v])
            else:
                out.append(_checked(name, v))
        return out
    return [
        None if m else ((v if v.strip() else None) if type(v) is str else _checked(name, v))
        for v, m in zip(values, missing, strict=True)
    ]


def _checked(name: str, value: Any) -> Any:
    try:
        return normalise_value(name, value)
    except (json.JSONDecodeError, TypeError) as exc:
        return BadJSON(value, exc)


def record_columns(records: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    """The records' values by field name (every name in ``names``), each as :func:`normalise_value` gives it."""
    return {name: [_checked(name, rec.get(name)) for rec in records] for name in names}


@lru_cache(maxsize=64)
def _parsed_crs(value: Any) -> CRS:
    from landreg.crs import parse_crs

    return parse_crs(value)


def crs_of(value: Any) -> CRS | None:
    """``value`` as a pyproj CRS (parsed once per distinct value), or None for None.

    Raises
    ------
    landreg.errors.CRSError
        When the value is not a CRS.
    """
    if value is None or isinstance(value, CRS):
        return value
    try:
        return _parsed_crs(value)
    except TypeError:  # not hashable: parse it every time
        from landreg.crs import parse_crs

        return parse_crs(value)


@lru_cache(maxsize=16)
def _to_storage_transformer(crs: CRS) -> Transformer | None:
    """The transformer from ``crs`` to EPSG:25832 (built once per CRS), or None when it is EPSG:25832."""
    if crs.equals(STORAGE_CRS):
        return None
    return Transformer.from_crs(crs, STORAGE_CRS, always_xy=True)


def geometries_to_storage_crs(geoms: np.ndarray, crs: CRS | None, *, where: str = "input") -> np.ndarray:
    """Geometries in ``crs`` as EPSG:25832 geometries (the array itself when already there; None stays None).

    Raises
    ------
    landreg.errors.CRSError
        When ``crs`` is None (never guessed) or the transformation fails.
    """
    if crs is None:
        raise CRSError(
            f"{where} has no coordinate reference system; declare one (e.g. EPSG:25832 or EPSG:4326) — "
            "landreg never guesses"
        )
    try:
        transformer = _to_storage_transformer(crs)
        if transformer is None:
            return geoms
        return shapely.transform(geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    except Exception as exc:  # pyproj raises several types here
        raise CRSError(f"{where}: cannot transform from {crs.to_string()} to EPSG:25832 ({exc})") from exc
