"""The feature collections the service offers, and how each is read.

Every collection is a :class:`Collection` with one interface (``features``, ``feature``,
``extent``): the plots are queried in the registry, the small registry tables and the
static layers are filtered in memory.
"""

from __future__ import annotations

import datetime as dt
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from api.crs import CRS84, STORAGE_CRS_URI, bbox_to_storage, transform_geometries
from api.features import GEOJSON, frame_to_features, records_to_features
from api.params import ItemsQuery, typed_property
from landreg.crs import STORAGE_CRS
from landreg.errors import LandregError, PlotNotFoundError
from landreg.json_values import json_value
from landreg.registry import PlotQuery
from landreg.registry.base import EntityTables, FeatureSource
from landreg.registry.codec import PLOT_COLUMNS, is_missing
from landreg.registry.cql import QUERYABLE_TYPES

log = logging.getLogger("landreg.api.collections")

EPSG_URI_PREFIX = "http://www.opengis.net/def/crs/EPSG/0/"
PLOT_COLUMN_NAMES = tuple(name for name, _ in PLOT_COLUMNS)


def etag_of(plot_id: str, version: int) -> str:
    """The (strong) entity tag of one version of a plot."""
    return f'"{plot_id}-v{version}"'


@dataclass(frozen=True)
class FeaturePage:
    """One page of GeoJSON features and how many features matched in all."""

    features: list[dict[str, Any]]
    number_matched: int
    next_after: int | None = None  # the page key of the next page, where the collection pages by key


