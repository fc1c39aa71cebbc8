"""SQLite connections to GeoPackage files, with the functions the R-tree triggers need."""

from __future__ import annotations

import functools
import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from landreg.gpkg.geometry import blob_envelope, blob_is_empty

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3 (1.4 makes GDAL 3.6 / QGIS 3.22 warn)


def _envelope_part(index: int):
    def _fn(blob: bytes | None) -> float | None:
        env = blob_envelope(blob)
        return None if env is None else env[index]

    return _fn


def connect(path: str | Path, *, busy_timeout_s: float = 30.0, journal_mode: str = "delete") -> sqlite3.Connection:
    """Open a GeoPackage with autocommit off-by-hand and the ``ST_*`` helper functions.

    The connection is in autocommit mode (``isolation_level=None``); use
    :func:`write_transaction` for every write so that each is one atomic SQLite
    transaction.  ``busy_timeout_s`` is how long a writer waits for another
    process's write lock before failing.

    Parameters
    ----------
    path : str or Path
        The ``.gpkg`` file.
    busy_timeout_s : float
        Seconds to wait for a lock held by another connection.
    journal_mode : {"delete", "wal"}
        SQLite journal mode. ``delete`` keeps a single file at rest.
    """
    conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    if journal_mode.lower() not in {"delete", "wal"}:
        raise ValueError(f"journal_mode must be 'delete' or 'wal', got {journal_mode!r}")
    conn.execute(f"PRAGMA journal_mode = {journal_mode.upper()}")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    for i, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        conn.create_function(name, 1, _envelope_part(i), deterministic=True)
    conn.create_function("ST_IsEmpty", 1, blob_is_empty, deterministic=True)
    conn.create_function("landreg_spatial", 3, _spatial_predicate, deterministic=True)
    return conn


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic write: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.

    ``IMMEDIATE`` takes the write lock at the start, so two processes never
    interleave their read-check-write sequences (optimistic-lock checks stay
    correct across processes).  If the process dies before ``COMMIT`` the
    SQLite journal restores the file on the next open.

    Inside a transaction already open on ``conn`` the write is a ``SAVEPOINT``:
    an error rolls back this write only, and nothing is committed until the
    outermost transaction commits (so several writes can be made all-or-nothing).

    Parameters
    ----------
    conn : sqlite3.Connection
        A connection in autocommit mode (:func:`connect`).
    """
    if conn.in_transaction:
        name = f"landreg_{next(_SAVEPOINTS)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        else:
            conn.execute(f"RELEASE {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


_SAVEPOINTS = itertools.count()


@functools.lru_cache(maxsize=64)
def _prepared(wkb: bytes):
    import shapely

    geom = shapely.from_wkb(wkb)
    shapely.prepare(geom)
    return geom


def _spatial_predicate(op: str, blob: bytes | None, wkb: bytes) -> int:
    """SQL function ``landreg_spatial(op, geom, wkb)``: the plot geometry ``op`` the literal (EPSG:25832)."""
    if blob is None:
        return 0
    import shapely

    from landreg.gpkg.geometry import decode_geometries

    geom = decode_geometries([blob])[0]
    return int(getattr(shapely, op)(geom, _prepared(bytes(wkb))))
