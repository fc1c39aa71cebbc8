"""CQL2 filters (text and JSON) compiled to SQL over the registry's plot tables.

Parsing uses pygeofilter; the AST is translated here into a ``WHERE`` fragment
with parameters.  Spatial predicates use the R-tree for candidates and an exact
shapely test (a SQL function registered on the connection) for the answer, so
paging over filtered results stays exact.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import shapely
from pyproj import CRS, Transformer

from landreg.crs import STORAGE_CRS, parse_crs
from landreg.errors import FilterError
from landreg.registry.codec import BOOL_FIELDS, PLOT_COLUMNS, format_datetime

#: Spatial predicates and the shapely function that decides them (geometry of the plot first).
SPATIAL_OPS = {
    "GeometryIntersects": "intersects",
    "GeometryDisjoint": "disjoint",
    "GeometryContains": "contains",
    "GeometryWithin": "within",
    "GeometryTouches": "touches",
    "GeometryCrosses": "crosses",
    "GeometryOverlaps": "overlaps",
    "GeometryEquals": "equals",
}
_COMPARISONS = {
    "Equal": "=",
    "NotEqual": "<>",
    "LessThan": "<",
    "LessEqual": "<=",
    "GreaterThan": ">",
    "GreaterEqual": ">=",
}
_TYPES = dict(PLOT_COLUMNS)
#: Plot properties a filter may use, with their JSON Schema types.
QUERYABLE_TYPES: dict[str, str] = {
    name: {"REAL": "number", "INTEGER": "integer", "BOOLEAN": "boolean"}.get(sql_type, "string")
    for name, sql_type in PLOT_COLUMNS
    if name not in ("utilities", "occupants", "provenance", "previously_part_of")
}


@dataclass(frozen=True)
class CompiledFilter:
    """A filter as SQL: ``sql`` uses ``?`` placeholders filled from ``params``."""

    sql: str
    params: tuple[Any, ...] = field(default_factory=tuple)
    text: str = ""


def parse_filter(source: str | dict[str, Any], *, lang: str = "cql2-text") -> Any:
    """Parse a CQL2 filter into a pygeofilter AST.

    Raises
    ------
    FilterError
        Saying where the text failed (line and column) or what was malformed.
    """
    try:
        if lang == "cql2-json":
            from pygeofilter.parsers.cql2_json import parse as parse_json

            doc = json.loads(source) if isinstance(source, str) else source
            return parse_json(doc)
        if lang != "cql2-text":
            raise FilterError(f"unknown filter-lang {lang!r}; expected 'cql2-text' or 'cql2-json'")
        from pygeofilter.parsers.cql2_text import parse as parse_text

        return parse_text(str(source))
    except FilterError:
        raise
    except json.JSONDecodeError as exc:
        raise FilterError(f"filter is not valid JSON: {exc}") from exc
    except Exception as exc:  # lark and pygeofilter raise many types
        line, col = getattr(exc, "line", None), getattr(exc, "column", None)
        where = f" at line {line}, column {col}" if line is not None else ""
        detail = str(exc).strip().splitlines()[0]
        if line is not None and col is not None and isinstance(source, str):
            pointer = source.splitlines()[line - 1] if line - 1 < len(source.splitlines()) else ""
            detail += f" — near {pointer[max(0, col - 15) : col + 15]!r}"
        raise FilterError(f"cannot parse the {lang} filter{where}: {detail}") from exc


def compile_filter(ast: Any, *, filter_crs: CRS | str | None = None, table: str = "plots") -> CompiledFilter:
    """Translate a parsed filter into SQL over a plot table (``plots`` or ``plot_versions``).

    Parameters
    ----------
    ast : pygeofilter AST node
        The parsed CQL2 filter (``pygeofilter.parsers``).
    filter_crs : CRS or str, optional
        CRS of geometry literals; CRS84 when not given.
    table : str
        The table the SQL will run against (its R-tree is used).
    """
    crs = parse_crs(filter_crs or "OGC:CRS84", where="filter-crs")
    transformer = Transformer.from_crs(crs, STORAGE_CRS, always_xy=True)
    params: list[Any] = []
    sql = _Compiler(transformer, table, params).node(ast)
    return CompiledFilter(sql, tuple(params))


class _Compiler:
    def __init__(self, transformer: Transformer, table: str, params: list[Any]) -> None:
        self.transformer = transformer
        self.table = table
        self.params = params

    def node(self, n: Any) -> str:
        kind = type(n).__name__
        if kind in ("And", "Or"):
            return f"({self.node(n.lhs)} {kind.upper()} {self.node(n.rhs)})"
        if kind == "Not":
            return f"(NOT {self.node(n.sub_node)})"
        if kind in _COMPARISONS:
            col = self.attribute(n.lhs)
            self.params.append(self.value(col, n.rhs))
            return f'"{col}" {_COMPARISONS[kind]} ?'
        if kind == "Between":
            col = self.attribute(n.lhs)
            self.params += [self.value(col, n.low), self.value(col, n.high)]
            return f'("{col}" {"NOT " if n.not_ else ""}BETWEEN ? AND ?)'
        if kind == "In":
            col = self.attribute(n.lhs)
            values = [self.value(col, v) for v in n.sub_nodes]
            self.params += values
            return f'("{col}" {"NOT " if n.not_ else ""}IN ({",".join("?" * len(values))}))'
        if kind == "IsNull":
            col = self.attribute(n.lhs)
            return f'("{col}" IS {"NOT " if n.not_ else ""}NULL)'
        if kind == "Like":
            col = self.attribute(n.lhs)
            self.params.append(_like_to_glob(n.pattern, escape=n.escapechar))
            op = "GLOB" if not n.nocase else "LIKE"
            if n.nocase:
                self.params[-1] = n.pattern
            return f'({"NOT " if n.not_ else ""}"{col}" {op} ?)'
        if kind in SPATIAL_OPS:
            return self.spatial(SPATIAL_OPS[kind], n.lhs, n.rhs)
        if kind == "BBox":
            self.attribute(n.lhs, spatial=True)
            box = shapely.box(n.minx, n.miny, n.maxx, n.maxy)
            return self.spatial_sql("intersects", box)
        if kind == "Include":
            return "1=1"
        if kind == "Exclude":
            return "1=0"
        raise FilterError(f"the filter uses {kind}, which landreg does not support")

    def attribute(self, n: Any, *, spatial: bool = False) -> str:
        if type(n).__name__ != "Attribute":
            raise FilterError(f"expected a property name on the left-hand side, got {n!r}")
        name = n.name
        if name in ("geometry", "geom"):
            if not spatial:
                raise FilterError("the geometry can only be used in spatial predicates such as S_INTERSECTS")
            return "geom"
        if spatial:
            raise FilterError(f"{name!r} is not the geometry; spatial predicates take 'geometry'")
        if name not in QUERYABLE_TYPES:
            raise FilterError(f"unknown queryable {name!r}; expected one of {sorted(QUERYABLE_TYPES)}")
        return name

    def value(self, col: str, v: Any) -> Any:
        if type(v).__name__ == "Attribute":
            raise FilterError(f"comparing two properties ({col} and {v.name}) is not supported")
        if isinstance(v, dt.datetime):
            return format_datetime(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if col in BOOL_FIELDS:
            if not isinstance(v, bool):
                raise FilterError(f"{col} is a boolean; got {v!r}")
            return int(v)
        expected = QUERYABLE_TYPES[col]
        if expected in ("number", "integer") and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise FilterError(f"{col} is a number; got {v!r}")
        if expected == "string" and not isinstance(v, str):
            raise FilterError(f"{col} is a string; got {v!r}")
        return v

    def spatial(self, op: str, lhs: Any, rhs: Any) -> str:
        if type(lhs).__name__ != "Attribute":
            lhs, rhs = rhs, lhs
            op = {"contains": "within", "within": "contains"}.get(op, op)
        self.attribute(lhs, spatial=True)
        kind = type(rhs).__name__
        if kind == "Geometry":
            geom = shapely.geometry.shape(rhs.geometry)
        elif kind == "Envelope":
            geom = shapely.box(rhs.x1, rhs.y1, rhs.x2, rhs.y2)
        else:
            raise FilterError(f"a spatial predicate needs a geometry literal, got {rhs!r}")
        return self.spatial_sql(op, geom)

    def spatial_sql(self, op: str, geom: Any) -> str:
        stored = shapely.transform(geom, lambda xy: _transform_xy(self.transformer, xy))
        if not stored.is_valid:
            raise FilterError(f"the filter geometry is invalid: {shapely.is_valid_reason(stored)}")
        wkb = shapely.to_wkb(stored)
        self.params += [op, wkb]
        exact = "landreg_spatial(?, geom, ?)"
        if op == "disjoint":
            return exact
        minx, miny, maxx, maxy = stored.bounds
        self.params += [maxx, minx, maxy, miny]
        rtree = f"rtree_{self.table}_geom"
        return (
            f'({exact} AND "{self.table}".fid IN (SELECT id FROM "{rtree}" '
            "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?))"
        )


def _transform_xy(transformer: Transformer, xy: Any) -> Any:
    import numpy as np

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _like_to_glob(pattern: str, *, escape: str | None) -> str:
    """CQL2 LIKE (``%`` any run, ``_`` one character; case-sensitive) as a SQLite GLOB pattern."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape and i + 1 < len(pattern):
            out.append(_glob_literal(pattern[i + 1]))
            i += 2
            continue
        out.append("*" if ch == "%" else "?" if ch == "_" else _glob_literal(ch))
        i += 1
    return "".join(out)


def _glob_literal(ch: str) -> str:
    return f"[{ch}]" if ch in "*?[]" else ch
