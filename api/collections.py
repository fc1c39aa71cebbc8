"""The feature collections the service offers, and how each is read."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.crs import STORAGE_CRS
from landreg.errors import LandregError
from landreg.registry import PlotQuery
from landreg.registry.cql import QUERYABLE_TYPES

log = logging.getLogger("landreg.api.collections")


@dataclass
class Collection:
    """One collection: metadata plus, for the static ones, its features (EPSG:25832)."""

    id: str
    title: str
    description: str
    id_column: str
    editable: bool = False
    source: str = "registry"  # "plots", "registry" (small tables read per request) or "static"
    frame: gpd.GeoDataFrame | None = None
    attribution: str = ""
    queryables: dict[str, str] = field(default_factory=dict)


def _queryables_of(frame: gpd.GeoDataFrame) -> dict[str, str]:
    out = {}
    for col in frame.columns:
        if col == frame.geometry.name:
            continue
        kind = frame[col].dtype.kind
        out[col] = {"f": "number", "i": "integer", "b": "boolean"}.get(kind, "string")
    return out


def load_static_collections(layers_dir: Path) -> list[Collection]:
    """Municipalities and destinations from the layers folder (empty when the manifest is missing)."""
    if not (layers_dir / "layers.toml").exists():
        return []
    from landreg.layers.load import load_layer

    out = []
    specs = [
        (
            "municipalities",
            "Municipalities (kommuner)",
            "Trondheimsregionen and neighbours; Kartverket, CC BY 4.0",
            "kommunenummer",
            "© Kartverket",
        ),
        (
            "destinations",
            "Destinations",
            "Port, airport, stations, freight terminal, junctions used for road access",
            "dest_id",
            "© Kartverket; synthetic where marked",
        ),
    ]
    for layer_id, title, desc, id_col, attribution in specs:
        try:
            frame = load_layer(layer_id, layers_dir=layers_dir)
        except (LandregError, OSError) as exc:  # an unreadable layer leaves its collection out, said in the log
            log.warning("collection %r is not offered: its layer could not be read: %s", layer_id, exc)
            continue
        if not isinstance(frame, gpd.GeoDataFrame):  # a raster or plain table is no feature collection
            continue
        frame = frame.reset_index(drop=True)
        out.append(
            Collection(
                layer_id,
                title,
                desc,
                id_col,
                source="static",
                frame=frame,
                attribution=attribution,
                queryables=_queryables_of(frame),
            )
        )
    return out


def registry_collections() -> list[Collection]:
    """The collections read from the registry."""
    return [
        Collection(
            "plots",
            "Plots of business land",
            "Plots (tomter) with status, zoning, readiness and asking price; synthetic demonstration data "
            "where provenance says so",
            "plot_id",
            editable=True,
            source="plots",
            queryables=dict(QUERYABLE_TYPES),
        ),
        Collection(
            "business_areas",
            "Business areas",
            "Næringsområder and clusters",
            "area_id",
            queryables={
                "area_id": "string",
                "name": "string",
                "municipality_no": "string",
                "area_type": "string",
                "nuisance_class": "string",
            },
        ),
        Collection(
            "road_projects",
            "Road projects",
            "Planned roads used in scenarios",
            "project_id",
            queryables={
                "project_id": "string",
                "name": "string",
                "status": "string",
                "speed_kmh": "number",
                "expected_year": "integer",
            },
        ),
        Collection(
            "decisions",
            "Decisions",
            "Pending decisions that lock land (no geometry)",
            "decision_id",
            queryables={"decision_id": "string", "title": "string", "status": "string", "expected_date": "string"},
        ),
    ]


def read_small_collection(registry: Any, coll: Collection) -> gpd.GeoDataFrame:
    """The whole of a small collection as a GeoDataFrame in EPSG:25832."""
    if coll.source == "static":
        assert coll.frame is not None
        return coll.frame
    if coll.id == "business_areas":
        return registry.load_business_areas()
    if coll.id == "road_projects":
        return registry.load_road_projects()
    if coll.id == "decisions":
        rows = [d.model_dump(mode="json") for d in registry.load_decisions()]
        return gpd.GeoDataFrame(
            pd.DataFrame(rows), geometry=gpd.GeoSeries([None] * len(rows), crs=STORAGE_CRS), crs=STORAGE_CRS
        )
    raise KeyError(coll.id)


def filter_small(
    frame: gpd.GeoDataFrame, *, bbox: Any, properties: dict[str, str], filter_ast: Any, filter_crs: str | None
) -> gpd.GeoDataFrame:
    """Apply bbox, property equality and a CQL2 filter to an in-memory collection."""
    mask = np.ones(len(frame), dtype=bool)
    if bbox is not None:
        geoms = np.asarray(frame.geometry.values, dtype=object)
        mask &= np.array([g is not None and shapely.intersects(g, bbox) for g in geoms], dtype=bool)
    for key, value in properties.items():
        mask &= frame[key].astype(str).to_numpy() == value
    if filter_ast is not None:
        from pygeofilter.backends.geopandas.evaluate import to_filter

        from landreg.registry.cql import FilterError

        target = frame.to_crs(filter_crs or "OGC:CRS84") if frame.crs is not None else frame
        try:
            mask &= np.asarray(to_filter(target, filter_ast, {c: c for c in frame.columns}), dtype=bool)
        except Exception as exc:  # pygeofilter raises plain errors for unknown attributes etc.
            raise FilterError(f"cannot apply the filter to this collection: {exc}") from exc
    return frame[mask]


def plot_query(
    *,
    bbox: Any,
    properties: dict[str, str],
    interval: tuple[dt.datetime | None, dt.datetime | None] | None,
    as_of: dt.datetime | None,
    filter_ast: Any,
    filter_crs: str | None,
    limit: int,
    offset: int,
) -> PlotQuery:
    """The registry query for a plots items request."""
    multi = {"municipality_no", "status", "zoning", "readiness", "business_area_id"}
    kwargs: dict[str, Any] = {k: v for k, v in properties.items() if k in multi}
    other = {k: v for k, v in properties.items() if k not in multi}
    extra_ast = filter_ast
    if other:
        from pygeofilter import ast as fast

        for key, value in other.items():
            typed: Any = value
            kind = QUERYABLE_TYPES.get(key)
            if kind in ("number", "integer"):
                typed = float(value) if kind == "number" else int(value)
            elif kind == "boolean":
                typed = value.lower() in ("true", "1", "yes")
            node = fast.Equal(fast.Attribute(key), typed)
            extra_ast = node if extra_ast is None else fast.And(extra_ast, node)
    query = PlotQuery.build(**kwargs)
    valid_at = valid_during = None
    include_ended = False
    if interval is not None:
        start, end = interval
        if start is not None and start == end:
            valid_at = start
        else:
            valid_during = interval
        include_ended = True
    return PlotQuery(
        intersects=bbox,
        municipality_no=query.municipality_no,
        status=query.status,
        zoning=query.zoning,
        readiness=query.readiness,
        business_area_id=query.business_area_id,
        include_ended=include_ended,
        valid_at=valid_at,
        valid_during=valid_during,
        as_of=as_of,
        limit=limit,
        offset=offset,
        filter_ast=extra_ast,
        filter_crs=filter_crs,
    )
