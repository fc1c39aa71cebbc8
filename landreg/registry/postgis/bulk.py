"""Bulk writes to PostGIS: new plots streamed with COPY into history, then moved into plots, chunk by chunk.

Each chunk's rows go straight into ``plot_versions`` (their first history rows) with
``COPY … FROM STDIN``; one set-based ``INSERT … SELECT`` then copies those rows' plot columns
into ``plots``, so a row is formatted and sent once.  The chunks are written by a thread of
their own while the caller validates the next chunk: the database ingests one chunk (another
process, so another core) while Python checks the next.  All of it runs in the caller's write
transaction, so a failure anywhere (a broken connection, a constraint, an exception while
streaming, a problem found in a later chunk) leaves neither plots nor history behind.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import shapely

from landreg.crs import STORAGE_EPSG
from landreg.model.enums import ChangeOp
from landreg.registry.codec import BOOL_FIELDS, storage_converters, text_to_storage
from landreg.registry.postgis.sql import COLS, HIST, quoted
from landreg.registry.writes import added_fields_texts

#: Rows streamed between two ``progress`` calls.
COPY_CHUNK_ROWS = 5_000

_COLUMNS = ", ".join(map(quoted, COLS))
_HISTORY = ", ".join(map(quoted, HIST))


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
        A connection inside the registry's write transaction (holding its write lock).
    values : list of dict
        The plots' column values (model form), in the order they get their row ids.
    geoms : array of shapely geometries
        Their MultiPolygons in EPSG:25832.
    op, actor, now_text, note
        What the history rows record (``now_text``: the transaction time as stored text).
    progress : callable, optional
        Called with the number of rows after each chunk streamed.
    """
    copy_rows(conn, history_rows(values, geoms, op=op, actor=actor, now_text=now_text, note=note), progress=progress)


def history_rows(
    values: list[dict[str, Any]], geoms: np.ndarray, *, op: ChangeOp, actor: str, now_text: str, note: str | None
) -> list[tuple]:
    """New plots' first history rows as :func:`copy_rows` takes them (see :func:`copy_new_plots`)."""
    hex_wkb = shapely.to_wkb(
        shapely.set_srid(np.asarray(geoms, dtype=object), STORAGE_EPSG), hex=True, include_srid=True
    )
    return _rows(values, hex_wkb, history=[op.value, actor, now_text, None], tail=[None, None, note, None])


def copy_rows(conn: Any, rows: list[tuple], *, progress: Callable[[int], None] | None = None) -> None:
    """COPY history rows of new plots into ``plot_versions``, then their plot columns into ``plots``."""
    with conn.cursor() as cur:
        # writers queue on the registry's lock, so the rows after this id are this COPY's
        after = cur.execute("SELECT coalesce(max(fid), 0) FROM plot_versions").fetchone()[0]
        with cur.copy(f"COPY plot_versions (geom, {_COLUMNS}, {_HISTORY}) FROM STDIN") as copy:
            for start in range(0, len(rows), COPY_CHUNK_ROWS):
                chunk = rows[start : start + COPY_CHUNK_ROWS]
                for row in chunk:
                    copy.write_row(row)
                if progress is not None:
                    progress(len(chunk))
        cur.execute(
            f"INSERT INTO plots (geom, {_COLUMNS}) SELECT geom, {_COLUMNS} FROM plot_versions "
            "WHERE fid > %s ORDER BY fid",
            (after,),
        )


def _rows(values: list[dict[str, Any]], hex_wkb: np.ndarray, *, history: list[Any], tail: list[Any]) -> list[tuple]:
    """The plots' history rows as COPY takes them, converted a column at a time.

    ``history`` holds the values between the plot columns and ``changed_fields``; ``tail`` those after it.
    """
    columns: list[Any] = [hex_wkb]
    for name, convert in _param_converters():
        column = [v.get(name) for v in values]
        if column.count(None) == len(column):
            columns.append(column)
        elif convert is text_to_storage:  # text as it is; only enums are converted
            columns.append([x if x is None or type(x) is str else convert(x) for x in column])
        else:
            columns.append(list(map(convert, column)))
    columns += [itertools.repeat(h) for h in history]
    columns.append(added_fields_texts(values))
    columns += [itertools.repeat(t) for t in tail]
    return list(zip(*columns, strict=False))  # the constant columns repeat without end


def _param_converters() -> list[tuple[str, Callable[[Any], Any]]]:
    """Per column, a function giving what :func:`~landreg.registry.postgis.sql.param` gives (one batch's cache)."""
    convert = storage_converters()

    def boolean(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda value: stored_param_bool(f(value))

    return [(c, boolean(convert[c]) if c in BOOL_FIELDS else convert[c]) for c in COLS]


def stored_param_bool(stored: Any) -> bool | None:
    """A stored boolean (0/1) as the parameter of a ``boolean`` column."""
    return None if stored is None else bool(stored)


def copy_plot_chunks(
    conn: Any,
    chunks: Iterable[tuple[list[dict[str, Any]], np.ndarray]],
    *,
    op: ChangeOp,
    actor: str,
    now_text: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write chunks of new plots as :func:`copy_new_plots` does, streamed by a thread of their own.

    This thread takes each chunk from ``chunks`` (validating it there) and makes its rows; the
    writer thread streams them and waits for the database while this thread makes the next.
    At most one chunk waits while another is written, so memory stays bounded.  An error of the
    writer (or of ``progress``) is raised here; an error of ``chunks`` stops the writer after
    the chunk it is writing.  Either way the caller's transaction must roll back.

    Returns
    -------
    int
        The number of plots written.
    """
    waiting: queue.Queue[list[tuple] | None] = queue.Queue(maxsize=1)
    failed: list[BaseException] = []
    stop = threading.Event()
    written = 0

    def write() -> None:
        nonlocal written
        while (item := waiting.get()) is not None:
            if failed or stop.is_set():
                continue  # drain, so the producer never blocks
            try:
                copy_rows(conn, item, progress=progress)
                written += len(item)
            except BaseException as exc:  # raised again in the caller's thread
                failed.append(exc)

    writer = threading.Thread(target=write, name="landreg-copy", daemon=True)
    writer.start()
    try:
        for values, geoms in chunks:
            if failed:
                break
            waiting.put(history_rows(values, geoms, op=op, actor=actor, now_text=now_text, note=None))
    except BaseException:
        stop.set()
        raise
    finally:
        waiting.put(None)
        writer.join()
    if failed:
        raise failed[0]
    return written
