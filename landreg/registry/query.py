"""Plot queries: a typed description and its translation to SQL."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer

from landreg.crs import REGION_EXTENT_25832, STORAGE_CRS, WEB_CRS, parse_crs
from landreg.errors import Problem, ValidationError
from landreg.model.enums import PlotStatus, Readiness, Zoning
from landreg.municipalities import closest_municipality_names, known_municipalities_text, municipality_no_from_ref
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
        Any of the given values (kommunenummer for ``municipality_no``: :meth:`build` also
        takes names; :func:`resolve_business_areas` turns area names into ids).
    code : str, optional
        Exact plot code.
    min_area_m2, max_area_m2 : float, optional
    min_price_nok_m2, max_price_nok_m2 : float, optional
        Asking price, NOK/m²: plots whose asking-price range (``price_min_nok_m2`` to
        ``price_max_nok_m2``) reaches into ``[min, max]``.  A plot with no asking price
        is excluded whenever a price bound is given.
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
    after_fid : int, optional
        Page key: only plots whose row id (``fid``) is above this one.  Rows keep their
        ``fid`` when edited and new rows get higher ones, so pages read by key neither repeat
        nor skip a plot while others add, edit or end plots between the requests (``offset``
        counts from the key).  Counts ignore it, like ``limit`` and ``offset``.
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
    after_fid: int | None = None
    filter_ast: Any = None
    filter_crs: str | None = None
    intersects: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, **kwargs: Any) -> PlotQuery:
        """Build a query from loose keyword values (comma-separated strings allowed), validating them.

        ``municipality_no`` takes kommunenummer or names (``"Trondheim"``, ``"stjørdal"``);
        ``bbox`` takes ``"minx,miny,maxx,maxy"`` or four numbers in ``bbox_crs`` (default
        EPSG:25832; a bbox in another CRS becomes ``intersects``).

        Raises
        ------
        ValidationError
            Listing every unknown or malformed value with the accepted ones.
        """
        problems: list[Problem] = []

        def problem(name: str, message: str) -> None:
            problems.append(Problem("query", name, message, whole_input=True))

        for name, enum in (("status", PlotStatus), ("zoning", Zoning), ("readiness", Readiness)):
            values = _as_tuple(kwargs.get(name))
            known = [e.value for e in enum]
            for v in values:
                if v not in known:
                    problem(name, f"unknown value {v!r}; expected one of: {', '.join(known)}")
            kwargs[name] = values
        kwargs["municipality_no"] = _municipality_nos(_as_tuple(kwargs.get("municipality_no")), problem)
        for name in ("business_area_id", "plot_ids"):
            kwargs[name] = _as_tuple(kwargs.get(name))
        bbox_crs = kwargs.pop("bbox_crs", None)
        bbox = kwargs.get("bbox")
        if bbox is not None:
            box = _bbox_values(bbox, problem)
            if box is not None and bbox_crs is not None and not parse_crs(bbox_crs, where="bbox").equals(STORAGE_CRS):
                kwargs["bbox"] = None
                kwargs["intersects"] = bbox_to_storage(box, bbox_crs=bbox_crs)
            else:
                kwargs["bbox"] = box
        for name in ("min_area_m2", "max_area_m2", "min_price_nok_m2", "max_price_nok_m2"):
            bound = kwargs.get(name)
            if bound is not None and float(bound) < 0:
                problem(name, f"must not be negative, got {bound}")
        for low, high in (("min_area_m2", "max_area_m2"), ("min_price_nok_m2", "max_price_nok_m2")):
            lo, hi = kwargs.get(low), kwargs.get(high)
            if lo is not None and hi is not None and float(hi) < float(lo):
                problem(high, f"{high} ({hi}) is below {low} ({lo}); no plot could match")
        if kwargs.get("limit") is not None and int(kwargs["limit"]) < 0:
            problem("limit", f"must not be negative, got {kwargs['limit']}")
        if problems:
            raise ValidationError(problems, context="invalid query", wrote_nothing=False)
        return cls(**{k: v for k, v in kwargs.items() if v is not None or k in ("bbox",)})


def _municipality_nos(refs: tuple[str, ...], problem: Any) -> tuple[str, ...]:
    """Kommunenummer for municipalities given by number or name; unknown ones reported in one problem."""
    numbers, unknown = [], []
    for ref in refs:
        number = municipality_no_from_ref(ref)
        if number is None:
            close = closest_municipality_names(ref)
            unknown.append(repr(ref) + (f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""))
        else:
            numbers.append(number)
    if unknown:
        problem(
            "municipality_no",
            f"unknown municipality {', '.join(unknown)}; expected a Trøndelag kommunenummer or name: "
            f"{known_municipalities_text()}",
        )
    return tuple(dict.fromkeys(numbers))


def _bbox_values(bbox: Any, problem: Any) -> tuple[float, float, float, float] | None:
    """Four floats from ``"minx,miny,maxx,maxy"`` or a sequence, or None with the problem reported."""
    parts = bbox.split(",") if isinstance(bbox, str) else list(bbox)
    try:
        values = [float(v) for v in parts]
    except (TypeError, ValueError):
        problem("bbox", f"expected four numbers minx,miny,maxx,maxy, got {bbox!r}")
        return None
    if not all(math.isfinite(v) for v in values):
        problem("bbox", f"expected four finite numbers minx,miny,maxx,maxy (no NaN or infinity), got {bbox!r}")
        return None
    if len(values) != 4 or values[0] > values[2] or values[1] > values[3]:
        problem("bbox", f"expected four numbers minx,miny,maxx,maxy with min <= max, got {bbox!r}")
        return None
    return (values[0], values[1], values[2], values[3])


def bbox_to_storage(bbox: tuple[float, float, float, float], *, bbox_crs: Any) -> shapely.Polygon:
    """A bbox given in ``bbox_crs`` as a polygon in EPSG:25832.

    Parameters
    ----------
    bbox : (minx, miny, maxx, maxy)
        In ``bbox_crs``, x first (longitude first for geographic CRSs such as EPSG:4326).
    bbox_crs : str or pyproj.CRS
        The CRS of ``bbox``.

    Returns
    -------
    shapely.Polygon
        The part of the box inside the area where EPSG:25832 is defined (its area of use,
        longitude 6°E–12°E; empty when the box lies wholly outside), its edges densified
        before transforming, so it follows lines of constant longitude and latitude. A box
        that reaches past that area, up to the whole world, still finds every plot in it.

    Raises
    ------
    CRSError
        When ``bbox_crs`` is not a CRS that pyproj knows.
    """
    src = parse_crs(bbox_crs, where="bbox")
    box = shapely.box(*bbox)
    if src.equals(STORAGE_CRS):
        return box
    area_lonlat = _storage_area_lonlat()
    to_lonlat, area_in_src = _lonlat_transform_of(src)
    box = box.intersection(area_in_src)
    lonlat = _densified_transform(box, to_lonlat).intersection(shapely.box(*area_lonlat))
    if lonlat.is_empty:
        return shapely.Polygon()
    return _densified_transform(lonlat, _lonlat_to_storage())


@lru_cache(maxsize=16)
def _lonlat_transform_of(src: CRS) -> tuple[Transformer, shapely.Polygon]:
    """The transformer from ``src`` to longitude/latitude, and the storage CRS's area of use in ``src``.

    Building a transformer costs milliseconds (PROJ's database); each bbox request reuses these.
    """
    from_lonlat = Transformer.from_crs(WEB_CRS, src, always_xy=True)
    area = shapely.box(*from_lonlat.transform_bounds(*_storage_area_lonlat(), densify_pts=21))
    return Transformer.from_crs(src, WEB_CRS, always_xy=True), area


@lru_cache(maxsize=1)
def _lonlat_to_storage() -> Transformer:
    return Transformer.from_crs(WEB_CRS, STORAGE_CRS, always_xy=True)


def _densified_transform(geom: shapely.Geometry, transformer: Transformer) -> shapely.Geometry:
    """``geom`` with its edges cut into 32 pieces per box side, then transformed."""
    if geom.is_empty:
        return geom
    x0, y0, x1, y1 = geom.bounds
    dense = shapely.segmentize(geom, max(x1 - x0, y1 - y0) / 32 or 1.0)
    return shapely.transform(dense, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _storage_area_lonlat() -> tuple[float, float, float, float]:
    """Where EPSG:25832 is defined: its area of use (west, south, east, north) in degrees."""
    aou = STORAGE_CRS.area_of_use
    assert aou is not None  # EPSG:25832 declares one
    return aou.bounds


def bbox_region_warning(
    query: PlotQuery,
    *,
    lonlat_hint: str = "declare its CRS as EPSG:4326",
    other_hint: str = "check the coordinates and their CRS",
) -> str | None:
    """Why ``query``'s bbox probably finds nothing, or None when it overlaps the region.

    Parameters
    ----------
    query : PlotQuery
        A plot query with a ``bbox`` or ``intersects`` window in EPSG:25832.
    lonlat_hint : str
        What to do when the box was taken as EPSG:25832 but its numbers look like
        longitude/latitude.
    other_hint : str
        What to do otherwise.

    Returns
    -------
    str or None
        A sentence naming the region's extent (EPSG:25832), the likely cause and what to do.
    """
    window = query.intersects if query.intersects is not None else query.bbox
    if window is None:
        return None
    area = window if isinstance(window, shapely.Geometry) else shapely.box(*window)
    if area.intersects(shapely.box(*REGION_EXTENT_25832)):
        return None
    extent = ",".join(f"{v:.0f}" for v in REGION_EXTENT_25832)
    text = f"the bbox lies outside the region (extent {extent} in EPSG:25832), so no plot can match"
    x0, y0, x1, y1 = area.bounds
    if query.intersects is None and max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90:
        return f"{text}; its numbers look like longitude/latitude: {lonlat_hint}"
    return f"{text}; {other_hint}"


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
    if query.after_fid is not None:
        clauses.append(f"{table}.fid > ?")
        params.append(query.after_fid)
    if now_text is not None:
        clauses.append("recorded_at <= ? AND (superseded_at IS NULL OR superseded_at > ?)")
        params += [now_text, now_text]
    any_of("municipality_no", query.municipality_no)
    any_of("status", query.status)
    any_of("zoning", query.zoning)
    any_of("readiness", query.readiness)
    any_of("business_area_id", query.business_area_id)
    any_of("plot_id", query.plot_ids)
    _value_clauses(query, clauses, params)
    _validity_clauses(query, clauses, params)
    return (" AND ".join(clauses) if clauses else "1=1"), params


def _value_clauses(query: PlotQuery, clauses: list[str], params: list[Any]) -> None:
    """Append the code, area, price and road filters of ``query`` to ``clauses`` and ``params``."""
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


def _validity_clauses(query: PlotQuery, clauses: list[str], params: list[Any]) -> None:
    """Append the validity filter (valid at, valid during, or live only) of ``query``."""
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


def resolve_business_areas(query: PlotQuery, *, areas: Any) -> PlotQuery:
    """``query`` with its business areas given by id or name (any case) turned into ids.

    Parameters
    ----------
    query : PlotQuery
        The query whose ``business_area_id`` holds ids or names.
    areas : DataFrame
        The registry's business areas, with ``area_id`` and ``name``.

    Returns
    -------
    PlotQuery

    Raises
    ------
    ValidationError
        When an area is unknown; the message lists the registry's areas.
    """
    if not query.business_area_id:
        return query
    by_key: dict[str, str] = {}
    for area_id, name in zip(areas["area_id"], areas["name"], strict=True):
        by_key[str(name).casefold()] = str(area_id)
        by_key[str(area_id).casefold()] = str(area_id)
    unknown = [ref for ref in query.business_area_id if ref.casefold() not in by_key]
    if unknown:
        listed = ", ".join(f"{a} ({n})" for a, n in zip(areas["area_id"], areas["name"], strict=True))
        message = f"unknown business area {', '.join(map(repr, unknown))}; expected an id or name: {listed}"
        problem = Problem("query", "business_area_id", message, whole_input=True)
        raise ValidationError([problem], context="invalid query", wrote_nothing=False)
    ids = tuple(dict.fromkeys(by_key[ref.casefold()] for ref in query.business_area_id))
    return replace(query, business_area_id=ids)