@dataclass
class Collection(ABC):
    """One collection: its metadata, and how its features are read.

    Every kind of collection answers the same three questions, so a route never asks which
    kind it serves: :meth:`features` (a page for an items query), :meth:`feature` (one
    feature by id) and :meth:`extent` (its bounds in CRS84).
    """

    id: str
    title: str
    description: str
    id_column: str
    editable: bool = False
    attribution: str = ""
    queryables: dict[str, str] = field(default_factory=dict)
    synthetic: bool | None = None  # a layer's manifest flag; None where each feature's provenance tells

    @abstractmethod
    def features(self, query: ItemsQuery, *, registry: FeatureSource) -> FeaturePage:
        """The page of features that ``query`` asks for, in ``query.crs_uri``."""

    @abstractmethod
    def feature(
        self, feature_id: str, *, registry: FeatureSource, crs_uri: str, as_of: dt.datetime | None, root: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """One feature (with its links) in ``crs_uri``, and the response headers that go with it.

        Raises
        ------
        PlotNotFoundError
            When no feature has this id (at ``as_of``, where the collection keeps history).
        """

    def extent(self, registry: FeatureSource) -> list[float] | None:
        """The bounds ``[west, south, east, north]`` in CRS84, or ``None`` when not known."""
        return None

    def property_names(self) -> frozenset[str]:
        """The names a client may choose with ``properties=`` (its queryables and its id)."""
        return frozenset({*self.queryables, self.id_column})

    def _links(self, root: str, feature_id: str) -> list[dict[str, str]]:
        return [
            {"rel": "self", "type": GEOJSON, "href": f"{root}/collections/{self.id}/items/{feature_id}"},
            {"rel": "collection", "type": "application/json", "href": f"{root}/collections/{self.id}"},
        ]


@dataclass
class PlotsCollection(Collection):
    """The plots of the registry: paged and filtered in the database, with versions and history."""

    def features(self, query: ItemsQuery, *, registry: FeatureSource) -> FeaturePage:
        """The page of plots that ``query`` asks for (see :func:`plot_query`)."""
        cql = query.filter
        filter_crs = None if cql is None or cql.crs_uri in (None, CRS84) else cql.crs_uri
        page = registry.query_records(
            plot_query(
                bbox=query.bbox,
                properties=query.properties,
                interval=query.interval,
                as_of=query.as_of,
                filter_ast=None if cql is None else cql.ast,
                filter_crs=None if filter_crs is None else filter_crs.replace(EPSG_URI_PREFIX, "EPSG:"),
                limit=query.limit,
                offset=query.offset,
                after_fid=query.after,
            )
        )
        features = records_to_features(page.records, page.geometries, id_column=self.id_column, crs_uri=query.crs_uri)
        return FeaturePage(features, page.number_matched, page.next_after_fid)

    def feature(
        self, feature_id: str, *, registry: FeatureSource, crs_uri: str, as_of: dt.datetime | None, root: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """One live plot as recorded at ``as_of`` (default: now), with its ETag and a link to its versions.

        An ended plot is gone from the collection (404), as it is from the items list; its
        versions and an ``as_of`` before its end still show it.
        """
        # One indexed read of the plot's row as the items list reads rows (no model, no frame).
        page = registry.query_records(PlotQuery.build(plot_ids=[feature_id], include_ended=True, as_of=as_of))
        if not page.records:  # unknown, or as_of before it existed: the registry's own words say which
            registry.get_plot(feature_id, as_of=as_of)
            raise PlotNotFoundError(f"no plot with id {feature_id!r} at {as_of.isoformat() if as_of else 'now'}")
        record = page.records[0]
        if not is_missing(record.get("valid_to")):  # ended
            when = f"at {as_of.isoformat()}" if as_of else "now"
            ended = dt.datetime.fromisoformat(str(json_value(record["valid_to"])))
            raise PlotNotFoundError(
                f"plot {feature_id!r} ({record['code']}) ended at {ended.isoformat(timespec='seconds')} "
                f"and is not in the collection {when}; its versions are at "
                f"/collections/{self.id}/items/{feature_id}/versions, and as_of with an earlier time reads it as it was"
            )
        feature = records_to_features(page.records, page.geometries, id_column=self.id_column, crs_uri=crs_uri)[0]
        feature["links"] = [
            *self._links(root, feature_id),
            {
                "rel": "version-history",
                "type": GEOJSON,
                "href": f"{root}/collections/{self.id}/items/{feature_id}/versions",
            },
        ]
        return feature, {"ETag": etag_of(feature_id, int(record["version"]))}

    def property_names(self) -> frozenset[str]:
        """Every column of a plot, and its area in decares."""
        return frozenset({*PLOT_COLUMN_NAMES, "area_daa"})

    def extent(self, registry: FeatureSource) -> list[float] | None:
        """The bounds of the live plots in CRS84."""
        bounds = registry.plots_extent()
        if bounds is None:
            return None
        box = bbox_to_storage(bounds, STORAGE_CRS_URI)  # a polygon; transformed below
        return list(transform_geometries(np.array([box]), STORAGE_CRS_URI, CRS84)[0].bounds)


@dataclass
class SmallCollection(Collection):
    """A collection small enough to be read whole and filtered in memory (EPSG:25832)."""

    @abstractmethod
    def read(self, registry: FeatureSource) -> gpd.GeoDataFrame:
        """All features of the collection in EPSG:25832."""

    def features(self, query: ItemsQuery, *, registry: FeatureSource) -> FeaturePage:
        """The page of features that ``query`` asks for (see :func:`filter_small`)."""
        cql = query.filter
        chosen = filter_small(
            self.read(registry),
            bbox=query.bbox,
            properties=query.properties,
            filter_ast=None if cql is None else cql.ast,
            filter_crs="OGC:CRS84" if cql is None or cql.crs_uri in (None, CRS84) else cql.crs_uri,
        )
        page = chosen.iloc[query.offset : query.offset + query.limit]
        return FeaturePage(frame_to_features(page, id_column=self.id_column, crs_uri=query.crs_uri), len(chosen))

    def feature(
        self, feature_id: str, *, registry: FeatureSource, crs_uri: str, as_of: dt.datetime | None, root: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The feature whose id column reads ``feature_id`` (``as_of`` is ignored: no history is kept)."""
        whole = self.read(registry)
        frame = whole[whole[self.id_column].astype(str) == feature_id]
        if len(frame) == 0:
            raise PlotNotFoundError(f"no feature {feature_id!r} in {self.id}")
        feature = frame_to_features(frame, id_column=self.id_column, crs_uri=crs_uri)[0]
        feature["links"] = self._links(root, feature_id)
        return feature, {}


@dataclass
class StaticCollection(SmallCollection):
    """A layer read once at start-up (municipalities, destinations)."""

    frame: gpd.GeoDataFrame = field(kw_only=True)

    def read(self, registry: FeatureSource) -> gpd.GeoDataFrame:
        """The layer as loaded at start-up."""
        return self.frame

    def property_names(self) -> frozenset[str]:
        """The layer's columns."""
        return frozenset(c for c in self.frame.columns if c != self.frame.geometry.name)

    def extent(self, registry: FeatureSource) -> list[float] | None:
        """The bounds of the layer in CRS84 (``None`` when it is empty)."""
        return list(self.frame.to_crs("OGC:CRS84").total_bounds) if len(self.frame) else None


@dataclass
class RegistryTableCollection(SmallCollection):
    """A small registry table read on each request (business areas, road projects, decisions)."""

    reader: Callable[[FeatureSource], gpd.GeoDataFrame] = field(kw_only=True)

    def read(self, registry: FeatureSource) -> gpd.GeoDataFrame:
        """The table as the registry holds it now."""
        return self.reader(registry)


def _decisions_frame(registry: EntityTables) -> gpd.GeoDataFrame:
    rows = [d.model_dump(mode="json") for d in registry.load_decisions()]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows), geometry=gpd.GeoSeries([None] * len(rows), crs=STORAGE_CRS), crs=STORAGE_CRS
    )


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

    out: list[Collection] = []
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
            "© Kartverket",
        ),
    ]
    from landreg.layers.manifest import load_manifest

    try:
        flags = {s.id: (s.synthetic, s.attribution) for s in load_manifest(layers_dir).layers}
    except (LandregError, OSError):  # each layer's own read below says what is wrong
        flags = {}
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
            StaticCollection(
                layer_id,
                title,
                desc,
                id_col,
                frame=frame,
                attribution=flags[layer_id][1] if layer_id in flags else attribution,
                queryables=_queryables_of(frame),
                synthetic=flags[layer_id][0] if layer_id in flags else None,
            )
        )
    return out


