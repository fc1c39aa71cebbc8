"""Saved searches, the sites announced to them and the outbox, in the registry (GeoPackage or PostGIS).

The tables (``alert_searches``, ``alert_sites``, ``alert_outbox``) are made by the registry's
schema set-up: :func:`landreg.registry.tables.create_alert_tables` in a GeoPackage (also for a
file made before them, on first use) and migration ``0007_alerts.sql`` in PostGIS.  One SQL text
serves both backends; times are stored as UTC (text in SQLite, ``timestamptz`` in PostgreSQL)
and read back as ``YYYY-MM-DDTHH:MM:SS.SSSZ`` text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from landreg.alerts.model import OutboxMessage, SavedSearch
from landreg.registry.codec import format_datetime
from landreg.registry.tables import ALERT_COLUMNS, ALERT_OUTBOX, ALERT_SEARCHES, ALERT_SITES, create_alert_tables

_SEARCH_COLUMNS = dict(ALERT_COLUMNS)[ALERT_SEARCHES]
_OUTBOX_COLUMNS = dict(ALERT_COLUMNS)[ALERT_OUTBOX]


def _text(value: Any) -> Any:
    """A value read back: times as UTC text, JSON as Python objects (both backends alike)."""
    return format_datetime(value) if isinstance(value, dt.datetime) else value


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _Executor:
    """One connection inside a transaction; SQL written with ``?`` placeholders for either backend."""

    def __init__(self, conn: Any, *, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s") if self.postgres else sql, tuple(params))


class _NoTables(_Executor):
    """Reads of a GeoPackage without the alert tables: every query finds nothing."""

    def __init__(self) -> None:
        super().__init__(None, postgres=False)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self

    def fetchall(self) -> list[Any]:
        return []

    def fetchone(self) -> None:
        return None


class AlertStore:
    """Read and write the alert tables of an open registry (either backend).

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        The open registry that holds the saved searches.
    """

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self.postgres = getattr(registry, "backend", "") == "postgis"
        self._ready = self.postgres  # PostGIS tables come from the migrations

    @contextmanager
    def _tx(self) -> Iterator[_Executor]:
        if self.postgres:
            with self.registry._connection() as conn, conn.transaction():
                yield _Executor(conn, postgres=True)
            return
        from landreg.gpkg.connection import write_transaction

        with self.registry._lock, write_transaction(self.registry._conn) as conn:
            if not self._ready:
                create_alert_tables(conn)  # a registry made before saved searches existed
                self._ready = True
            yield _Executor(conn, postgres=False)

    @contextmanager
    def _reading(self) -> Iterator[_Executor]:
        """A connection for reads: no write lock taken, no table created (a read of a missing table is empty)."""
        if self.postgres:
            with self.registry._connection() as conn:
                yield _Executor(conn, postgres=True)
            return
        with self.registry._lock:
            if not self._ready and not self._has_table(ALERT_SEARCHES):
                yield _NoTables()  # a registry made before saved searches: none saved yet
                return
            self._ready = True
            yield _Executor(self.registry._conn, postgres=False)

    def _read(self, sql: str) -> tuple[Any, ...] | None:
        """One row of a read-only query, outside any write transaction (never creates tables)."""
        if self.postgres:
            with self.registry._connection() as conn:
                row = conn.execute(sql).fetchone()
        else:
            with self.registry._lock:
                row = self.registry._conn.execute(sql).fetchone()
        return None if row is None else tuple(row)

    def _has_table(self, name: str) -> bool:
        if self.postgres:
            return True
        return self._read(f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{name}'") is not None

    def has_active_searches(self) -> bool:
        """Whether any confirmed search waits for notices (read only; False for a registry without the tables)."""
        if not self._has_table(ALERT_SEARCHES):
            return False
        where = "confirmed_at IS NOT NULL AND unsubscribed_at IS NULL"
        return self._read(f'SELECT 1 FROM "{ALERT_SEARCHES}" WHERE {where} LIMIT 1') is not None

    def change_marker(self) -> tuple[Any, ...]:
        """What changes with every write that can change search results: plot versions and derived attributes."""
        parts = ["(SELECT max(recorded_at) FROM plot_versions)", "(SELECT count(*) FROM plot_versions)"]
        if self._has_table("plot_enrichment"):
            parts.append("(SELECT max(computed_at) FROM plot_enrichment)")
        return self._read(f"SELECT {', '.join(parts)}") or ()

    # ------------------------------------------------------------------ searches
    def insert_search(self, search: SavedSearch) -> None:
        """Store a new (unconfirmed) saved search."""
        values = [getattr(search, c) for c in _SEARCH_COLUMNS]
        values[1] = _dumps(search.criteria)
        with self._tx() as tx:
            tx.execute(
                f'INSERT INTO "{ALERT_SEARCHES}" ({", ".join(_SEARCH_COLUMNS)}) '
                f"VALUES ({', '.join('?' for _ in _SEARCH_COLUMNS)})",
                values,
            )

    def _searches(self, where: str, params: Sequence[Any]) -> list[SavedSearch]:
        with self._reading() as tx:
            rows = tx.execute(
                f'SELECT {", ".join(_SEARCH_COLUMNS)} FROM "{ALERT_SEARCHES}" WHERE {where} ORDER BY fid', params
            ).fetchall()
        out = []
        for row in rows:
            rec = {c: _text(v) for c, v in zip(_SEARCH_COLUMNS, row, strict=True)}
            rec["criteria"] = _json(rec["criteria"])
            out.append(SavedSearch(**rec))
        return out

    def get_search(self, search_id: str) -> SavedSearch | None:
        """The saved search with this id, or None."""
        found = self._searches("search_id = ?", [search_id])
        return found[0] if found else None

    def search_by_token(self, token: str, *, kind: str) -> SavedSearch | None:
        """The saved search whose ``confirm`` or ``unsubscribe`` token this is, or None."""
        column = {"confirm": "confirm_token", "unsubscribe": "unsubscribe_token"}[kind]
        found = self._searches(f"{column} = ?", [token])
        return found[0] if found else None

    def all_searches(self) -> list[SavedSearch]:
        """Every saved search, oldest first."""
        return self._searches("TRUE", [])

    def active_searches(self) -> list[SavedSearch]:
        """Confirmed searches that have not been unsubscribed."""
        return self._searches("confirmed_at IS NOT NULL AND unsubscribed_at IS NULL", [])

    def confirm(self, search_id: str, *, now: str, baseline: Sequence[dict[str, Any]]) -> None:
        """Mark a search confirmed; ``baseline`` are the sites matching now (known, not announced)."""
        with self._tx() as tx:
            tx.execute(f'UPDATE "{ALERT_SEARCHES}" SET confirmed_at = ? WHERE search_id = ?', [now, search_id])
            self._insert_sites(tx, search_id, baseline, now=now, notified=False)

    def unsubscribe(self, search_id: str, *, now: str) -> None:
        """Stop a search: no further notices, and messages still waiting are dropped."""
        with self._tx() as tx:
            tx.execute(
                f'UPDATE "{ALERT_SEARCHES}" SET unsubscribed_at = ? WHERE search_id = ? AND unsubscribed_at IS NULL',
                [now, search_id],
            )
            tx.execute(
                f'UPDATE "{ALERT_OUTBOX}" SET failed_at = ?, last_error = ? '
                "WHERE search_id = ? AND delivered_at IS NULL AND failed_at IS NULL",
                [now, "unsubscribed before delivery", search_id],
            )

    # ------------------------------------------------------------------ sites
    def known_site_ids(self, search_id: str) -> set[str]:
        """Sites already known to a search (matching when it was confirmed, or announced since)."""
        with self._reading() as tx:
            rows = tx.execute(f'SELECT site_id FROM "{ALERT_SITES}" WHERE search_id = ?', [search_id]).fetchall()
        return {r[0] for r in rows}

    def announced_sites(self, search_id: str) -> list[dict[str, Any]]:
        """Sites announced to a search, newest first: ``site_id``, ``announced_at`` and the ``summary``."""
        with self._reading() as tx:
            rows = tx.execute(
                f'SELECT site_id, announced_at, summary FROM "{ALERT_SITES}" '
                "WHERE search_id = ? AND notified ORDER BY fid DESC",
                [search_id],
            ).fetchall()
        return [{"site_id": r[0], "announced_at": _text(r[1]), "summary": _json(r[2])} for r in rows]

    def announce(
        self, search_id: str, sites: Sequence[dict[str, Any]], *, now: str, messages: Sequence[OutboxMessage]
    ) -> None:
        """Record ``sites`` as announced to a search and queue its ``messages``, in one transaction."""
        with self._tx() as tx:
            self._insert_sites(tx, search_id, sites, now=now, notified=True)
            for message in messages:
                self._insert_message(tx, message)

    def _insert_sites(
        self, tx: _Executor, search_id: str, sites: Sequence[dict[str, Any]], *, now: str, notified: bool
    ) -> None:
        for site in sites:
            tx.execute(
                f'INSERT INTO "{ALERT_SITES}" (search_id, site_id, announced_at, notified, summary) '
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (search_id, site_id) DO NOTHING",
                [search_id, site["site_id"], now, notified, _dumps(site)],
            )

    # ------------------------------------------------------------------ outbox
    def queue(self, messages: Sequence[OutboxMessage]) -> None:
        """Add messages to the outbox."""
        with self._tx() as tx:
            for message in messages:
                self._insert_message(tx, message)

    def _insert_message(self, tx: _Executor, message: OutboxMessage) -> None:
        values = [getattr(message, c) for c in _OUTBOX_COLUMNS]
        values[4] = _dumps(message.payload)
        tx.execute(
            f'INSERT INTO "{ALERT_OUTBOX}" ({", ".join(_OUTBOX_COLUMNS)}) '
            f"VALUES ({', '.join('?' for _ in _OUTBOX_COLUMNS)})",
            values,
        )

    def messages(self, *, search_id: str | None = None, due_by: str | None = None) -> list[OutboxMessage]:
        """Outbox messages, oldest first: of one search, or (``due_by``) those waiting and due by then."""
        where, params = ["TRUE"], []
        if search_id is not None:
            where.append("search_id = ?")
            params.append(search_id)
        if due_by is not None:
            where.append("delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?")
            params.append(due_by)
        with self._reading() as tx:
            rows = tx.execute(
                f'SELECT {", ".join(_OUTBOX_COLUMNS)} FROM "{ALERT_OUTBOX}" WHERE {" AND ".join(where)} ORDER BY fid',
                params,
            ).fetchall()
        out = []
        for row in rows:
            rec = {c: _text(v) for c, v in zip(_OUTBOX_COLUMNS, row, strict=True)}
            rec["payload"] = _json(rec["payload"])
            out.append(OutboxMessage(**rec))
        return out

    def next_due(self) -> str | None:
        """When the earliest waiting message is due (None when none waits)."""
        with self._reading() as tx:
            row = tx.execute(
                f'SELECT min(next_attempt_at) FROM "{ALERT_OUTBOX}" WHERE delivered_at IS NULL AND failed_at IS NULL'
            ).fetchone()
        return None if row is None or row[0] is None else _text(row[0])

    def claim(self, message: OutboxMessage, *, until: str) -> bool:
        """Take a due message for delivery (no other process sends it before ``until``); False when taken."""
        with self._tx() as tx:
            cur = tx.execute(
                f'UPDATE "{ALERT_OUTBOX}" SET next_attempt_at = ? WHERE message_id = ? AND next_attempt_at = ? '
                "AND delivered_at IS NULL AND failed_at IS NULL",
                [until, message.message_id, message.next_attempt_at],
            )
            return bool(cur.rowcount == 1)

    def record_attempt(
        self, message_id: str, *, now: str, error: str | None, next_attempt_at: str | None, attempts: int
    ) -> None:
        """Record a delivery: done (``error`` None), to retry at ``next_attempt_at``, or given up (neither)."""
        with self._tx() as tx:
            if error is None:
                tx.execute(
                    f'UPDATE "{ALERT_OUTBOX}" SET delivered_at = ?, attempts = ?, last_error = NULL '
                    "WHERE message_id = ?",
                    [now, attempts, message_id],
                )
            elif next_attempt_at is not None:
                tx.execute(
                    f'UPDATE "{ALERT_OUTBOX}" SET attempts = ?, next_attempt_at = ?, last_error = ? '
                    "WHERE message_id = ?",
                    [attempts, next_attempt_at, error, message_id],
                )
            else:
                tx.execute(
                    f'UPDATE "{ALERT_OUTBOX}" SET attempts = ?, failed_at = ?, last_error = ? WHERE message_id = ?',
                    [attempts, now, error, message_id],
                )
