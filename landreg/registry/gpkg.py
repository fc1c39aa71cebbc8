"""The embedded registry: plots, their history and related entities in one GeoPackage.

Every write is a single SQLite transaction started with ``BEGIN IMMEDIATE``:
validation, the change, and its history rows commit together or not at all.
A process killed mid-write leaves a hot journal that SQLite rolls back on the
next open, so the file reads exactly as before the write.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from landreg.crs import REGION_EXTENT_25832, STORAGE_EPSG
from landreg.errors import (
    PlotNotFoundError,
    RegistryFormatError,
    VersionConflictError,
)
from landreg.gpkg.connection import connect, write_transaction
from landreg.gpkg.geometry import encode_geometries
from landreg.model.enums import ChangeOp
from landreg.model.plot import Plot
from landreg.registry.auth import TokenStore
from landreg.registry.checks import StoredStateChecks
from landreg.registry.codec import (
    format_datetime,
    parse_datetime,
    storage_converters,
)
from landreg.registry.counts import CountCache
from landreg.registry.decisions import DecisionWrites
from landreg.registry.derived import DerivedStore
from landreg.registry.entities import EntityStore
from landreg.registry.history import delta_before, history_values, next_base_version
from landreg.registry.prices import PriceStore
from landreg.registry.reads import COLS as _COLS
from landreg.registry.reads import SELECT as _SELECT
from landreg.registry.reads import PlotReads, row_to_plot
from landreg.registry.roads import RoadProjectWrites
from landreg.registry.tables import (
    HISTORY_COLUMNS,
    META,
    PLOTS,
    VERSIONS,
    create_registry_tables,
    upgrade_registry_tables,
)
from landreg.registry.writes import PlotWrites, added_fields_texts, dumps_json, version_change
from landreg.tokens import unregister_token_table

_HIST = [n for n, _ in HISTORY_COLUMNS]
_INSERT_PLOT = f'INSERT INTO "{PLOTS}" (geom, {", ".join(_COLS)}) VALUES (?{", ?" * len(_COLS)})'
_INSERT_VERSION = (
    f'INSERT INTO "{VERSIONS}" (geom, {", ".join(_COLS + _HIST)}) VALUES (?{", ?" * (len(_COLS) + len(_HIST))})'
)


def _is_current(conn: sqlite3.Connection) -> bool:
    """Whether the registry's tables are those of this landreg (else :func:`upgrade_registry_tables`)."""
    names = {r[1] for r in conn.execute(f'PRAGMA table_info("{VERSIONS}")').fetchall()}
    return "base_version" in names


def _rtree_down(value: float) -> float:
    """``value`` as the SQLite R-tree stores a lower bound: a 32-bit float at or below it (its rounding)."""
    low = float(np.float32(value))
    return low if low <= value else float(np.float32(value * (1.0 + 2.0**-23 if value < 0 else 1.0 - 2.0**-23)))


def _rtree_up(value: float) -> float:
    """``value`` as the SQLite R-tree stores an upper bound: a 32-bit float at or above it."""
    high = float(np.float32(value))
    return high if high >= value else float(np.float32(value * (1.0 - 2.0**-23 if value < 0 else 1.0 + 2.0**-23)))


