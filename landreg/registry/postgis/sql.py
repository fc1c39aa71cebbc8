"""SQL pieces of the PostGIS registry: columns, value conversion and query criteria.

Values cross the database boundary in the registry's storage form (:func:`~landreg.registry.codec.
to_storage_value`: JSON text, ISO date and UTC millisecond datetime text, 0/1 booleans), the same
form the GeoPackage backend stores, so both backends share one codec for models and frames.
Placeholders cast that text to the native column types (``jsonb``, ``date``, ``timestamptz``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from landreg.crs import STORAGE_EPSG
from landreg.model.plot import JSON_FIELDS
from landreg.registry.codec import PLOT_COLUMNS, to_storage_value
from landreg.registry.query import PlotQuery
from landreg.registry.tables import HISTORY_COLUMNS

COLS = [n for n, _ in PLOT_COLUMNS]
HIST = [n for n, _ in HISTORY_COLUMNS]
_TYPES = {**dict(PLOT_COLUMNS), **dict(HISTORY_COLUMNS)}
_HISTORY_JSON = frozenset({"changed_fields", "before", "after"})
_JSON_COLUMNS = frozenset(JSON_FIELDS) | _HISTORY_JSON
_BOOL_COLUMNS = frozenset(n for n, t in PLOT_COLUMNS if t == "BOOLEAN")
_DATETIME_COLUMNS = frozenset(n for n, t in _TYPES.items() if t.startswith("DATETIME"))
_DATE_COLUMNS = frozenset(n for n, t in _TYPES.items() if t.startswith("DATE") and not t.startswith("DATETIME"))

#: The geometry as WKB, for shapely.
GEOM_OUT = "ST_AsBinary(geom) AS geom"
#: A WKB parameter as a geometry in EPSG:25832.
GEOM_IN = f"ST_GeomFromWKB(%s, {STORAGE_EPSG})"


def quoted(name: str) -> str:
    """A column name as a quoted SQL identifier."""
    return f'"{name}"'


def placeholder(name: str) -> str:
    """The ``%s`` placeholder of column ``name``, cast from its storage form to the column type."""
    if name in _JSON_COLUMNS:
        return "%s::jsonb"
    if name in _DATETIME_COLUMNS:
        return "%s::timestamptz"
    if name in _DATE_COLUMNS:
        return "%s::date"
    return "%s"


def param(name: str, value: Any) -> Any:
    """A model value of column ``name`` as the parameter for :func:`placeholder`."""
    return stored_param(name, to_storage_value(name, value))


def stored_param(name: str, stored: Any) -> Any:
    """A value in storage form (:func:`~landreg.registry.codec.to_storage_value`) as a parameter."""
    if name in _BOOL_COLUMNS and stored is not None:
        return bool(stored)
    return stored


def stored_expr(name: str) -> str:
    """SQL that reads column ``name`` in the registry's storage form, so rows need no conversion in Python.

    JSON comes as text (``jsonb`` spacing; parsed by the shared codec), datetimes as UTC text with
    milliseconds, dates as ISO text and booleans as 0/1.
    """
    col = quoted(name)
    if name in _JSON_COLUMNS or name in _DATE_COLUMNS:
        return f"{col}::text"
    if name in _DATETIME_COLUMNS:
        return f"to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    if name in _BOOL_COLUMNS:
        return f"{col}::int"
    return col


def stored_select(names: Sequence[str]) -> str:
    """``ST_AsBinary(geom) AS geom`` and every column of ``names`` in storage form (:func:`stored_expr`)."""
    return ", ".join([GEOM_OUT, *(f"{stored_expr(n)} AS {quoted(n)}" for n in names)])


def compact_json(text: str | None) -> str | None:
    """JSON text as the registry writes it (no spaces, æøå kept), e.g. from ``jsonb::text``."""
    return None if text is None else json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def from_wkb(values: Sequence[Any]) -> np.ndarray:
    """Shapely geometries from WKB (``None`` stays missing)."""
    return shapely.from_wkb(np.asarray([None if v is None else bytes(v) for v in values], dtype=object))


def where_clause(query: PlotQuery, *, as_of_text: str | None) -> tuple[str, list[Any]]:
    """SQL ``WHERE`` text (``%s`` placeholders) and parameters for ``query``.

    A ``bbox`` or ``intersects`` window is an exact ``ST_Intersects`` that the GiST index
    serves; ``as_of_text`` (a stored datetime) reads the history table as it was then.
    """
    clauses: list[str] = []
    params: list[Any] = []

    def any_of(col: str, values: tuple[str, ...]) -> None:
        if values:
            clauses.append(f"{quoted(col)} = ANY(%s)")
            params.append(list(values))

    if query.intersects is not None:
        clauses.append(f"ST_Intersects(geom, {GEOM_IN})")
        params.append(shapely.to_wkb(query.intersects))
    elif query.bbox is not None:
        clauses.append(f"ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, {STORAGE_EPSG}))")
        params += list(query.bbox)
    if query.after_fid is not None:
        clauses.append("fid > %s")
        params.append(query.after_fid)
    if as_of_text is not None:
        clauses.append("recorded_at <= %s::timestamptz AND (superseded_at IS NULL OR superseded_at > %s::timestamptz)")
        params += [as_of_text, as_of_text]
    any_of("municipality_no", query.municipality_no)
    any_of("status", query.status)
    any_of("zoning", query.zoning)
    any_of("readiness", query.readiness)
    any_of("business_area_id", query.business_area_id)
    any_of("plot_id", query.plot_ids)
    _value_clauses(query, clauses, params)
    _validity_clauses(query, clauses, params)
    return (" AND ".join(clauses) if clauses else "TRUE"), params


def _value_clauses(query: PlotQuery, clauses: list[str], params: list[Any]) -> None:
    for sql, value in (
        ("code = %s", query.code),
        ("area_m2 >= %s", query.min_area_m2),
        ("area_m2 <= %s", query.max_area_m2),
        ("coalesce(price_max_nok_m2, price_min_nok_m2) >= %s", query.min_price_nok_m2),
        ("coalesce(price_min_nok_m2, price_max_nok_m2) <= %s", query.max_price_nok_m2),
        ("requires_new_road = %s", query.requires_new_road),
    ):
        if value is not None:
            clauses.append(sql)
            params.append(value)


def _validity_clauses(query: PlotQuery, clauses: list[str], params: list[Any]) -> None:
    if query.valid_at is not None:
        t = param("valid_to", query.valid_at)
        clauses.append(
            "(valid_from IS NULL OR valid_from <= %s::timestamptz) AND (valid_to IS NULL OR valid_to > %s::timestamptz)"
        )
        params += [t, t]
    elif query.valid_during is not None:
        start, end = query.valid_during
        if end is not None:
            clauses.append("(valid_from IS NULL OR valid_from <= %s::timestamptz)")
            params.append(param("valid_from", end))
        if start is not None:
            clauses.append("(valid_to IS NULL OR valid_to > %s::timestamptz)")
            params.append(param("valid_to", start))
    elif not query.include_ended:
        clauses.append("valid_to IS NULL")
