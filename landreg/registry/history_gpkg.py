"""The GeoPackage history as of a past time, for queries: rebuilt once per time where it holds deltas.

A query ``as_of`` a time reads the history rows live then.  While every one of them is a
snapshot the history table answers directly (its R-tree serves windows); once some are deltas
(:mod:`landreg.registry.history`) the live rows are rebuilt into a temporary table of the
connection, with its own R-tree, which the same SQL then reads.  The table is kept until the
time asked for or the history changes, so paging through one past state rebuilds it once.
"""

from __future__ import annotations

import sqlite3
from itertools import groupby
from typing import Any

from landreg.registry.codec import PLOT_COLUMNS
from landreg.registry.history import rebuild_rows
from landreg.registry.tables import HISTORY_COLUMNS, VERSIONS

AS_OF_TABLE = "plot_state_as_of"
_RTREE = f"rtree_{AS_OF_TABLE}_geom"
_KEY_TABLE = f"{AS_OF_TABLE}_key"
_COLS = [n for n, _ in PLOT_COLUMNS]
_HIST = [n for n, _ in HISTORY_COLUMNS]
_STATE_COLS = [*_COLS, "recorded_at", "superseded_at"]
_LIVE = "recorded_at <= ? AND (superseded_at IS NULL OR superseded_at > ?)"
_CHUNK = 500


def as_of_table(conn: sqlite3.Connection, now_text: str) -> str:
    """The table holding every plot as recorded at ``now_text`` (stored DATETIME text).

    Parameters
    ----------
    conn : sqlite3.Connection
        The registry's connection (its lock held by the caller).
    now_text : str
        The time, as stored.

    Returns
    -------
    str
        ``plot_versions`` when the rows live then are all snapshots, else the temporary table
        of the rebuilt rows (the fids of the history rows they rebuild; R-tree ``rtree_<table>_geom``).
    """
    last_fid = conn.execute(f'SELECT max(fid) FROM "{VERSIONS}"').fetchone()[0]
    key = f"{now_text}|{last_fid}"
    conn.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{_KEY_TABLE}" (key TEXT, answer TEXT)')
    cached = conn.execute(f'SELECT answer FROM temp."{_KEY_TABLE}" WHERE key = ?', (key,)).fetchone()
    if cached is not None:
        return str(cached[0])
    has_deltas = conn.execute(
        f'SELECT 1 FROM "{VERSIONS}" WHERE base_version IS NOT NULL AND {_LIVE} LIMIT 1', (now_text, now_text)
    ).fetchone()
    answer = VERSIONS
    if has_deltas is not None:
        _rebuild(conn, now_text)
        answer = AS_OF_TABLE
    conn.execute(f'DELETE FROM temp."{_KEY_TABLE}"')
    conn.execute(f'INSERT INTO temp."{_KEY_TABLE}" VALUES (?, ?)', (key, answer))
    return answer


def _rebuild(conn: sqlite3.Connection, now_text: str) -> None:
    types = dict(PLOT_COLUMNS) | {"recorded_at": "DATETIME", "superseded_at": "DATETIME"}
    conn.execute(f'DROP TABLE IF EXISTS temp."{AS_OF_TABLE}"')
    conn.execute(f'DROP TABLE IF EXISTS temp."{_RTREE}"')
    columns = ", ".join(f'"{c}" {types[c]}' for c in _STATE_COLS)
    conn.execute(f'CREATE TEMP TABLE "{AS_OF_TABLE}" (fid INTEGER PRIMARY KEY, geom BLOB, {columns})')
    conn.execute(f'CREATE VIRTUAL TABLE temp."{_RTREE}" USING rtree(id, minx, maxx, miny, maxy)')
    names = ", ".join(f'"{c}"' for c in _STATE_COLS)
    conn.execute(
        f'INSERT INTO temp."{AS_OF_TABLE}" (fid, geom, {names}) SELECT fid, geom, {names} FROM "{VERSIONS}" '
        f"WHERE base_version IS NULL AND {_LIVE}",
        (now_text, now_text),
    )
    conn.execute(
        f'INSERT INTO temp."{_RTREE}" SELECT r.id, r.minx, r.maxx, r.miny, r.maxy '
        f'FROM "rtree_{VERSIONS}_geom" AS r JOIN temp."{AS_OF_TABLE}" AS t ON t.fid = r.id'
    )
    deltas = conn.execute(
        f'SELECT plot_id, fid, version, base_version FROM "{VERSIONS}" '
        f"WHERE base_version IS NOT NULL AND {_LIVE} ORDER BY plot_id",
        (now_text, now_text),
    ).fetchall()
    hist_names = ["geom", *_COLS, *_HIST]
    state_at = [hist_names.index(c) for c in ["geom", *_STATE_COLS]]
    pid_at, version_at = hist_names.index("plot_id"), hist_names.index("version")
    insert = f'INSERT INTO temp."{AS_OF_TABLE}" (fid, geom, {names}) VALUES (?{", ?" * (1 + len(_STATE_COLS))})'
    for start in range(0, len(deltas), _CHUNK):
        chunk = deltas[start : start + _CHUNK]
        wanted = {pid: (fid, version, base) for pid, fid, version, base in chunk}
        rows = conn.execute(
            f'SELECT {", ".join(hist_names)} FROM "{VERSIONS}" WHERE plot_id IN ({",".join("?" * len(wanted))}) '
            "ORDER BY plot_id, version",
            list(wanted),
        ).fetchall()
        out: list[list[Any]] = []
        for pid, group in groupby(rows, key=lambda r: r[pid_at]):
            fid, version, base = wanted[pid]
            span = [r for r in group if base <= r[version_at] <= version]
            full = rebuild_rows(hist_names, span, with_before=False)[-1]
            out.append([fid, *(full[i] for i in state_at)])
        conn.executemany(insert, out)
    conn.execute(
        f'INSERT INTO temp."{_RTREE}" SELECT t.fid, ST_MinX(t.geom), ST_MaxX(t.geom), ST_MinY(t.geom), '
        f'ST_MaxY(t.geom) FROM temp."{AS_OF_TABLE}" AS t WHERE t.geom IS NOT NULL '
        f'AND t.fid NOT IN (SELECT id FROM temp."{_RTREE}")'
    )
