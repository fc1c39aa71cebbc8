"""Plot queries: a typed description and its translation to SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from landreg.errors import Problem, ValidationError
from landreg.model.enums import PlotStatus, Readiness, Zoning
from landreg.registry.codec import format_datetime


def _as_tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)


@dataclass(frozen=True)
class PlotQuery:
    """Which plots to read.  Empty criteria match everything.

    Attributes
    ----------
    bbox : (minx, miny, maxx, maxy) in EPSG:25832, optional
        Plots whose geometry intersects the box (R-tree index, then exact test).
    municipality_no, status, zoning, readiness, business_area_id : sequences of str
        Any of the given values.
    code : str, optional
        Exact plot code.
    min_area_m2, max_area_m2 : float, optional
    min_price_nok_m2, max_price_nok_m2 : float, optional
        Plots whose asking-price range reaches into ``[min, max]``.
    requires_new_road : bool, optional
    include_ended : bool
        Include plots that have ended (``valid_to`` set).
    valid_at : datetime, optional
        Plots whose business validity covers this time.
    valid_during : (start, end), optional
        Plots valid at some time in the interval (either end open with None).
    as_of : datetime, optional
        Read the registry as it was recorded at this (transaction) time.
    filter_ast, filter_crs : optional
        A parsed CQL2 filter (:func:`landreg.registry.cql.parse_filter`) and the CRS of its geometries.
    intersects : shapely geometry, optional
        Plots intersecting this geometry (EPSG:25832), e.g. a bbox given in another CRS.
    limit, offset : int, optional
        Paging, in a stable order (by ``fid``).
    """

    bbox: tuple[float, float, float, float] | None = None
    municipality_no: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    zoning: tuple[str, ...] = ()
    readiness: tuple[str, ...] = ()
    business_area_id: tuple[str, ...] = ()
    code: str | None = None
    plot_ids: tuple[str, ...] = ()
    min_area_m2: float | None = None
    max_area_m2: float | None = None
    min_price_nok_m2: float | None = None
    max_price_nok_m2: float | None = None
    requires_new_road: bool | None = None
    include_ended: bool = False
    valid_at: dt.datetime | None = None
    valid_during: tuple[dt.datetime | None, dt.datetime | None] | None = None
    as_of: dt.datetime | None = None
    limit: int | None = None
    offset: int = 0
    filter_ast: Any = None
    filter_crs: str | None = None
    intersects: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, **kwargs: Any) -> PlotQuery:
        """Build a query from loose keyword values (comma-separated strings allowed), validating them."""
        problems: list[Problem] = []
        for name, enum in (("status", PlotStatus), ("zoning", Zoning), ("readiness", Readiness)):
            values = _as_tuple(kwargs.get(name))
            known = {e.value for e in enum}
            for v in values:
                if v not in known:
                    problems.append(Problem("query", name, f"unknown value {v!r}; expected one of {sorted(known)}"))
            kwargs[name] = values
        for name in ("municipality_no", "business_area_id", "plot_ids"):
            kwargs[name] = _as_tuple(kwargs.get(name))
        bbox = kwargs.get("bbox")
        if bbox is not None:
            if isinstance(bbox, str):
                bbox = [float(v) for v in bbox.split(",")]
            if len(bbox) != 4 or bbox[0] > bbox[2] or bbox[1] > bbox[3]:
                problems.append(Problem("query", "bbox", f"expected minx,miny,maxx,maxy with min <= max, got {bbox}"))
            else:
                kwargs["bbox"] = tuple(float(v) for v in bbox)
        for name in ("min_area_m2", "max_area_m2", "min_price_nok_m2", "max_price_nok_m2"):
            bound = kwargs.get(name)
            if bound is not None and float(bound) < 0:
                problems.append(Problem("query", name, f"must not be negative, got {bound}"))
        if kwargs.get("limit") is not None and int(kwargs["limit"]) < 0:
            problems.append(Problem("query", "limit", f"must not be negative, got {kwargs['limit']}"))
        if problems:
            raise ValidationError(problems, context="query")
        return cls(**{k: v for k, v in kwargs.items() if v is not None or k in ("bbox",)})


def where_clause(query: PlotQuery, *, table: str, rtree: str | None, now_text: str | None) -> tuple[str, list[Any]]:
    """SQL ``WHERE`` text and parameters for ``query`` over ``table``.

    ``rtree`` names the R-tree of ``table``: ``bbox`` and ``intersects`` select their candidates
    through it (the exact geometric test is the caller's); ``now_text``
    is the as-of time already formatted as stored DATETIME text.
    """
    clauses: list[str] = []
    params: list[Any] = []

    def any_of(col: str, values: tuple[str, ...]) -> None:
        if values:
            clauses.append(f'"{col}" IN ({",".join("?" * len(values))})')
            params.extend(values)

    window = query.bbox if query.intersects is None else query.intersects.bounds
    if window is not None and rtree is not None:
        minx, miny, maxx, maxy = window
        clauses.append(
            f'{table}.fid IN (SELECT id FROM "{rtree}" WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)'
        )
        params += [maxx, minx, maxy, miny]
    if now_text is not None:
        clauses.append("recorded_at <= ? AND (superseded_at IS NULL OR superseded_at > ?)")
        params += [now_text, now_text]
    any_of("municipality_no", query.municipality_no)
    any_of("status", query.status)
    any_of("zoning", query.zoning)
    any_of("readiness", query.readiness)
    any_of("business_area_id", query.business_area_id)
    any_of("plot_id", query.plot_ids)
    if query.code is not None:
        clauses.append("code = ?")
        params.append(query.code)
    if query.min_area_m2 is not None:
        clauses.append("area_m2 >= ?")
        params.append(query.min_area_m2)
    if query.max_area_m2 is not None:
        clauses.append("area_m2 <= ?")
        params.append(query.max_area_m2)
    if query.min_price_nok_m2 is not None:
        clauses.append("coalesce(price_max_nok_m2, price_min_nok_m2) >= ?")
        params.append(query.min_price_nok_m2)
    if query.max_price_nok_m2 is not None:
        clauses.append("coalesce(price_min_nok_m2, price_max_nok_m2) <= ?")
        params.append(query.max_price_nok_m2)
    if query.requires_new_road is not None:
        clauses.append("requires_new_road = ?")
        params.append(int(query.requires_new_road))
    if query.valid_at is not None:
        t = format_datetime(query.valid_at)
        clauses.append("(valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to > ?)")
        params += [t, t]
    elif query.valid_during is not None:
        start, end = query.valid_during
        if end is not None:
            clauses.append("(valid_from IS NULL OR valid_from <= ?)")
            params.append(format_datetime(end))
        if start is not None:
            clauses.append("(valid_to IS NULL OR valid_to > ?)")
            params.append(format_datetime(start))
    elif not query.include_ended:
        clauses.append("valid_to IS NULL")
    return (" AND ".join(clauses) if clauses else "1=1"), params
