"""Road project writes in PostGIS: the storage steps of :class:`~landreg.registry.roads.RoadProjectRules`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from landreg.registry.entities import _store
from landreg.registry.postgis.sql import GEOM_IN, quoted
from landreg.registry.roads import RoadProjectRules
from landreg.registry.tables import ROAD_COLUMNS

_NAMES = [n for n, _ in ROAD_COLUMNS]
_CASTS = {"provenance": "%s::jsonb"}


class PostGISRoads(RoadProjectRules):
    """Add, change and end road projects in PostgreSQL."""

    if TYPE_CHECKING:

        def _connection(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _write_transaction(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

    @contextmanager
    def _road_write(self) -> Iterator[None]:
        with self._write_transaction():
            yield

    def _road_ids(self) -> set[str]:
        with self._connection() as conn:
            return {r[0] for r in conn.execute("SELECT project_id FROM road_projects").fetchall()}

    def _insert_roads(self, records: list[dict[str, Any]], geoms: list[Any]) -> None:
        values = ", ".join(_CASTS.get(n, "%s") for n in _NAMES)
        sql = f"INSERT INTO road_projects (geom, {', '.join(map(quoted, _NAMES))}) VALUES ({GEOM_IN}, {values})"
        wkbs = shapely.to_wkb(np.asarray(geoms, dtype=object))
        with self._connection() as conn, conn.cursor() as cur:
            cur.executemany(
                sql, [[w] + [_store(n, r.get(n)) for n in _NAMES] for r, w in zip(records, wkbs, strict=True)]
            )

    def _update_road(self, project_id: str, record: dict[str, Any], geom: Any) -> None:
        sets = ", ".join(f"{quoted(n)} = {_CASTS.get(n, '%s')}" for n in _NAMES)
        with self._connection() as conn:
            conn.execute(
                f"UPDATE road_projects SET geom = {GEOM_IN}, {sets} WHERE project_id = %s",
                [shapely.to_wkb(geom), *[_store(n, record.get(n)) for n in _NAMES], project_id],
            )
