"""Adding, changing and ending road projects one at a time (mixed into the registry).

Each write is one transaction; input is validated as in :meth:`save_road_projects`
(LineStrings in any declared CRS, the :class:`~landreg.model.entities.RoadProject`
fields) and must lie inside the registry's region.  Ending a project sets its status
to ``cancelled``: it stays in the registry but no scenario uses it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import shapely

from landreg.crs import STORAGE_CRS, STORAGE_EPSG
from landreg.errors import EntityNotFoundError, Problem, ValidationError
from landreg.gpkg.connection import write_transaction
from landreg.gpkg.geometry import encode_geometries
from landreg.gpkg.schema import update_contents_extent
from landreg.model.entities import RoadProject
from landreg.model.enums import RoadProjectStatus
from landreg.registry._state import RegistryState
from landreg.registry.entities import _store, _validated
from landreg.registry.tables import ROAD_COLUMNS, ROADS

_NAMES = [n for n, _ in ROAD_COLUMNS]
_LINES = {"LineString", "MultiLineString"}


class RoadProjectRules:
    """One-by-one writes of road projects, whatever the store (mixed into a registry backend).

    A backend provides ``_road_write`` (one write transaction), ``_road_ids``, ``_insert_roads``
    and ``_update_road``, besides ``load_road_projects`` and ``extent``.
    """

    extent: tuple[float, float, float, float]

    if TYPE_CHECKING:  # the storage steps each backend provides

        def _road_write(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _road_ids(self) -> set[str]:
            raise NotImplementedError

        def _insert_roads(self, records: list[dict[str, Any]], geoms: list[Any]) -> None:
            raise NotImplementedError

        def _update_road(self, project_id: str, record: dict[str, Any], geom: Any) -> None:
            raise NotImplementedError

        def load_road_projects(self, *, include_cancelled: bool = False) -> gpd.GeoDataFrame:
            """The road projects (the backend's entity store)."""
            raise NotImplementedError

    def _checked(self, frame: gpd.GeoDataFrame, context: str) -> tuple[list[dict[str, Any]], list[Any]]:
        records, geoms = _validated(frame, RoadProject, _LINES, context)
        region = shapely.box(*self.extent)
        outside = [
            Problem(
                r["project_id"],
                "geometry",
                f"lies outside the region {tuple(round(v) for v in self.extent)} (EPSG:25832); check the file's CRS",
            )
            for r, g in zip(records, geoms, strict=True)
            if not region.contains(g)
        ]
        if outside:
            raise ValidationError(outside, context=context)
        return records, geoms

    def get_road_project(self, project_id: str) -> gpd.GeoDataFrame:
        """One road project (cancelled too) as a one-row frame.

        Raises
        ------
        EntityNotFoundError
        """
        frame = self.load_road_projects(include_cancelled=True)
        hit = frame[frame["project_id"] == project_id]
        if len(hit) == 0:
            raise EntityNotFoundError(f"no road project {project_id!r}; the registry has {sorted(frame['project_id'])}")
        return hit.reset_index(drop=True)

    def add_road_projects(self, frame: gpd.GeoDataFrame, *, context: str = "road projects") -> list[str]:
        """Add new road projects (all or nothing); their ids must be new.

        Raises
        ------
        ValidationError
            Listing every bad or already used project id, wrong geometry and out-of-range field.
        """
        records, geoms = self._checked(frame, context)
        with self._road_write():
            have = self._road_ids()
            ids = [r["project_id"] for r in records]
            clash = [
                Problem(i, "project_id", "already in the registry; change it with `landreg road update`")
                for i in ids
                if i in have
            ]
            clash += [Problem(i, "project_id", "given twice") for i in sorted({i for i in ids if ids.count(i) > 1})]
            if clash:
                raise ValidationError(clash, context=context)
            self._insert_roads(records, geoms)
        return ids

    def update_road_project(
        self, project_id: str, changes: Mapping[str, Any], *, geometry: Any = None, crs: Any = None
    ) -> gpd.GeoDataFrame:
        """Change fields and/or the line of a road project; returns it as stored.

        Parameters
        ----------
        project_id : str
            Id of the road project.
        changes : mapping
            Field -> new value (``project_id`` cannot change).
        geometry : LineString, optional
            A new line, in ``crs``.
        crs : optional
            CRS of ``geometry`` (required with one).

        Raises
        ------
        EntityNotFoundError, ValidationError
        """
        with self._road_write():
            current = self.get_road_project(project_id)
            if "project_id" in changes and changes["project_id"] != project_id:
                raise ValidationError(
                    [Problem(project_id, "project_id", "cannot change; end this project and add a new one")],
                    context="road project update",
                )
            row = {k: v for k, v in current.drop(columns="geometry").iloc[0].to_dict().items() if k in _NAMES}
            row.update(changes)
            if geometry is not None:
                frame = gpd.GeoDataFrame([row], geometry=[geometry], crs=crs)
            else:
                frame = gpd.GeoDataFrame([row], geometry=[current.geometry.iloc[0]], crs=STORAGE_CRS)
            (record,), (geom,) = self._checked(frame, "road project update")
            self._update_road(project_id, record, geom)
        return self.get_road_project(project_id)

    def end_road_project(self, project_id: str) -> gpd.GeoDataFrame:
        """End a road project: status ``cancelled`` (kept, left out of scenarios).

        Raises
        ------
        EntityNotFoundError
        """
        return self.update_road_project(project_id, {"status": RoadProjectStatus.CANCELLED.value})


class RoadProjectWrites(RoadProjectRules, RegistryState):
    """The GeoPackage storage steps of :class:`RoadProjectRules`."""

    @contextmanager
    def _road_write(self) -> Iterator[None]:
        with self._lock, write_transaction(self._conn):
            yield

    def _road_ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute(f'SELECT project_id FROM "{ROADS}"')}

    def _insert_roads(self, records: list[dict[str, Any]], geoms: list[Any]) -> None:
        blobs = encode_geometries(geoms, STORAGE_EPSG)
        self._conn.executemany(
            f'INSERT INTO "{ROADS}" (geom, {", ".join(_NAMES)}) VALUES (?{", ?" * len(_NAMES)})',
            [[b] + [_store(n, r.get(n)) for n in _NAMES] for r, b in zip(records, blobs, strict=True)],
        )
        update_contents_extent(self._conn, ROADS)

    def _update_road(self, project_id: str, record: dict[str, Any], geom: Any) -> None:
        blob = encode_geometries([geom], STORAGE_EPSG)[0]
        sets = ", ".join(f'"{n}" = ?' for n in _NAMES)
        self._conn.execute(
            f'UPDATE "{ROADS}" SET geom = ?, {sets} WHERE project_id = ?',
            [blob, *[_store(n, record.get(n)) for n in _NAMES], project_id],
        )
        update_contents_extent(self._conn, ROADS)
