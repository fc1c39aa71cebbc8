"""CQL2 filters compiled to PostgreSQL/PostGIS SQL, run in the database.

Parsing, the queryables and the checks of each value are those of :mod:`landreg.registry.cql`
(one set of rules for both backends); only the SQL differs: ``%s`` placeholders cast to the
column types, ``LIKE``/``ILIKE``, and PostGIS predicates (``ST_Intersects`` …) that the GiST
index serves.
"""

from __future__ import annotations

from typing import Any

from pyproj import CRS, Transformer

from landreg.errors import FilterError
from landreg.registry.codec import BOOL_FIELDS
from landreg.registry.cql import CompiledFilter, _Compiler, literal_transformer
from landreg.registry.postgis.sql import GEOM_IN, placeholder, quoted

_COMPARISONS = {
    "Equal": "=",
    "NotEqual": "<>",
    "LessThan": "<",
    "LessEqual": "<=",
    "GreaterThan": ">",
    "GreaterEqual": ">=",
}
_PREDICATES = {
    "intersects": "ST_Intersects",
    "disjoint": "ST_Disjoint",
    "contains": "ST_Contains",
    "within": "ST_Within",
    "touches": "ST_Touches",
    "crosses": "ST_Crosses",
    "overlaps": "ST_Overlaps",
    "equals": "ST_Equals",
}


def compile_filter_sql(ast: Any, *, filter_crs: CRS | str | None = None) -> CompiledFilter:
    """Translate a parsed CQL2 filter into a PostgreSQL ``WHERE`` fragment over a plot table.

    Parameters
    ----------
    ast : pygeofilter AST node
        The parsed filter (:func:`landreg.registry.cql.parse_filter`).
    filter_crs : CRS or str, optional
        CRS of geometry literals; CRS84 when not given.

    Returns
    -------
    CompiledFilter
        SQL with ``%s`` placeholders and their parameters.

    Raises
    ------
    FilterError
        When the filter uses an unknown property, a value of the wrong type or an
        unsupported operator.
    """
    params: list[Any] = []
    sql = _PostgresCompiler(literal_transformer(filter_crs), "plots", params).node(ast)
    return CompiledFilter(sql, tuple(params))


class _PostgresCompiler(_Compiler):
    """The shared compiler's checks, emitting PostgreSQL."""

    def node(self, n: Any) -> str:
        kind = type(n).__name__
        if kind in ("And", "Or"):
            return f"({self.node(n.lhs)} {kind.upper()} {self.node(n.rhs)})"
        if kind == "Not":
            return f"(NOT {self.node(n.sub_node)})"
        if kind in _COMPARISONS:
            col = self.attribute(n.lhs)
            return f"{quoted(col)} {_COMPARISONS[kind]} {self.bind(col, n.rhs)}"
        if kind == "Between":
            col = self.attribute(n.lhs)
            low, high = self.bind(col, n.low), self.bind(col, n.high)
            return f"({quoted(col)} {'NOT ' if n.not_ else ''}BETWEEN {low} AND {high})"
        if kind == "In":
            col = self.attribute(n.lhs)
            values = ", ".join(self.bind(col, v) for v in n.sub_nodes)
            return f"({quoted(col)} {'NOT ' if n.not_ else ''}IN ({values}))"
        if kind == "IsNull":
            col = self.attribute(n.lhs)
            return f"({quoted(col)} IS {'NOT ' if n.not_ else ''}NULL)"
        if kind == "Like":
            col = self.attribute(n.lhs)
            self.params += [self.value(col, n.pattern), n.escapechar or "\\"]  # the shared check: strings only
            op = "ILIKE" if n.nocase else "LIKE"
            return f"({'NOT ' if n.not_ else ''}{quoted(col)} {op} %s ESCAPE %s)"
        return super().node(n)  # spatial predicates, BBOX, INCLUDE/EXCLUDE, and the errors

    def bind(self, col: str, v: Any) -> str:
        """Check ``v`` against ``col`` (shared rules), add it as a parameter, return its placeholder."""
        value = self.value(col, v)
        self.params.append(bool(value) if col in BOOL_FIELDS else value)
        return placeholder(col)

    def spatial_sql(self, op: str, geom: Any) -> str:
        import shapely

        stored = shapely.transform(geom, lambda xy: _transform_xy(self.transformer, xy))
        if not stored.is_valid:
            raise FilterError(f"the filter geometry is invalid: {shapely.is_valid_reason(stored)}")
        self.params.append(shapely.to_wkb(stored))
        return f"{_PREDICATES[op]}(geom, {GEOM_IN})"


def _transform_xy(transformer: Transformer, xy: Any) -> Any:
    import numpy as np

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])
