"""The saved searches of a registry in a copy between GeoPackage and PostGIS: rows read, written and checked.

The alert tables (``alert_searches``, ``alert_sites``, ``alert_outbox``) are copied row by row in
their order, so each search keeps its tokens (the links already sent still work), the sites it
knows (no site is announced twice after the copy) and its outbox.  A row's canonical form, the
same from both backends, feeds the checksums: times as UTC text with milliseconds, JSON with
sorted keys, booleans as booleans.  A GeoPackage made before saved searches existed has none.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from landreg.registry.codec import format_datetime
from landreg.registry.tables import ALERT_COLUMNS, create_alert_tables

_JSON = frozenset({"criteria", "summary", "payload"})
_TIMES = frozenset(
    {"created_at", "confirmed_at", "unsubscribed_at", "announced_at", "next_attempt_at", "delivered_at", "failed_at"}
)


def _canonical(name: str, value: Any) -> Any:
    """A stored value in the form both backends share (the form a GeoPackage stores)."""
    if value is None:
        return None
    if name in _JSON:
        loaded = json.loads(value) if isinstance(value, str) else value
        return json.dumps(loaded, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if name in _TIMES and isinstance(value, dt.datetime):
        return format_datetime(value)
    if name == "notified":
        return bool(value)
    return value


def _canonical_rows(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    return [[_canonical(n, v) for n, v in zip(names, r, strict=True)] for r in rows]


def _gpkg_has(conn: sqlite3.Connection, table: str) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return conn.execute(sql, (table,)).fetchone() is not None


def gpkg_alert_rows(conn: sqlite3.Connection) -> dict[str, list[list[Any]]]:
    """Every alert table's rows of a GeoPackage registry, in order and canonical form (none without the tables)."""
    out: dict[str, list[list[Any]]] = {}
    for table, names in ALERT_COLUMNS:
        rows = (
            conn.execute(f'SELECT {", ".join(names)} FROM "{table}" ORDER BY fid').fetchall()
            if _gpkg_has(conn, table)
            else []
        )
        out[table] = _canonical_rows(names, rows)
    return out


def postgis_alert_rows(conn: Any) -> dict[str, list[list[Any]]]:
    """Every alert table's rows of a PostGIS registry (a connection on its schema), in order and canonical form."""
    out: dict[str, list[list[Any]]] = {}
    for table, names in ALERT_COLUMNS:
        rows = conn.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY fid").fetchall()
        out[table] = _canonical_rows(names, rows)
    return out


def insert_alert_rows_postgis(cur: Any, rows: dict[str, list[list[Any]]]) -> None:
    """Write canonical alert rows into the (empty) alert tables of a PostGIS registry, in their order."""
    for table, names in ALERT_COLUMNS:
        if not rows[table]:
            continue
        values = ", ".join("%s::jsonb" if n in _JSON else "%s::timestamptz" if n in _TIMES else "%s" for n in names)
        cur.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({values})", rows[table])


def insert_alert_rows_gpkg(conn: sqlite3.Connection, rows: dict[str, list[list[Any]]]) -> None:
    """Write canonical alert rows into a GeoPackage registry (tables made when missing), in their order."""
    create_alert_tables(conn)
    for table, names in ALERT_COLUMNS:
        if rows[table]:
            sql = f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" for _ in names)})'
            conn.executemany(sql, rows[table])
