"""Bulk writes to PostGIS: new plots streamed with COPY, then one INSERT … SELECT into plots and history.

The rows go into a temporary staging table (dropped at commit) with ``COPY … FROM STDIN``;
two set-based statements then move them into ``plots`` and write their history rows.  All of
it runs in the caller's write transaction, so a failure anywhere (a broken connection, a
constraint, an exception while streaming) leaves neither plots nor history behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import shapely

from landreg.crs import STORAGE_EPSG
from landreg.model.enums import ChangeOp
from landreg.registry.postgis.sql import COLS, HIST, param, quoted
from landreg.registry.writes import added_fields, dumps_json

#: Rows streamed between two ``progress`` calls.
COPY_CHUNK_ROWS = 5_000

_STAGE = "landreg_plot_stage"
_COLUMNS = ", ".join(map(quoted, COLS))


def copy_new_plots(
    conn: Any,
    values: list[dict[str, Any]],
    geoms: np.ndarray,
    *,
    op: ChangeOp,
    actor: str,
    now_text: str,
    note: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Insert new plots and their first history rows through COPY, inside the open transaction of ``conn``.

    Parameters
    ----------
    conn : psycopg.Connection
        A connection inside the registry's write transaction.
    values : list of dict
        The plots' column values (model form), in the order they get their row ids.
    geoms : array of shapely geometries
        Their MultiPolygons in EPSG:25832.
    op, actor, now_text, note
        What the history rows record (``now_text``: the transaction time as stored text).
    progress : callable, optional
        Called with the number of rows after each chunk streamed.
    """
    hex_wkb = shapely.to_wkb(
        shapely.set_srid(np.asarray(geoms, dtype=object), STORAGE_EPSG), hex=True, include_srid=True
    )
    conn.execute(
        f"CREATE TEMP TABLE {_STAGE} ON COMMIT DROP AS "
        f"SELECT 0::bigint AS ord, geom, {_COLUMNS}, changed_fields FROM plot_versions WITH NO DATA"
    )
    with conn.cursor() as cur:
        with cur.copy(f"COPY {_STAGE} (ord, geom, {_COLUMNS}, changed_fields) FROM STDIN") as copy:
            for start in range(0, len(values), COPY_CHUNK_ROWS):
                chunk = values[start : start + COPY_CHUNK_ROWS]
                for k, v in enumerate(chunk):
                    i = start + k
                    copy.write_row([i, hex_wkb[i], *(param(c, v.get(c)) for c in COLS), dumps_json(added_fields(v))])
                if progress is not None:
                    progress(len(chunk))
        cur.execute(f"INSERT INTO plots (geom, {_COLUMNS}) SELECT geom, {_COLUMNS} FROM {_STAGE} ORDER BY ord")
        history = {"op": "%(op)s", "actor": "%(actor)s", "recorded_at": "%(now)s::timestamptz"}
        history |= {"superseded_at": "NULL", "changed_fields": "changed_fields", "before": "NULL", "after": "NULL"}
        history |= {"note": "%(note)s", "base_version": "NULL"}
        cur.execute(
            f"INSERT INTO plot_versions (geom, {_COLUMNS}, {', '.join(map(quoted, HIST))}) "
            f"SELECT geom, {_COLUMNS}, {', '.join(history[h] for h in HIST)} FROM {_STAGE} ORDER BY ord",
            {"op": op.value, "actor": actor, "now": now_text, "note": note},
        )
        cur.execute(f"DROP TABLE {_STAGE}")
