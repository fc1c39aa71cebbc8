"""Business areas, decisions and road projects in the registry (mixed into it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import pydantic
import shapely

from landreg.crs import STORAGE_EPSG, to_storage_crs
from landreg.errors import EntityNotFoundError, Problem, ValidationError
from landreg.gpkg.connection import write_transaction
from landreg.gpkg.geometry import encode_geometries
from landreg.gpkg.schema import update_contents_extent
from landreg.model.entities import BusinessArea, Decision, RoadProject
from landreg.model.enums import RoadProjectStatus
from landreg.registry._state import RegistryState
from landreg.registry.codec import rows_to_frame, to_storage_value
from landreg.registry.decisions import ensure_decision_columns, table_columns
from landreg.registry.tables import AREA_COLUMNS, AREAS, DECISION_COLUMNS, DECISIONS, ROAD_COLUMNS, ROADS

_JSON = {"occupants", "provenance", "outcomes"}


def _store(name: str, value: Any) -> Any:
    if name in _JSON:
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return to_storage_value(name, value)


def _validated(
    frame: gpd.GeoDataFrame, model: type[pydantic.BaseModel], kinds: set[str], context: str
) -> tuple[list[dict[str, Any]], list[Any]]:
    frame = to_storage_crs(frame, where=context)
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    geoms: list[Any] = []
    attr_cols = [c for c in frame.columns if c != frame.geometry.name]
    for i, (rec, geom) in enumerate(zip(frame[attr_cols].to_dict(orient="records"), frame.geometry, strict=True)):
        rec = {
            k: (json.loads(v) if k in _JSON and isinstance(v, str) else v)
            for k, v in rec.items()
            if not (v is None or (isinstance(v, float) and pd.isna(v)))
        }
        label = f"row {i + 1} ({rec.get('name', '?')})"
        if geom is None or geom.is_empty or geom.geom_type not in kinds:
            problems.append(
                Problem(label, "geometry", f"expected one of {sorted(kinds)}, got {getattr(geom, 'geom_type', None)}")
            )
            continue
        if not geom.is_valid:
            problems.append(Problem(label, "geometry", f"invalid geometry: {shapely.is_valid_reason(geom)}"))
            continue
        try:
            out.append(model.model_validate(rec).model_dump(mode="json", exclude={"geometry"}))
        except pydantic.ValidationError as exc:
            for err in exc.errors():
                problems.append(Problem(label, ".".join(map(str, err["loc"])), err["msg"]))
            continue
        if geom.geom_type == "Polygon":
            geom = shapely.MultiPolygon([geom])
        elif geom.geom_type == "LineString":
            geom = shapely.MultiLineString([geom])
        geoms.append(geom)
    if problems:
        raise ValidationError(problems, context=context)
    return out, geoms


class EntityStore(RegistryState):
    """Methods for the registry's business areas, decisions and road projects."""

    def _replace_features(
        self, table: str, columns: Sequence[tuple[str, str]], records: list[dict[str, Any]], geoms: list[Any]
    ) -> None:
        names = [n for n, _ in columns]
        blobs = encode_geometries(geoms, STORAGE_EPSG)
        with self._lock, write_transaction(self._conn):
            self._conn.execute(f'DELETE FROM "{table}"')
            self._conn.executemany(
                f'INSERT INTO "{table}" (geom, {", ".join(names)}) VALUES (?{", ?" * len(names)})',
                [[b] + [_store(n, r.get(n)) for n in names] for r, b in zip(records, blobs, strict=True)],
            )
            if records:
                update_contents_extent(self._conn, table)

    def _read_features(self, table: str, columns: Sequence[tuple[str, str]]) -> gpd.GeoDataFrame:
        names = [n for n, _ in columns]
        with self._lock:
            rows = self._conn.execute(f'SELECT geom, {", ".join(names)} FROM "{table}" ORDER BY fid').fetchall()
        frame = rows_to_frame(rows, ["geom", *names])
        for col in _JSON & set(names):
            frame[col] = [json.loads(v) if isinstance(v, str) else v for v in frame[col]]
        return frame

    def save_business_areas(self, frame: gpd.GeoDataFrame) -> int:
        """Replace the registry's business areas with ``frame`` (validated; any declared CRS)."""
        records, geoms = _validated(frame, BusinessArea, {"Polygon", "MultiPolygon"}, "business areas")
        self._replace_features(AREAS, AREA_COLUMNS, records, geoms)
        return len(records)

    def load_business_areas(self) -> gpd.GeoDataFrame:
        """Business areas as a GeoDataFrame (EPSG:25832)."""
        return self._read_features(AREAS, AREA_COLUMNS)

    def save_road_projects(self, frame: gpd.GeoDataFrame) -> int:
        """Replace the registry's road projects with ``frame`` (LineStrings; any declared CRS)."""
        records, geoms = _validated(frame, RoadProject, {"LineString", "MultiLineString"}, "road projects")
        self._replace_features(ROADS, ROAD_COLUMNS, records, geoms)
        return len(records)

    def load_road_projects(self, *, include_cancelled: bool = False) -> gpd.GeoDataFrame:
        """Road projects as a GeoDataFrame (EPSG:25832); cancelled (ended) ones only when asked."""
        frame = self._read_features(ROADS, ROAD_COLUMNS)
        if include_cancelled or len(frame) == 0:
            return frame
        return frame[frame["status"] != RoadProjectStatus.CANCELLED.value].reset_index(drop=True)

    def save_decisions(self, decisions: Sequence[Decision | dict[str, Any]]) -> int:
        """Replace the registry's decisions."""
        models = [d if isinstance(d, Decision) else Decision.model_validate(d) for d in decisions]
        names = [n for n, _ in DECISION_COLUMNS]
        with self._lock, write_transaction(self._conn):
            ensure_decision_columns(self._conn)
            self._conn.execute(f'DELETE FROM "{DECISIONS}"')
            self._conn.executemany(
                f'INSERT INTO "{DECISIONS}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})',
                [[_store(n, d.model_dump(mode="json").get(n)) for n in names] for d in models],
            )
        return len(models)

    def load_decisions(self) -> list[Decision]:
        """All decisions."""
        with self._lock:
            have = table_columns(self._conn, DECISIONS)  # registries from older versions lack some columns
            names = [n for n, _ in DECISION_COLUMNS if n in have]
            rows = self._conn.execute(f'SELECT {", ".join(names)} FROM "{DECISIONS}" ORDER BY fid').fetchall()
        out = []
        for row in rows:
            rec = {n: (json.loads(v) if n in _JSON and v else v) for n, v in zip(names, row, strict=True)}
            out.append(Decision.model_validate({k: v for k, v in rec.items() if v is not None}))
        return out

    def get_decision(self, decision_id: str) -> Decision:
        """One decision by id.

        Raises
        ------
        EntityNotFoundError
        """
        for d in self.load_decisions():
            if d.decision_id == decision_id:
                return d
        raise EntityNotFoundError(f"no decision with id {decision_id!r}")