def _union_bounds(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


class GeoPackageRegistry(
    PlotWrites,
    PlotReads,
    StoredStateChecks,
    EntityStore,
    DecisionWrites,
    RoadProjectWrites,
    PriceStore,
    TokenStore,
    DerivedStore,
):
    """Plot registry stored in one GeoPackage file (EPSG:25832).

    Open with :meth:`open` or :meth:`create` (or :func:`landreg.open_registry`);
    use as a context manager to close it.  All geometry arguments take a
    ``crs``; frames must declare theirs.  Results are in EPSG:25832.
    """

    backend = "geopackage"

    def __init__(
        self,
        path: str | Path,
        *,
        conn: sqlite3.Connection,
        extent: tuple[float, float, float, float],
        overlap_tolerance_m2: float,
    ) -> None:
        self.path = Path(path)
        self.label = str(self.path)
        self._conn = conn
        self._lock = threading.RLock()
        self.extent = extent
        self.overlap_tolerance_m2 = overlap_tolerance_m2
        self._pending_bounds: tuple[float, float, float, float] | None = None
        self._counts = CountCache()
        self._extent_rescan = False

    # ------------------------------------------------------------------ open / create
    @classmethod
    def create(cls, path: str | Path, *, overwrite: bool = False, **options: Any) -> GeoPackageRegistry:
        """Create a new, empty registry file.

        Raises
        ------
        FileExistsError
            When the file exists and ``overwrite`` is false.
        """
        path = Path(path)
        if path.exists():
            if not overwrite:
                raise FileExistsError(f"{path} already exists; pass overwrite=True to replace it")
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".creating")
        tmp.unlink(missing_ok=True)
        conn = connect(tmp, busy_timeout_s=options.get("busy_timeout_s", 30.0))
        conn.execute("PRAGMA application_id = 1196444487")
        conn.execute("PRAGMA user_version = 10300")
        with write_transaction(conn):
            create_registry_tables(conn)
        conn.close()
        tmp.replace(path)  # appears complete or not at all
        return cls.open(path, **options)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        busy_timeout_s: float = 30.0,
        journal_mode: str = "delete",
        extent: tuple[float, float, float, float] = REGION_EXTENT_25832,
        overlap_tolerance_m2: float = 1.0,
    ) -> GeoPackageRegistry:
        """Open an existing registry file.

        Raises
        ------
        FileNotFoundError
            When the file does not exist.
        RegistryFormatError
            When the file is not a landreg GeoPackage registry.
        """
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no registry at {path}; create one with `landreg init`")
        try:
            conn = connect(path, busy_timeout_s=busy_timeout_s, journal_mode=journal_mode)
        except sqlite3.DatabaseError as exc:  # not SQLite at all: the journal mode cannot be set
            raise RegistryFormatError(f"{path} is not a landreg registry GeoPackage ({exc})") from exc
        try:
            kind = conn.execute(f'SELECT value FROM "{META}" WHERE key = ?', ("kind",)).fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise RegistryFormatError(f"{path} is not a landreg registry GeoPackage ({exc})") from exc
        if not kind or kind[0] != "landreg-registry":
            conn.close()
            raise RegistryFormatError(f"{path} is a GeoPackage but not a landreg registry")
        if not _is_current(conn):
            try:
                with write_transaction(conn):
                    upgrade_registry_tables(conn)
            except sqlite3.OperationalError as exc:
                conn.close()
                raise RegistryFormatError(
                    f"{path} was written by an earlier landreg and needs a one-time upgrade, which failed ({exc}); "
                    "open it once where the file is writable"
                ) from exc
        unregister_token_table(conn)  # a registry from an earlier landreg listed its tokens as a layer
        return cls(path, conn=conn, extent=extent, overlap_tolerance_m2=overlap_tolerance_m2)

    def close(self) -> None:
        """Close the underlying connection."""
        self._conn.close()

    def __enter__(self) -> GeoPackageRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_row(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a read-only SQLite query on the registry file (``?`` placeholders), or None."""
        with self._lock:
            row = self._conn.execute(sql, tuple(params)).fetchone()
        return None if row is None else tuple(row)

    def read_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a read-only SQLite query on the registry file (``?`` placeholders)."""
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    # ------------------------------------------------------------------ helpers
    @contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write (``BEGIN IMMEDIATE``); inside another, a savepoint."""
        with self._lock:
            if not self._conn.in_transaction:  # a new write: nothing noted by a write rolled back
                self._pending_bounds, self._extent_rescan = None, False
            with write_transaction(self._conn) as conn:
                yield conn

    def _after_plot_writes(self) -> None:
        """Keep the plots' extent in ``gpkg_contents`` current (GeoPackage readers use it).

        The extent grows by the bounds of the geometries just written; the R-tree is scanned
        only when a replaced geometry lay on the extent's edge (the extent may then shrink).
        """
        grown, self._pending_bounds = self._pending_bounds, None
        rescan, self._extent_rescan = self._extent_rescan, False
        if rescan:
            self._conn.execute(
                "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
                "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
                (*self._index_extent(near=self.plots_extent()), PLOTS),
            )
            return
        if grown is None:
            return
        current = self.plots_extent()
        if current is not None:
            grown = _union_bounds(current, grown)
        self._conn.execute(
            "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
            "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
            (*grown, PLOTS),
        )

    def _index_extent(
        self, *, near: tuple[float, float, float, float] | None
    ) -> tuple[float | None, float | None, float | None, float | None]:
        """The extent of the plots' R-tree, read near each edge of ``near`` rather than by a scan of it all.

        Each side is the smallest (largest) bound among the entries within a band of that edge of
        ``near``; the band widens until it holds an entry, so the answer is that of a full scan while
        the R-tree visits only the nodes along the edge.
        """
        table = f'"rtree_{PLOTS}_geom"'
        if near is None:
            row = self._conn.execute(f"SELECT min(minx), min(miny), max(maxx), max(maxy) FROM {table}").fetchone()
            return (row[0], row[1], row[2], row[3])
        sides = []
        for column, edge, inward in (
            ("minx", near[0], 1),
            ("miny", near[1], 1),
            ("maxx", near[2], -1),
            ("maxy", near[3], -1),
        ):
            agg, op = ("min", "<=") if inward > 0 else ("max", ">=")
            band_m, value = 16.0, None
            while value is None and band_m < 1e8:
                sql = f"SELECT {agg}({column}) FROM {table} WHERE {column} {op} ?"
                value = self._conn.execute(sql, (edge + inward * band_m,)).fetchone()[0]
                band_m *= 8
            sides.append(value)
        return (sides[0], sides[1], sides[2], sides[3])

    def _grow_extent(self, geoms: Any, *, replaced: Any = None) -> None:
        """Note geometries written (and the one they replace) for :meth:`_after_plot_writes`."""
        bounds = shapely.bounds(np.asarray(geoms, dtype=object))
        if len(bounds):
            box = (
                _rtree_down(float(np.nanmin(bounds[:, 0]))),
                _rtree_down(float(np.nanmin(bounds[:, 1]))),
                _rtree_up(float(np.nanmax(bounds[:, 2]))),
                _rtree_up(float(np.nanmax(bounds[:, 3]))),
            )
            self._pending_bounds = box if self._pending_bounds is None else _union_bounds(self._pending_bounds, box)
        if replaced is not None and not self._extent_rescan:
            current = self.plots_extent()
            old = replaced.bounds
            on_edge = [old[0] <= current[0] + 1, old[1] <= current[1] + 1] if current else [True]
            on_edge += [old[2] >= current[2] - 1, old[3] >= current[3] - 1] if current else []
            if any(on_edge):  # within a metre of an edge (the R-tree stores 32-bit floats)
                self._extent_rescan = True

    def _transaction_time(self) -> tuple[dt.datetime, str]:
        """Now (UTC), strictly after the last recorded change, so history is totally ordered."""
        now = dt.datetime.now(dt.UTC)
        last = self._conn.execute(f'SELECT max(recorded_at) FROM "{VERSIONS}"').fetchone()[0]
        previous = parse_datetime(last)
        if previous is not None:
            now = max(now, previous + dt.timedelta(milliseconds=1))
        return now, format_datetime(now)

    def _read_current(self, plot_id: str) -> Plot:
        row = self._conn.execute(f'{_SELECT} "{PLOTS}" WHERE plot_id = ?', (plot_id,)).fetchone()
        if row is None:
            raise PlotNotFoundError(f"no plot with id {plot_id!r} in {self.path.name}")
        return row_to_plot(row)

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
        blobs = encode_geometries(geoms, STORAGE_EPSG)
        self._grow_extent(geoms)
        converters = storage_converters()
        batch = 5_000
        for start in range(0, len(values), batch):
            chunk = values[start : start + batch]
            columns: list[list[Any]] = [list(blobs[start : start + len(chunk)])]
            for name in _COLS:  # a column at a time
                column = [v.get(name) for v in chunk]
                columns.append(column if column.count(None) == len(column) else list(map(converters[name], column)))
            plot_rows = list(zip(*columns, strict=True))
            self._conn.executemany(_INSERT_PLOT, plot_rows)
            # a new plot's first version: its own columns are the "after" state
            history = (op.value, actor, now_text, None)
            hist_rows = [
                (*row, *history, changed, None, None, note, None)
                for row, changed in zip(plot_rows, added_fields_texts(chunk), strict=True)
            ]
            self._conn.executemany(_INSERT_VERSION, hist_rows)
            if progress is not None:
                progress(len(chunk))

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
        """Write ``new`` as the next version of ``plot`` (plots row + history row)."""
        new_vals, changed, before, after = version_change(plot, new, geom)
        blob = encode_geometries([geom], STORAGE_EPSG)[0]
        previous_base = self._conn.execute(
            f'SELECT base_version FROM "{VERSIONS}" WHERE plot_id = ? AND version = ?', (plot.plot_id, plot.version)
        ).fetchone()
        base = next_base_version(plot.version, previous_base[0] if previous_base else None)
        kept = history_values(new_vals, base_version=base)
        if "geometry" in changed:
            self._grow_extent([geom], replaced=plot.geometry)
        sets = ", ".join(f'"{c}" = ?' for c in _COLS)
        cur = self._conn.execute(
            f'UPDATE "{PLOTS}" SET geom = ?, {sets} WHERE plot_id = ? AND version = ?',
            [blob, *new_vals.values(), plot.plot_id, plot.version],
        )
        if cur.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; guard anyway
            raise VersionConflictError(plot.plot_id, plot.version, -1)
        self._conn.execute(
            f'UPDATE "{VERSIONS}" SET superseded_at = ? WHERE plot_id = ? AND superseded_at IS NULL',
            (now_text, plot.plot_id),
        )
        self._conn.execute(
            _INSERT_VERSION,
            [
                blob if base is None or "geometry" in changed else None,
                *kept.values(),
                op.value,
                actor,
                now_text,
                None,
                dumps_json(changed),
                dumps_json(delta_before(before, base_version=base)),
                dumps_json(after),
                note,
                base,
            ],
        )
