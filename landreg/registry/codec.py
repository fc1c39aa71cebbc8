"""Conversion between plot models, table rows and GeoDataFrames."""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
import typing
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd

from landreg.crs import STORAGE_CRS
from landreg.gpkg.geometry import decode_geometries
from landreg.model.plot import JSON_FIELDS, PLOT_FIELDS, Plot

_SQL_TYPES = {str: "TEXT", float: "REAL", int: "INTEGER", bool: "BOOLEAN", dt.date: "DATE", dt.datetime: "DATETIME"}


def _sql_type(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _sql_type(args[0])
    if origin in (list, dict):
        return "TEXT"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "TEXT"
    return _SQL_TYPES.get(annotation, "TEXT")


#: (name, GeoPackage type) of every plot column, in table order.
PLOT_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (name, "TEXT" if name in JSON_FIELDS else _sql_type(Plot.model_fields[name].annotation)) for name in PLOT_FIELDS
)
BOOL_FIELDS = frozenset(n for n, t in PLOT_COLUMNS if t == "BOOLEAN")
NUMERIC_FIELDS = frozenset(n for n, t in PLOT_COLUMNS if t in ("REAL", "INTEGER"))


def is_missing(value: Any) -> bool:
    """Whether a frame cell holds no value: None, NaN, ``pd.NA`` or ``pd.NaT``.

    Parameters
    ----------
    value : any
        One cell of a plot or price frame.

    Returns
    -------
    bool
    """
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value))


def format_datetime(value: dt.datetime) -> str:
    """GeoPackage DATETIME text in UTC with milliseconds: ``YYYY-MM-DDTHH:MM:SS.SSSZ``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_datetime(text: str | None) -> dt.datetime | None:
    """Parse a stored DATETIME back to an aware UTC datetime."""
    if text is None:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def to_storage_value(name: str, value: Any) -> Any:
    """One model value as stored in SQLite."""
    if value is None:
        return None
    if name in JSON_FIELDS:
        return json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def storage_converters() -> dict[str, Callable[[Any], Any]]:
    """Per plot column, a function giving what :func:`to_storage_value` gives for a validated plot's value.

    Each is chosen once for its column's type, so writing many rows costs no type tests per cell;
    JSON values seen before (the same utilities, the same provenance) are written once.  Use a
    fresh set per batch: the JSON text is kept for the batch.

    Returns
    -------
    dict
        Column name to converter, for every column of :data:`PLOT_COLUMNS`.
    """
    out: dict[str, Callable[[Any], Any]] = {}
    for name, sql_type in PLOT_COLUMNS:
        if name in JSON_FIELDS:
            out[name] = _cached_json(name)
        elif sql_type == "BOOLEAN":
            out[name] = _bool_to_storage
        elif sql_type == "DATETIME":
            out[name] = _datetime_to_storage
        elif sql_type == "DATE":
            out[name] = _date_to_storage
        elif sql_type == "TEXT":
            out[name] = text_to_storage
        else:
            out[name] = functools.partial(to_storage_value, name)
    return out


def _bool_to_storage(value: Any) -> Any:
    if value is None:
        return None
    return int(value) if type(value) is bool else to_storage_value("", value)


def _datetime_to_storage(value: Any) -> Any:
    if value is None:
        return None
    return format_datetime(value) if isinstance(value, dt.datetime) else to_storage_value("", value)


def _date_to_storage(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return to_storage_value("", value)


def text_to_storage(value: Any) -> Any:
    """A text column's value as stored: text as it is, an enum as its value (the converter of text columns)."""
    if value is None or type(value) is str:
        return value
    return value.value if isinstance(value, Enum) else to_storage_value("", value)


def _cached_json(name: str) -> Callable[[Any], Any]:
    """:func:`to_storage_value` of a JSON field, its text kept per distinct value of plain parts."""
    seen: dict[Any, str] = {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        try:
            key = _json_key(value)
            text = seen.get(key)
        except TypeError:  # a part that cannot be a key: written every time
            return to_storage_value(name, value)
        if text is None:
            text = seen[key] = to_storage_value(name, value)
        return text

    return convert


def _json_key(value: Any) -> Any:
    """A hashable key equal for values that give the same JSON (raises TypeError when there is none)."""
    kind = type(value)
    if kind is list:
        return ("list", *map(_json_key, value))
    if kind is dict:
        return ("dict", *((k, _json_key(v)) for k, v in value.items()))
    if hasattr(value, "__pydantic_fields__"):  # a model of plain values: its type and fields
        key = (kind, tuple(value.__dict__.items()))
        hash(key)
        return key
    hash(value)
    return (kind, value)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):  # e.g. a provenance date inside a JSON field
        return value.isoformat()
    return value


def from_storage_value(name: str, value: Any) -> Any:
    """One stored SQLite value as a plain Python value for frames and models."""
    if value is None:
        return None
    if name in JSON_FIELDS:
        try:
            return orjson.loads(value)  # a few times faster; every served page parses these fields
        except orjson.JSONDecodeError:  # what only Python's reader takes (NaN, very large integers)
            return json.loads(value)
    if name in BOOL_FIELDS:
        return bool(value)
    return value


def rows_to_frame(
    rows: Sequence[Sequence[Any]],
    columns: Sequence[str],
    *,
    geometry_column: str = "geom",
    decode: Callable[[Sequence[Any]], np.ndarray] = decode_geometries,
) -> gpd.GeoDataFrame:
    """Build a GeoDataFrame (EPSG:25832) from SQL rows that include a geometry column.

    Values are in their stored form (:func:`to_storage_value`); ``decode`` turns the geometry
    column into shapely geometries (GeoPackage blobs by default, e.g. ``shapely.from_wkb``).
    """
    names = list(columns)
    gi = names.index(geometry_column)
    blobs = [r[gi] for r in rows]
    data: dict[str, list[Any]] = {}
    for j, name in enumerate(names):
        if j == gi:
            continue
        col = [r[j] for r in rows]
        if name in JSON_FIELDS or name in BOOL_FIELDS:
            col = [from_storage_value(name, v) for v in col]
        if name in NUMERIC_FIELDS:
            data[name] = pd.Series(col, dtype="int64" if name == "version" else "float64")
        else:
            data[name] = pd.Series(col, dtype=object)
    frame = pd.DataFrame(data, columns=[n for n in names if n != geometry_column])
    geoms = np.asarray(decode(blobs), dtype=object) if rows else np.empty(0, dtype=object)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=STORAGE_CRS), crs=STORAGE_CRS)


def rows_to_records(
    rows: Sequence[Sequence[Any]],
    columns: Sequence[str],
    *,
    geometry_column: str = "geom",
    decode: Callable[[Sequence[Any]], np.ndarray] = decode_geometries,
) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Plain records and a geometry array (EPSG:25832) from SQL rows: the light path for serving.

    Values are as in :func:`rows_to_frame` (JSON fields parsed, booleans as bool, missing as None).
    """
    names = list(columns)
    gi = names.index(geometry_column)
    geoms = np.asarray(decode([r[gi] for r in rows]), dtype=object) if rows else np.empty(0, dtype=object)
    convert = [(j, name, name in JSON_FIELDS or name in BOOL_FIELDS) for j, name in enumerate(names) if j != gi]
    records = []
    for r in rows:
        records.append({name: (from_storage_value(name, r[j]) if conv else r[j]) for j, name, conv in convert})
    return records, geoms
