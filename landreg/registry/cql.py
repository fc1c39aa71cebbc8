"""CQL2 filters (text and JSON) compiled to SQL over the registry's plot tables.

Parsing uses pygeofilter (CQL2 JSON) and :mod:`landreg.registry.cql2_text` (CQL2 text,
with the standard's precedence: NOT over AND over OR); the AST is translated here into a ``WHERE`` fragment
with parameters.  Spatial predicates use the R-tree for candidates and an exact
shapely test (a SQL function registered on the connection) for the answer, so
paging over filtered results stays exact.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import shapely
from pyproj import CRS, Transformer

from landreg.crs import STORAGE_CRS, parse_crs
from landreg.errors import FilterError
from landreg.registry.codec import BOOL_FIELDS, PLOT_COLUMNS, format_datetime
from landreg.registry.cql2_text import parse_cql2_text

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


#: The longest filter accepted, in characters (of the text, or of the JSON document).
MAX_FILTER_CHARS = 4096
#: How deep a filter may nest: parentheses, NOT, and AND inside OR (or OR inside AND).
MAX_FILTER_DEPTH = 20
#: How many predicates (comparisons, LIKE, IN, spatial tests, ...) a filter may combine.
MAX_FILTER_TERMS = 100


def parse_filter(source: str | dict[str, Any], *, lang: str = "cql2-text") -> Any:
    """Parse a CQL2 filter into a pygeofilter AST, within bounded size.

    A filter longer than :data:`MAX_FILTER_CHARS`, nested deeper than
    :data:`MAX_FILTER_DEPTH` or combining more than :data:`MAX_FILTER_TERMS`
    predicates is refused before it reaches a recursive parser or the database.

    Parameters
    ----------
    source : str or dict
        The filter: CQL2 text, or CQL2 JSON as text or as a parsed document.
    lang : str
        ``"cql2-text"`` or ``"cql2-json"``.

    Returns
    -------
    pygeofilter AST node

    Raises
    ------
    FilterError
        Saying where the text failed (line and column), what was malformed, or which
        limit the filter passes and by how much.
    """
    try:
        if lang == "cql2-json":
            from pygeofilter.parsers.cql2_json import parse as parse_json

            _check_length(source if isinstance(source, str) else None)
            doc = json.loads(source) if isinstance(source, str) else source
            _check_json_nesting(doc)
            if not isinstance(source, str):
                _check_length(json.dumps(doc, separators=(",", ":")))
            return _checked_size(parse_json(doc))
        if lang != "cql2-text":
            raise FilterError(f"unknown filter-lang {lang!r}; expected 'cql2-text' or 'cql2-json'")
        _check_length(str(source))
        _check_text_nesting(str(source))
        return _checked_size(parse_cql2_text(str(source)))
    except FilterError:
        raise
    except RecursionError as exc:
        raise FilterError(f"the filter is nested too deeply; at most {MAX_FILTER_DEPTH} levels are accepted") from exc
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


def _check_length(text: str | None) -> None:
    if text is not None and len(text) > MAX_FILTER_CHARS:
        raise FilterError(f"the filter is {len(text)} characters long; at most {MAX_FILTER_CHARS} are accepted")


def _too_deep(depth: int) -> FilterError:
    return FilterError(f"the filter nests {depth} levels deep; at most {MAX_FILTER_DEPTH} levels are accepted")


def _check_text_nesting(text: str) -> None:
    """Refuse CQL2 text whose parentheses (outside quoted strings) nest deeper than the limit."""
    depth = deepest = 0
    quote = ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote  # a doubled quote ('') closes and reopens: same state
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    if deepest > MAX_FILTER_DEPTH:
        raise _too_deep(deepest)


def _check_json_nesting(doc: Any) -> None:
    """Refuse a CQL2 JSON document whose and/or/not operations nest deeper than the limit."""
    stack: list[tuple[Any, int, int]] = [(doc, 0, 0)]
    while stack:
        value, ops, levels = stack.pop()
        if levels > 4 * MAX_FILTER_DEPTH:  # arrays and objects that are no operations (geometry literals)
            raise _too_deep(ops + 1)
        if isinstance(value, dict):
            ops += str(value.get("op", "")).lower() in ("and", "or", "not")
            if ops > MAX_FILTER_DEPTH:
                raise _too_deep(ops)
            stack.extend((v, ops, levels + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, ops, levels + 1) for v in value)


def _checked_size(ast: Any) -> Any:
    """``ast`` once its nesting (AND/OR/NOT) and its number of predicates are within the limits."""
    terms = 0
    stack: list[tuple[Any, int, str]] = [(ast, 0, "")]
    while stack:
        node, depth, parent = stack.pop()
        kind = type(node).__name__
        if kind in ("And", "Or"):
            if kind != parent:  # a chain of one operator (a OR b OR c) is one level
                depth += 1
            stack += [(node.lhs, depth, kind), (node.rhs, depth, kind)]
        elif kind == "Not":
            stack.append((node.sub_node, depth + 1, kind))
        else:
            terms += 1
        if depth > MAX_FILTER_DEPTH:
            raise _too_deep(depth)
    if terms > MAX_FILTER_TERMS:
        raise FilterError(
            f"the filter combines {terms} predicates; at most {MAX_FILTER_TERMS} are accepted "
            "(to match one of many values, use IN: code IN ('A-1', 'A-2'))"
        )
    return ast


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
    params: list[Any] = []
    sql = _Compiler(literal_transformer(filter_crs), table, params).node(ast)
    return CompiledFilter(sql, tuple(params))


@lru_cache(maxsize=16)
def literal_transformer(filter_crs: CRS | str | None) -> Transformer:
    """The transformer of a filter's geometry literals (``filter_crs``, default CRS84) to EPSG:25832.

    Built once per CRS: building one costs milliseconds (PROJ's database), more than compiling a filter.

    Raises
    ------
    FilterError
        When ``filter_crs`` is not a CRS that pyproj knows.
    """
    crs = parse_crs(filter_crs or "OGC:CRS84", where="filter-crs")
    return Transformer.from_crs(crs, STORAGE_CRS, always_xy=True)


class _Compiler:
    def __init__(self, transformer: Transformer, table: str, params: list[Any]) -> None:
        self.transformer = transformer
        self.table = table
        self.params = params

    def node(self, n: Any) -> str:
        kind = type(n).__name__
        if kind in ("And", "Or"):  # a chain (a OR b OR c) is one flat group: SQLite's parser nests ~90 deep at most
            return "(" + f" {kind.upper()} ".join(self.node(operand) for operand in _chain(n, kind)) + ")"
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


def _chain(node: Any, kind: str) -> list[Any]:
    """The operands of a chain of one operator (``a OR b OR c``), left to right, found without recursion."""
    operands, stack = [], [node]
    while stack:
        item = stack.pop()
        if type(item).__name__ == kind:
            stack += [item.rhs, item.lhs]
        else:
            operands.append(item)
    return operands


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
