"""Checks of a batch against what the registry already holds (mixed into the registry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from landreg.gpkg.geometry import decode_geometries
from landreg.registry._state import RegistryState
from landreg.registry.tables import PLOTS
from landreg.registry.validating import BatchValidation

_CHUNK = 900  # SQLite host-parameter limit is 999 in old builds


def _chunks(values: Sequence[Any], size: int = _CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


class StoredStateChecks(BatchValidation, RegistryState):
    """Uniqueness of ids and codes, and overlaps with live plots, checked inside the write transaction."""

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for part in _chunks(list(ids)):
            rows = self._conn.execute(
                f'SELECT plot_id FROM "{PLOTS}" WHERE plot_id IN ({",".join("?" * len(part))})', part
            ).fetchall()
            found.update(r[0] for r in rows)
        return found

    def _live_codes(self, codes: Sequence[str], *, exclude: Sequence[str] = ()) -> set[str]:
        found: set[str] = set()
        for part in _chunks(list(codes)):
            rows = self._conn.execute(
                f'SELECT code, plot_id FROM "{PLOTS}" WHERE valid_to IS NULL AND code IN ({",".join("?" * len(part))})',
                part,
            ).fetchall()
            found.update(code for code, pid in rows if pid not in exclude)
        return found

    def _overlaps(
        self, geoms: np.ndarray, plot_ids: Sequence[str | None], *, exclude: Sequence[str] = ()
    ) -> list[tuple[int, str, float]]:
        """(batch index, other plot id, overlap m²) for live stored plots that a batch geometry overlaps."""
        valid = [g for g in geoms if g is not None]
        if not valid:
            return []
        minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(valid, dtype=object))
        rows = self._conn.execute(
            f'SELECT plot_id, geom FROM "{PLOTS}" WHERE valid_to IS NULL AND fid IN '
            f'(SELECT id FROM "rtree_{PLOTS}_geom" WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)',
            (maxx, minx, maxy, miny),
        ).fetchall()
        skip = set(exclude) | {p for p in plot_ids if p}
        rows = [r for r in rows if r[0] not in skip]
        if not rows:
            return []
        others = decode_geometries([r[1] for r in rows])
        tree = shapely.STRtree(others)
        idx = np.array([i for i, g in enumerate(geoms) if g is not None])
        left, right = tree.query(np.asarray(geoms, dtype=object)[idx], predicate="intersects")
        if not len(left):
            return []
        areas = shapely.area(shapely.intersection(np.asarray(geoms, dtype=object)[idx][left], others[right]))
        return [(int(idx[a]), rows[b][0], float(ar)) for a, b, ar in zip(left, right, areas, strict=True)]