def registry_collections() -> list[Collection]:
    """The collections read from the registry."""
    return [
        PlotsCollection(
            "plots",
            "Plots of business land",
            "Plots (tomter) with status, zoning, readiness and asking price; each value's provenance "
            "(source, date, method) says where it came from, and each response counts what is synthetic",
            "plot_id",
            editable=True,
            queryables=dict(QUERYABLE_TYPES),
        ),
        RegistryTableCollection(
            "business_areas",
            "Business areas",
            "Næringsområder and clusters",
            "area_id",
            reader=lambda registry: registry.load_business_areas(),
            queryables={
                "area_id": "string",
                "name": "string",
                "municipality_no": "string",
                "area_type": "string",
                "nuisance_class": "string",
            },
        ),
        RegistryTableCollection(
            "road_projects",
            "Road projects",
            "Planned roads used in scenarios",
            "project_id",
            reader=lambda registry: registry.load_road_projects(),
            queryables={
                "project_id": "string",
                "name": "string",
                "status": "string",
                "speed_kmh": "number",
                "expected_year": "integer",
            },
        ),
        RegistryTableCollection(
            "decisions",
            "Decisions",
            "Pending decisions that lock land (no geometry)",
            "decision_id",
            reader=_decisions_frame,
            queryables={"decision_id": "string", "title": "string", "status": "string", "expected_date": "string"},
        ),
    ]


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
    after_fid: int | None = None,
) -> PlotQuery:
    """The registry query for a plots items request."""
    multi = {"municipality_no", "status", "zoning", "readiness", "business_area_id"}
    kwargs: dict[str, Any] = {k: v for k, v in properties.items() if k in multi}
    other = {k: v for k, v in properties.items() if k not in multi}
    extra_ast = filter_ast
    if other:
        from pygeofilter import ast as fast

        for key, value in other.items():
            node = fast.Equal(fast.Attribute(key), typed_property(key, value, kind=QUERYABLE_TYPES.get(key, "string")))
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
        after_fid=after_fid,
        filter_ast=extra_ast,
        filter_crs=filter_crs,
    )
