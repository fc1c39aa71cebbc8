"""The server registry: plots and their history in PostgreSQL/PostGIS, shared by many editors.

Every write is one PostgreSQL transaction that first takes the registry's transaction-level
advisory lock, so writers to one registry queue up: validation (unique codes, overlaps), the
change and its history rows commit together or not at all, and history times are totally
ordered.  The UPDATE of a plot checks the version it replaces in its WHERE clause, the
database refuses a second live plot with the same code, and readers never wait for writers.
The schema comes from versioned migrations (``landreg db upgrade``); opening never creates
or changes tables.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import shapely

from landreg.crs import REGION_EXTENT_25832
from landreg.errors import (
    PlotNotFoundError,
    Problem,
    RegistryFormatError,
    RegistryUnavailableError,
    ValidationError,
    VersionConflictError,
)
from landreg.model.enums import ChangeOp
from landreg.model.plot import Plot
from landreg.registry.codec import format_datetime, parse_datetime
from landreg.registry.counts import CountCache
from landreg.registry.history import delta_before, history_values, next_base_version
from landreg.registry.postgis.bulk import copy_new_plots, copy_plot_chunks
from landreg.registry.postgis.checks import PostGISChecks
from landreg.registry.postgis.decisions import PostGISDecisions
from landreg.registry.postgis.derived import PostGISDerived
from landreg.registry.postgis.entities import PostGISEntities
from landreg.registry.postgis.migrate import applied_version, check_schema_name, latest_version, upgrade_schema
from landreg.registry.postgis.reads import PostGISReads
from landreg.registry.postgis.roads import PostGISRoads
from landreg.registry.postgis.sql import COLS, GEOM_IN, HIST, param, placeholder, quoted, stored_param, stored_select
from landreg.registry.postgis.tokens import PostGISTokens
from landreg.registry.writes import PlotWrites, added_fields, dumps_json, version_change

_ALL = COLS + HIST
_INSERT_PLOT = (
    f"INSERT INTO plots (geom, {', '.join(map(quoted, COLS))}) "
    f"VALUES ({GEOM_IN}, {', '.join(placeholder(c) for c in COLS)})"
)
_INSERT_VERSION = (
    f"INSERT INTO plot_versions (geom, {', '.join(map(quoted, _ALL))}) "
    f"VALUES ({GEOM_IN}, {', '.join(placeholder(c) for c in _ALL)})"
)
#: An add of at least this many plots streams them with COPY (landreg.registry.postgis.bulk).
_COPY_FROM_ROWS = 100
#: A bulk add of at least this many plots refreshes the tables' planner statistics before it commits.
_ANALYZE_AFTER_ROWS = 10_000
_UPDATE_PLOT = (
    f"UPDATE plots SET geom = {GEOM_IN}, {', '.join(f'{quoted(c)} = {placeholder(c)}' for c in COLS)} "
    "WHERE plot_id = %s AND version = %s"
)


def is_database_url(value: object) -> bool:
    """Whether ``value`` names a PostgreSQL database (``postgresql://…`` or ``postgres://…``)."""
    return isinstance(value, str) and value.startswith(("postgresql://", "postgres://"))


def split_schema(url: str, *, schema: str | None = None) -> tuple[str, str]:
    """The libpq URL without landreg's ``schema`` query parameter, and the schema to use.

    ``postgresql://host/db?schema=kommune`` names the registry's schema in the URL; an explicit
    ``schema`` argument wins; the default is ``landreg``.

    Raises
    ------
    RegistryFormatError
        When the schema name is not a plain lower-case identifier.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    in_url = [v for k, v in query if k == "schema"]
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    chosen = schema or (in_url[-1] if in_url else None) or "landreg"
    return urlunsplit(parts._replace(query=rest)), check_schema_name(chosen)


def describe_url(url: str) -> str:
    """``host:port/database`` of a database URL, without user or password (for messages)."""
    import psycopg.conninfo

    try:
        base, schema = split_schema(url)
        info = psycopg.conninfo.conninfo_to_dict(base)
    except (psycopg.ProgrammingError, RegistryFormatError):
        return "the database URL (malformed)"
    where = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
    return where if schema == "landreg" or "schema=" not in url else f"{where}?schema={schema}"


def connect_database(url: str, *, timeout_s: float = 10.0) -> Any:
    """An autocommit connection to ``url`` (UTC session time zone).

    Raises
    ------
    RegistryUnavailableError
        Saying which server could not be reached and why (never the password).
    """
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout_s)), options="-c TimeZone=UTC")
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise RegistryUnavailableError(
            f"cannot connect to the PostgreSQL registry at {describe_url(url)}: {reason}; "
            "check that the server runs and the URL (user, password, database) is right"
        ) from exc


class PostGISRegistry(
    PlotWrites,
    PostGISChecks,
    PostGISReads,
    PostGISEntities,
    PostGISDecisions,
    PostGISRoads,
    PostGISTokens,
    PostGISDerived,
):
    """Plot registry in a PostgreSQL/PostGIS schema (EPSG:25832), for many concurrent editors.

    Open with :meth:`open` or :meth:`create` (or :func:`landreg.open_registry` with a
    ``postgresql://`` URL); use as a context manager to close its connection pool.
    """

    backend = "postgis"

    def __init__(
        self,
        url: str,
        *,
        schema: str,
        pool: Any,
        extent: tuple[float, float, float, float],
        overlap_tolerance_m2: float,
    ) -> None:
        self.url = url
        self.schema = schema
        self._pool = pool
        self._local = threading.local()
        self._counts = CountCache()
        self.extent = extent
        self.overlap_tolerance_m2 = overlap_tolerance_m2
        self.label = f"{describe_url(url)} (schema {schema})"

    # ------------------------------------------------------------------ open / create
    @classmethod
    def create(cls, url: str, *, schema: str | None = None, **options: Any) -> PostGISRegistry:
        """Bring the schema up to date with the migrations (creating it when missing), then open it."""
        url, schema = split_schema(url, schema=schema)
        with connect_database(url) as conn:
            upgrade_schema(conn, schema=schema)
        return cls.open(url, schema=schema, **options)

    @classmethod
    def open(
        cls,
        url: str,
        *,
        schema: str | None = None,
        extent: tuple[float, float, float, float] = REGION_EXTENT_25832,
        overlap_tolerance_m2: float = 1.0,
        max_connections: int = 8,
        **_ignored: Any,
    ) -> PostGISRegistry:
        """Open the registry in ``schema`` of the database at ``url``.

        The schema defaults to the URL's ``?schema=``, else ``landreg``.

        Other keyword options (those of the GeoPackage backend, e.g. ``busy_timeout_s``) are
        accepted and ignored, so one set of settings opens either backend.

        Raises
        ------
        RegistryUnavailableError
            When the server cannot be reached.
        RegistryFormatError
            When the schema holds no registry, or one of another version: run ``landreg db upgrade``.
        """
        url, schema = split_schema(url, schema=schema)
        with connect_database(url) as conn:
            version = applied_version(conn, schema=schema)
        latest = latest_version()
        where = f"{describe_url(url)} (schema {schema})"
        if version == 0:
            raise RegistryFormatError(
                f"no landreg registry in {where}; create it with `landreg db upgrade --registry <url>`"
            )
        if version != latest:
            raise RegistryFormatError(
                f"the registry in {where} has schema version {version}, this landreg needs {latest}; "
                "run `landreg db upgrade --registry <url>`"
                if version < latest
                else f"the registry in {where} has schema version {version}, newer than this landreg ({latest})"
            )
        from psycopg_pool import ConnectionPool

        def configure(conn: Any) -> None:
            conn.execute(f'SET search_path TO "{schema}", public')

        pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "options": "-c TimeZone=UTC"},
            configure=configure,
            open=False,
            name=f"landreg-{schema}",
        )
        pool.open(wait=True, timeout=30)
        return cls(url, schema=schema, pool=pool, extent=extent, overlap_tolerance_m2=overlap_tolerance_m2)

    def close(self) -> None:
        """Close the connection pool."""
        self._pool.close()

    def __enter__(self) -> PostGISRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_row(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a read-only SQL query in the registry's schema (``%s`` placeholders), or None."""
        with self._connection() as conn:
            row = conn.execute(sql, list(params)).fetchone()
        return None if row is None else tuple(row)

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """The connection of this thread's open write transaction, else one from the pool."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _write_transaction(self) -> Iterator[Any]:
        """One atomic write holding the registry's write lock; inside another, a savepoint.

        It marks itself as landreg's (``landreg.writer``): the tables of plots and history refuse
        every other writer.
        """
        import psycopg

        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with conn.transaction():
                yield conn
            return
        with self._pool.connection() as conn:
            self._local.conn = conn
            self._local.vacuum_plots = False
            try:
                with conn.transaction():
                    conn.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s)), set_config('landreg.writer', 'on', true)",
                        (f"landreg:{self.schema}",),
                    )
                    yield conn
            except psycopg.errors.UniqueViolation as exc:
                raise _unique_violation(exc) from exc
            finally:
                self._local.conn = None
            if self._local.vacuum_plots:  # after a bulk add: index-only scans (tile counts) need not visit new rows
                conn.execute("VACUUM plots")

    @contextmanager
    def transaction(self) -> Iterator[PostGISRegistry]:
        """Several writes as one: inside ``with registry.transaction():`` all are stored, or none.

        Each write inside becomes a savepoint of one PostgreSQL transaction, committed when the
        block ends and rolled back when it raises.
        """
        with self._write_transaction():
            yield self

    # ------------------------------------------------------------------ storage steps
    def _transaction_time(self) -> tuple[dt.datetime, str]:
        """Now (UTC, milliseconds), strictly after the last recorded change, so history is totally ordered."""
        now = dt.datetime.now(dt.UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        with self._connection() as conn:
            last = conn.execute("SELECT max(recorded_at) FROM plot_versions").fetchone()[0]
        if last is not None:
            previous = parse_datetime(format_datetime(last))
            assert previous is not None
            now = max(now, previous + dt.timedelta(milliseconds=1))
        return now, format_datetime(now)

    def _read_current(self, plot_id: str) -> Plot:
        lock = " FOR UPDATE" if getattr(self._local, "conn", None) is not None else ""
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT {stored_select(COLS)} FROM plots WHERE plot_id = %s{lock}", (plot_id,)
            ).fetchone()
        if row is None:
            raise PlotNotFoundError(f"no plot with id {plot_id!r} in the registry at {self.label}")
        return self._row_to_plot(row)

    def _insert(
        self,
        values: list[dict[str, Any]],
        geoms: np.ndarray,
        *,
        op: ChangeOp,
        actor: str,
        now_text: str,
        note: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        if len(values) >= _COPY_FROM_ROWS:
            with self._connection() as conn:
                copy_new_plots(conn, values, geoms, op=op, actor=actor, now_text=now_text, note=note, progress=progress)
                if len(values) >= _ANALYZE_AFTER_ROWS:  # fresh statistics for the new size
                    conn.execute("ANALYZE plots")
                    conn.execute("ANALYZE plot_versions")
                    self._local.vacuum_plots = True
            return
        wkbs = shapely.to_wkb(np.asarray(geoms, dtype=object))
        batch = 5_000
        with self._connection() as conn, conn.cursor() as cur:
            for start in range(0, len(values), batch):
                chunk = values[start : start + batch]
                rows = [[wkbs[start + k]] + [param(c, v.get(c)) for c in COLS] for k, v in enumerate(chunk)]
                cur.executemany(_INSERT_PLOT, rows)
                history = [
                    [*row, op.value, actor, now_text, None, dumps_json(added_fields(v)), None, None, note, None]
                    for row, v in zip(rows, chunk, strict=True)
                ]
                cur.executemany(_INSERT_VERSION, history)
                if progress is not None:
                    progress(len(chunk))
            if len(values) >= _ANALYZE_AFTER_ROWS:  # fresh statistics, so the next queries are planned for the new size
                cur.execute("ANALYZE plots")
                cur.execute("ANALYZE plot_versions")

    def _insert_chunks(
        self,
        chunks: Iterable[tuple[list[dict[str, Any]], np.ndarray]],
        *,
        op: ChangeOp,
        actor: str,
        now_text: str,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """A few plots with INSERTs; a bulk add streamed with COPY while validation checks the next chunk."""
        rest = iter(chunks)
        first = next(rest, None)
        if first is None:
            return
        if len(first[0]) < _COPY_FROM_ROWS:  # a short first chunk is the only one
            for values, geoms in itertools.chain([first], rest):
                self._insert(values, geoms, op=op, actor=actor, now_text=now_text, progress=progress)
            return
        with self._connection() as conn:
            rows = copy_plot_chunks(
                conn, itertools.chain([first], rest), op=op, actor=actor, now_text=now_text, progress=progress
            )
            if rows >= _ANALYZE_AFTER_ROWS:  # fresh statistics for the new size
                conn.execute("ANALYZE plots")
                conn.execute("ANALYZE plot_versions")
                self._local.vacuum_plots = True

    def _new_version(
        self,
        plot: Plot,
        new: dict[str, Any],
        geom: Any,
        *,
        op: ChangeOp,
        actor: str,
        now_text: str,
        note: str | None = None,
    ) -> None:
        """Write ``new`` as the next version of ``plot``: the UPDATE checks the version it replaces."""
        new_vals, changed, before, after = version_change(plot, new, geom)
        wkb = shapely.to_wkb(geom)
        row = [stored_param(c, new_vals[c]) for c in COLS]
        with self._connection() as conn:
            cur = conn.execute(_UPDATE_PLOT, [wkb, *row, plot.plot_id, plot.version])
            if cur.rowcount != 1:
                current = conn.execute("SELECT version FROM plots WHERE plot_id = %s", (plot.plot_id,)).fetchone()
                raise VersionConflictError(plot.plot_id, plot.version, current[0] if current else -1)
            superseded = conn.execute(  # the version replaced, and what it was based on, in one round trip
                "UPDATE plot_versions SET superseded_at = %s::timestamptz WHERE plot_id = %s AND superseded_at IS NULL "
                "RETURNING version, base_version",
                (now_text, plot.plot_id),
            ).fetchall()
            previous = [b for v, b in superseded if v == plot.version]
            base = next_base_version(plot.version, previous[0] if previous else None)
            kept = history_values(new_vals, base_version=base)
            history = [
                op.value,
                actor,
                now_text,
                None,
                dumps_json(changed),
                dumps_json(delta_before(before, base_version=base)),
                dumps_json(after),
                note,
                base,
            ]
            stored_wkb = wkb if base is None or "geometry" in changed else None
            conn.execute(_INSERT_VERSION, [stored_wkb, *(stored_param(c, kept[c]) for c in COLS), *history])


def _unique_violation(exc: Any) -> ValidationError:
    """A uniqueness the database enforced, in the user's terms."""
    constraint = getattr(exc.diag, "constraint_name", None) or ""
    detail = getattr(exc.diag, "message_detail", None) or str(exc)
    if constraint == "plots_live_code_key":
        problem = Problem("input", "code", f"is already used by a live plot ({detail})")
    elif constraint == "plots_plot_id_key":
        problem = Problem("input", "plot_id", f"is already taken; plot ids are never reused ({detail})")
    else:
        problem = Problem("input", constraint or "record", f"is already stored ({detail})")
    return ValidationError([problem], context="write")
