"""Query parameters of the OGC API – Features routes, parsed once as FastAPI dependencies.

Each dependency declares its parameters (they appear in the OpenAPI document) and
returns them checked and converted: a bad value is a 400 that names the parameter.
They read no files or database and are ``async``, so they run on the event loop: a plain
``def`` dependency is sent to a worker thread and back, one round trip per dependency and
request (eight for an items page, more than its serialisation costs).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import shapely
from fastapi import Depends, Query, Request

from api.crs import bbox_to_storage, normalise_crs_uri
from api.deps import parse_bbox, parse_datetime_param, parse_interval
from api.errors import EntityNotFoundError, InvalidParameterError
from api.settings import ApiSettings
from landreg.registry.cql import parse_filter

#: Parameters every items request may carry; any other name must be a queryable of the collection.
STANDARD_PARAMETERS = frozenset(
    {
        "bbox",
        "bbox-crs",
        "crs",
        "limit",
        "offset",
        "after",
        "datetime",
        "filter",
        "filter-lang",
        "filter-crs",
        "f",
        "as_of",
        "sortby",
        "properties",
    }
)


#: The largest ``offset``: the largest row number the databases count to (a signed 64-bit integer).
MAX_OFFSET = 2**63 - 1


@dataclass(frozen=True)
class CqlFilter:
    """A parsed CQL2 filter and the CRS URI its geometries are in (``None``: CRS84)."""

    ast: Any
    crs_uri: str | None


@dataclass(frozen=True)
class ItemsQuery:
    """What an items request asks for, checked and converted.

    ``bbox`` is a polygon in EPSG:25832 (the bbox given in ``bbox-crs``, densified);
    ``crs_uri`` is the CRS the features are returned in.
    """

    limit: int
    offset: int
    crs_uri: str
    after: int | None = None
    bbox: shapely.Geometry | None = None
    properties: dict[str, str] = field(default_factory=dict)
    interval: tuple[dt.datetime | None, dt.datetime | None] | None = None
    as_of: dt.datetime | None = None
    filter: CqlFilter | None = None
    #: The properties a client chose (``properties=a,b``; OGC API – Features Part 6), None for all.
    select: tuple[str, ...] | None = None


def typed_property(name: str, text: str, *, kind: str) -> Any:
    """The value of a queryable given in the query string, as its JSON Schema ``kind`` says.

    Parameters
    ----------
    name : str
        The queryable, for the message.
    text : str
        The value as given.
    kind : str
        ``number``, ``integer``, ``boolean`` or ``string``.

    Returns
    -------
    float, int, bool or str

    Raises
    ------
    InvalidParameterError
        When ``text`` is not a value of that kind (a number must be finite).
    """
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise InvalidParameterError(f"{name}={text!r}: expected true or false")
        return text.lower() == "true"
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise InvalidParameterError(f"{name}={text!r}: expected a whole number") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise InvalidParameterError(f"{name}={text!r}: expected a number") from None
        if not math.isfinite(number):
            raise InvalidParameterError(f"{name}={text!r}: expected a finite number")
        return number
    return text


async def collection_param(request: Request, collection_id: str) -> Any:
    """The collection named in the path (404 when unknown)."""
    for coll in request.app.state.collections:
        if coll.id == collection_id:
            return coll
    known = [c.id for c in request.app.state.collections]
    raise EntityNotFoundError(f"no collection {collection_id!r}; available: {known}")


async def crs_param(crs: str | None = Query(None, description="Output CRS URI; default CRS84")) -> str:
    """The output CRS as a canonical URI (CRS84 when not given)."""
    return normalise_crs_uri(crs)


async def bbox_param(
    bbox: str | None = Query(None, description="minx,miny,maxx,maxy in bbox-crs (default CRS84)"),
    bbox_crs: str | None = Query(None, alias="bbox-crs"),
) -> shapely.Geometry | None:
    """The ``bbox`` (in ``bbox-crs``, default CRS84) as a polygon in EPSG:25832, or ``None``."""
    box = parse_bbox(bbox)
    return None if box is None else bbox_to_storage(box, normalise_crs_uri(bbox_crs, param="bbox-crs"))


async def filter_param(
    filter: str | None = Query(None, description="CQL2 filter"),
    filter_lang: Literal["cql2-text", "cql2-json"] = Query("cql2-text", alias="filter-lang"),
    filter_crs: str | None = Query(None, alias="filter-crs"),
) -> CqlFilter | None:
    """The CQL2 ``filter`` parsed in ``filter-lang``, with its ``filter-crs`` (CRS84 or EPSG:25832)."""
    ast = None if filter is None else parse_filter(filter, lang=filter_lang)
    crs_uri = None if filter_crs is None else normalise_crs_uri(filter_crs, param="filter-crs")
    if crs_uri is not None and crs_uri.endswith("/4326"):
        raise InvalidParameterError("filter-crs EPSG:4326 is not supported; use CRS84 (lon, lat) or EPSG:25832")
    return None if ast is None else CqlFilter(ast, crs_uri)


async def datetime_param(
    datetime: str | None = Query(None, description="Validity instant or interval (start/end, '..' open)"),
) -> tuple[dt.datetime | None, dt.datetime | None] | None:
    """The ``datetime`` instant or interval, or ``None``."""
    return parse_interval(datetime)


async def as_of_param(
    as_of: str | None = Query(None, description="Read the registry as recorded at this time (plots)"),
) -> dt.datetime | None:
    """The ``as_of`` time (aware, UTC), or ``None``."""
    return None if as_of is None else parse_datetime_param(as_of, name="as_of")


def items_query_param(settings: ApiSettings) -> Callable[..., Awaitable[ItemsQuery]]:
    """The dependency that reads an items request, with ``limit``'s default and maximum from ``settings``.

    A ``limit`` above the maximum is served with the maximum, not refused: OGC API – Features
    Part 1 (OGC 17-069r4) describes the limit as "If you ask for 50000, you might get up to 10000
    (server-limited) and if there are more, a next link" (discussed in
    https://github.com/opengeospatial/ogcapi-features/issues/640). The OpenAPI document declares
    the default and the maximum (``api.main``).
    """
    limit_query = Query(
        settings.default_limit,
        ge=1,
        description=f"Items per page (default {settings.default_limit}, maximum {settings.max_limit}; "
        "a larger limit is served with the maximum)",
    )

    async def items_query(
        request: Request,
        coll: Any = Depends(collection_param),
        limit: int = limit_query,
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Items to skip (paging)"),
        after: int | None = Query(
            None,
            ge=0,
            le=MAX_OFFSET,
            description="Page key from a next link: the items after it, so that edits between pages "
            "neither repeat nor skip an item",
        ),
        crs_uri: str = Depends(crs_param),
        bbox: shapely.Geometry | None = Depends(bbox_param),
        interval: tuple[dt.datetime | None, dt.datetime | None] | None = Depends(datetime_param),
        cql: CqlFilter | None = Depends(filter_param),
        as_of: dt.datetime | None = Depends(as_of_param),
        select: str | None = Query(
            None,
            alias="properties",
            description="Comma-separated names of the properties each feature carries (default all; "
            "OGC API – Features Part 6)",
        ),
    ) -> ItemsQuery:
        properties = {k: v for k, v in request.query_params.items() if k not in STANDARD_PARAMETERS}
        unknown = sorted(set(properties) - set(coll.queryables))
        if unknown:
            raise InvalidParameterError(
                f"unknown query parameter(s) {unknown}; expected standard parameters or queryables "
                f"{sorted(coll.queryables)}"
            )
        for name, text in properties.items():
            typed_property(name, text, kind=coll.queryables[name])  # a 400 now, not a failed query later
        return ItemsQuery(
            limit=min(limit, settings.max_limit),
            offset=offset,
            after=after,
            crs_uri=crs_uri,
            bbox=bbox,
            properties=properties,
            interval=interval,
            as_of=as_of,
            filter=cql,
            select=None if select is None else chosen_properties(select, known=coll.property_names()),
        )

    return items_query


def chosen_properties(text: str, *, known: frozenset[str]) -> tuple[str, ...]:
    """The property names of ``properties=a,b`` in the order given (empty text: none).

    Raises
    ------
    InvalidParameterError
        When a name is not a property of the collection.
    """
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidParameterError(f"properties: unknown property name(s) {unknown}; expected some of {sorted(known)}")
    return names
