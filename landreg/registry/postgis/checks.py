"""Checks of a batch against what the PostGIS registry holds: ids, live codes and overlaps (mixed in).

They run inside the registry's write transaction (its lock held), so what they see stays true
until the batch is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from landreg.registry.validating import BatchValidation

#: A batch of at least this many geometries is first probed for stored plots in its bounding box.
_PROBE_FROM_ROWS = 1_000


class PostGISChecks(BatchValidation):
    """Uniqueness of ids and codes, and overlaps with live plots, checked in the database."""

    extent: tuple[float, float, float, float]
    overlap_tolerance_m2: float
    validation_chunk_rows: int

    if TYPE_CHECKING:

        def _connection(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        with self._connection() as conn:
            rows = conn.execute("SELECT plot_id FROM plots WHERE plot_id = ANY(%s)", (list(ids),)).fetchall()
        return {r[0] for r in rows}

    def _live_codes(self, codes: Sequence[str], *, exclude: Sequence[str] = ()) -> set[str]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT code FROM plots WHERE valid_to IS NULL AND code = ANY(%s) AND NOT plot_id = ANY(%s)",
                (list(codes), list(exclude)),
            ).fetchall()
        return {r[0] for r in rows}

    def _overlaps(
        self, geoms: np.ndarray, plot_ids: Sequence[str | None], *, exclude: Sequence[str] = ()
    ) -> list[tuple[int, str, float]]:
        """(batch index, other plot id, overlap m²) for live stored plots that a batch geometry overlaps."""
        index = [i for i, g in enumerate(geoms) if g is not None]
        if not index:
            return []
        skip = sorted(set(exclude) | {p for p in plot_ids if p})
        batch = np.asarray([geoms[i] for i in index], dtype=object)
        wkbs = shapely.to_wkb(batch)
        with self._connection() as conn:
            if len(batch) >= _PROBE_FROM_ROWS and not self._near_stored_plots(conn, batch):
                return []
            rows = conn.execute(
                "WITH batch AS (SELECT ord, ST_GeomFromWKB(wkb, 25832) AS g "
                "FROM unnest(%s::bytea[]) WITH ORDINALITY AS t(wkb, ord)) "
                "SELECT batch.ord, p.plot_id, ST_Area(ST_Intersection(p.geom, batch.g)) "
                "FROM batch JOIN plots p ON p.valid_to IS NULL AND ST_Intersects(p.geom, batch.g) "
                "WHERE NOT p.plot_id = ANY(%s) ORDER BY batch.ord, p.fid",
                (list(wkbs), skip),
            ).fetchall()
        return [(index[int(ord_) - 1], pid, float(area)) for ord_, pid, area in rows]

    @staticmethod
    def _near_stored_plots(conn: Any, batch: np.ndarray) -> bool:
        """Whether a live plot lies in the batch's bounding box (one index probe, not a join row by row)."""
        return bool(
            conn.execute(
                "SELECT EXISTS (SELECT 1 FROM plots WHERE valid_to IS NULL "
                "AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 25832))",
                [float(v) for v in shapely.total_bounds(batch)],
            ).fetchone()[0]
        )
