"""The embedded registry: plots, their history and related entities in one GeoPackage.

Every write is a single SQLite transaction started with ``BEGIN IMMEDIATE``:
validation, the change, and its history rows commit together or not at all.
A process killed mid-write leaves a hot journal that SQLite rolls back on the
next open, so the file reads exactly as before the write.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from landreg.crs import REGION_EXTENT_25832, STORAGE_CRS, STORAGE_EPSG
from landreg.errors import (
    PlotEndedError,
    PlotNotFoundError,
    Problem,
    RegistryFormatError,
    ValidationError,
    VersionConflictError,
)
from landreg.gpkg.connection import connect, write_transaction
from landreg.gpkg.geometry import decode_geometries, encode_geometries
from landreg.gpkg.schema import update_contents_extent
from landreg.model.enums import ChangeOp
from landreg.model.plot import INPUT_FIELDS, MANAGED_FIELDS, Plot
from landreg.registry.auth import TokenStore
from landreg.registry.codec import (
    PLOT_COLUMNS,
    format_datetime,
    parse_datetime,
    rows_to_frame,
    to_storage_value,
)
from landreg.registry.cql import compile_filter, spatial_filter
from landreg.registry.entities import EntityStore
from landreg.registry.lineage import merge_geometry, split_geometry
from landreg.registry.prices import PriceStore
from landreg.registry.query import PlotQuery, where_clause
from landreg.registry.tables import (
    HISTORY_COLUMNS,
    META,
    PLOTS,
    VERSIONS,
    create_registry_tables,
)
from landreg.validation import ValidatedPlots, validate_plots

_COLS = [n for n, _ in PLOT_COLUMNS]
_HIST = [n for n, _ in HISTORY_COLUMNS]
_INSERT_PLOT = f'INSERT INTO "{PLOTS}" (geom, {", ".join(_COLS)}) VALUES (?{", ?" * len(_COLS)})'
_INSERT_VERSION = (
    f'INSERT INTO "{VERSIONS}" (geom, {", ".join(_COLS + _HIST)}) VALUES (?{", ?" * (len(_COLS) + len(_HIST))})'
)
_SELECT = f"SELECT geom, {', '.join(_COLS)} FROM"
_CHUNK = 900  # SQLite host-parameter limit is 999 in old builds


def _chunks(values: Sequence[Any], size: int = _CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


class GeoPackageRegistry(EntityStore, PriceStore, TokenStore):
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
        self._conn = conn
        self._lock = threading.RLock()
        self.extent = extent
        self.overlap_tolerance_m2 = overlap_tolerance_m2

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
        conn = connect(path, busy_timeout_s=busy_timeout_s, journal_mode=journal_mode)
        try:
            kind = conn.execute(f'SELECT value FROM "{META}" WHERE key = ?', ("kind",)).fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise RegistryFormatError(f"{path} is not a landreg registry GeoPackage ({exc})") from exc
        if not kind or kind[0] != "landreg-registry":
            conn.close()
            raise RegistryFormatError(f"{path} is a GeoPackage but not a landreg registry")
        return cls(path, conn=conn, extent=extent, overlap_tolerance_m2=overlap_tolerance_m2)

    def close(self) -> None:
        """Close the underlying connection."""
        self._conn.close()

    def __enter__(self) -> GeoPackageRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ helpers
    def _transaction_time(self) -> tuple[dt.datetime, str]:
        """Now (UTC), strictly after the last recorded change, so history is totally ordered."""
        now = dt.datetime.now(dt.UTC)
        last = self._conn.execute(f'SELECT max(recorded_at) FROM "{VERSIONS}"').fetchone()[0]
        if last is not None:
            floor = parse_datetime(last) + dt.timedelta(milliseconds=1)
            now = max(now, floor)
        return now, format_datetime(now)

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

    def _validate(
        self,
        frame: gpd.GeoDataFrame,
        *,
        repair: bool,
        context: str,
        exclude_ids: Sequence[str] = (),
        check_ids: bool = True,
    ) -> ValidatedPlots:
        return validate_plots(
            frame,
            repair=repair,
            extent=self.extent,
            overlap_tolerance_m2=self.overlap_tolerance_m2,
            overlap_lookup=lambda g, ids: self._overlaps(g, ids, exclude=exclude_ids),
            existing_ids=self._existing_ids if check_ids else None,
            existing_codes=lambda codes: self._live_codes(codes, exclude=exclude_ids),
            context=context,
        )

    def _read_current(self, plot_id: str) -> Plot:
        row = self._conn.execute(f'{_SELECT} "{PLOTS}" WHERE plot_id = ?', (plot_id,)).fetchone()
        if row is None:
            raise PlotNotFoundError(f"no plot with id {plot_id!r} in {self.path.name}")
        return _row_to_plot(row)

    def _check_writable(self, plot: Plot, expected_version: int) -> None:
        if plot.valid_to is not None:
            raise PlotEndedError(
                f"plot {plot.plot_id!r} ({plot.code}) ended at {format_datetime(plot.valid_to)}; "
                "ended plots cannot change"
            )
        if plot.version != expected_version:
            raise VersionConflictError(plot.plot_id, expected_version, plot.version)

    def _insert(
        self,
        values: list[dict[str, Any]],
        geoms: np.ndarray,
        *,
        op: ChangeOp,
        actor: str,
        now_text: str,
        history: list[tuple[list[str], Any, Any]] | None = None,
        note: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        blobs = encode_geometries(geoms, STORAGE_EPSG)
        batch = 5_000
        for start in range(0, len(values), batch):
            chunk = values[start : start + batch]
            plot_rows = [
                [blobs[start + k]] + [to_storage_value(c, v.get(c)) for c in _COLS] for k, v in enumerate(chunk)
            ]
            self._conn.executemany(_INSERT_PLOT, plot_rows)
            hist_rows = []
            for k, row in enumerate(plot_rows):
                if history is None:  # an add: the version's own columns are the "after" state
                    changed = sorted(c for c in INPUT_FIELDS if chunk[k].get(c) not in (None, [], {}))
                    before, after = None, None
                else:
                    changed, before, after = history[start + k]
                hist_rows.append(
                    [*row, op.value, actor, now_text, None, _dumps(changed), _dumps(before), _dumps(after), note]
                )
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
        old_vals = {c: to_storage_value(c, getattr(plot, c)) for c in _COLS}
        new_vals = {c: to_storage_value(c, new.get(c)) for c in _COLS}
        changed = [c for c in _COLS if c not in ("version", "updated_at", "updated_by") and old_vals[c] != new_vals[c]]
        geom_changed = not shapely.equals(plot.geometry, geom)
        if geom_changed:
            changed.append("geometry")
        blob = encode_geometries([geom], STORAGE_EPSG)[0]
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
        before = {c: old_vals[c] for c in changed if c != "geometry"}
        after = {c: new_vals[c] for c in changed if c != "geometry"}
        self._conn.execute(
            _INSERT_VERSION,
            [
                blob,
                *new_vals.values(),
                op.value,
                actor,
                now_text,
                None,
                _dumps(changed),
                _dumps(before),
                _dumps(after),
                note,
            ],
        )

    # ------------------------------------------------------------------ writes
    def add_plots(
        self,
        frame: gpd.GeoDataFrame,
        *,
        actor: str,
        repair: bool = False,
        progress: Callable[[int], None] | None = None,
        context: str = "import",
    ) -> list[str]:
        """Validate and add a batch of plots, all or nothing.

        Parameters
        ----------
        frame : GeoDataFrame
            Plot attributes and polygons in any declared CRS; ``plot_id`` may be
            given (it must be new).  ``area_m2`` in the input is ignored.
        actor : str
            Who makes the change (recorded in history).
        repair : bool
            Repair invalid geometries instead of rejecting them.

        Returns
        -------
        list of str
            The ids of the added plots, in input order.

        Raises
        ------
        ValidationError
            Listing every bad record; nothing is written.
        """
        with self._lock, write_transaction(self._conn):
            checked = self._validate(frame, repair=repair, context=context)
            now, now_text = self._transaction_time()
            values = []
            for attrs, area, pid in zip(checked.attributes, checked.area_m2, checked.plot_ids, strict=True):
                v = attrs.model_dump()
                v.update(
                    plot_id=pid or str(uuid.uuid4()),
                    version=1,
                    area_m2=float(area),
                    updated_at=now,
                    updated_by=actor,
                    valid_to=None,
                )
                v["valid_from"] = v.get("valid_from") or now
                values.append(v)
            self._insert(values, checked.geometries, op=ChangeOp.ADD, actor=actor, now_text=now_text, progress=progress)
            if values:
                update_contents_extent(self._conn, PLOTS)
        return [v["plot_id"] for v in values]

    def add_plot(
        self, attributes: Mapping[str, Any], geometry: Any, *, crs: Any, actor: str, repair: bool = False
    ) -> Plot:
        """Add one plot (``geometry`` in ``crs``) and return it as stored."""
        frame = gpd.GeoDataFrame([dict(attributes)], geometry=[geometry], crs=crs)
        (plot_id,) = self.add_plots(frame, actor=actor, repair=repair, context="add")
        return self.get_plot(plot_id)

    def update_plot(
        self,
        plot_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        actor: str,
        crs: Any = None,
        repair: bool = False,
        note: str | None = None,
    ) -> Plot:
        """Change attributes and/or the geometry of a live plot (optimistic locking).

        Parameters
        ----------
        changes : mapping
            Field names to new values; ``"geometry"`` for a new polygon in ``crs``.
            ``None`` clears a field.
        expected_version : int
            The version the change is based on.

        Raises
        ------
        VersionConflictError
            When the plot has changed since ``expected_version``; nothing is written.
        PlotNotFoundError, PlotEndedError, ValidationError
        """
        bad = [k for k in changes if k not in INPUT_FIELDS and k != "geometry"]
        if bad:
            problems = [
                Problem(
                    plot_id,
                    k,
                    "is managed by the registry and cannot be set" if k in MANAGED_FIELDS else "is not a plot field",
                )
                for k in bad
            ]
            raise ValidationError(problems, context="update")
        with self._lock, write_transaction(self._conn):
            plot = self._read_current(plot_id)
            self._check_writable(plot, expected_version)
            attrs = plot.model_dump(include=set(INPUT_FIELDS))
            attrs.update({k: v for k, v in changes.items() if k != "geometry"})
            if "geometry" in changes:
                if crs is None:
                    raise ValidationError(
                        [Problem(plot_id, "geometry", "a new geometry needs its crs")], context="update"
                    )
                geom_frame = gpd.GeoDataFrame([attrs], geometry=[changes["geometry"]], crs=crs)
            else:
                geom_frame = gpd.GeoDataFrame([attrs], geometry=[plot.geometry], crs=STORAGE_CRS)
            checked = self._validate(
                geom_frame, repair=repair, context="update", exclude_ids=[plot_id], check_ids=False
            )
            now, now_text = self._transaction_time()
            new = checked.attributes[0].model_dump()
            new.update(
                plot_id=plot_id,
                version=plot.version + 1,
                area_m2=float(checked.area_m2[0]),
                valid_to=None,
                updated_at=now,
                updated_by=actor,
            )
            probe = {c: to_storage_value(c, new.get(c)) for c in INPUT_FIELDS}
            same = all(probe[c] == to_storage_value(c, getattr(plot, c)) for c in INPUT_FIELDS)
            if same and shapely.equals(plot.geometry, checked.geometries[0]):
                return plot  # nothing changed: no new version
            self._new_version(
                plot, new, checked.geometries[0], op=ChangeOp.UPDATE, actor=actor, now_text=now_text, note=note
            )
            update_contents_extent(self._conn, PLOTS)
            return self._read_current(plot_id)

    def end_plot(self, plot_id: str, *, expected_version: int, actor: str, reason: str | None = None) -> Plot:
        """End a plot: it gets ``valid_to`` = now and stays in the registry and its history."""
        with self._lock, write_transaction(self._conn):
            plot = self._read_current(plot_id)
            self._check_writable(plot, expected_version)
            now, now_text = self._transaction_time()
            self._end(plot, now=now, now_text=now_text, actor=actor, op=ChangeOp.END, note=reason)
            return self._read_current(plot_id)

    def _end(self, plot: Plot, *, now: dt.datetime, now_text: str, actor: str, op: ChangeOp, note: str | None) -> None:
        new = plot.model_dump(exclude={"geometry"})
        new.update(version=plot.version + 1, valid_to=now, updated_at=now, updated_by=actor)
        self._new_version(plot, new, plot.geometry, op=op, actor=actor, now_text=now_text, note=note)

    def split_plot(
        self,
        plot_id: str,
        *,
        expected_version: int,
        actor: str,
        blade: Any = None,
        parts: Sequence[Any] | None = None,
        crs: Any = None,
        codes: Sequence[str] | None = None,
    ) -> list[Plot]:
        """Split a live plot by a line (``blade``) or into given ``parts`` (in ``crs``).

        The parent ends; each child copies its attributes, gets a new id, a code
        (``codes`` or ``<parent code>-1``, ``-2`` …) and ``previously_part_of = [parent id]``.
        """
        with self._lock, write_transaction(self._conn):
            plot = self._read_current(plot_id)
            self._check_writable(plot, expected_version)
            geoms = _to_storage([blade] if blade is not None else list(parts or []), crs)
            pieces = split_geometry(
                plot.geometry,
                blade=geoms[0] if blade is not None else None,
                parts=None if blade is not None else geoms,
                label=f"plot {plot.code}",
            )
            if codes is not None and len(codes) != len(pieces):
                raise ValidationError(
                    [Problem(plot.code, "codes", f"{len(codes)} codes for {len(pieces)} parts")], context="split"
                )
            now, now_text = self._transaction_time()
            self._end(plot, now=now, now_text=now_text, actor=actor, op=ChangeOp.SPLIT, note="split")
            base = plot.model_dump(include=set(INPUT_FIELDS))
            rows = [
                {
                    **base,
                    "code": codes[i] if codes else f"{plot.code}-{i + 1}",
                    "previously_part_of": [plot_id],
                    "valid_from": now,
                }
                for i in range(len(pieces))
            ]
            return self._add_children(
                rows, pieces, op=ChangeOp.SPLIT, actor=actor, now=now, now_text=now_text, note=f"split from {plot_id}"
            )

    def merge_plots(
        self,
        plot_ids: Sequence[str],
        *,
        expected_versions: Mapping[str, int],
        actor: str,
        code: str | None = None,
        changes: Mapping[str, Any] | None = None,
    ) -> Plot:
        """Merge touching live plots into one; the parents end, the child records them as lineage."""
        with self._lock, write_transaction(self._conn):
            plots = [self._read_current(pid) for pid in plot_ids]
            for p in plots:
                if p.plot_id not in expected_versions:
                    raise ValidationError(
                        [Problem(p.plot_id, "version", "expected_versions lacks this plot")], context="merge"
                    )
                self._check_writable(p, expected_versions[p.plot_id])
            munis = {p.municipality_no for p in plots}
            if len(munis) > 1:
                raise ValidationError(
                    [Problem("merge", "municipality_no", f"plots lie in different municipalities {sorted(munis)}")],
                    context="merge",
                )
            geom = merge_geometry([p.geometry for p in plots], labels=[p.code for p in plots])
            now, now_text = self._transaction_time()
            for p in plots:
                self._end(p, now=now, now_text=now_text, actor=actor, op=ChangeOp.MERGE, note="merged")
            row = {
                **plots[0].model_dump(include=set(INPUT_FIELDS)),
                **(changes or {}),
                "code": code or f"{plots[0].code}-M",
                "previously_part_of": list(plot_ids),
                "valid_from": now,
            }
            (child,) = self._add_children(
                [row],
                [geom],
                op=ChangeOp.MERGE,
                actor=actor,
                now=now,
                now_text=now_text,
                note=f"merged from {', '.join(plot_ids)}",
            )
            return child

    def _add_children(
        self,
        rows: list[dict[str, Any]],
        geoms: Sequence[Any],
        *,
        op: ChangeOp,
        actor: str,
        now: dt.datetime,
        now_text: str,
        note: str,
    ) -> list[Plot]:
        frame = gpd.GeoDataFrame(rows, geometry=list(geoms), crs=STORAGE_CRS)
        checked = self._validate(frame, repair=False, context=op.value)
        values = []
        for attrs, area in zip(checked.attributes, checked.area_m2, strict=True):
            v = attrs.model_dump()
            v.update(
                plot_id=str(uuid.uuid4()),
                version=1,
                area_m2=float(area),
                valid_to=None,
                updated_at=now,
                updated_by=actor,
            )
            values.append(v)
        self._insert(values, checked.geometries, op=op, actor=actor, now_text=now_text, note=note)
        return [self._read_current(v["plot_id"]) for v in values]

    # ------------------------------------------------------------------ reads
    def get_plot(self, plot_id: str, *, as_of: dt.datetime | None = None) -> Plot:
        """One plot by id, as it is now or as it was recorded at ``as_of``.

        Raises
        ------
        PlotNotFoundError
        """
        with self._lock:
            if as_of is None:
                return self._read_current(plot_id)
            row = self._conn.execute(
                f'{_SELECT} "{VERSIONS}" WHERE plot_id = ? AND recorded_at <= ? ORDER BY version DESC LIMIT 1',
                (plot_id, format_datetime(as_of)),
            ).fetchone()
        if row is None:
            raise PlotNotFoundError(f"no plot with id {plot_id!r} existed at {format_datetime(as_of)}")
        return _row_to_plot(row)

    def get_plot_by_code(self, code: str) -> Plot:
        """The live plot with this code (or the most recent ended one)."""
        with self._lock:
            row = self._conn.execute(
                f'{_SELECT} "{PLOTS}" WHERE code = ? ORDER BY (valid_to IS NULL) DESC, fid DESC LIMIT 1', (code,)
            ).fetchone()
        if row is None:
            raise PlotNotFoundError(f"no plot with code {code!r}")
        return _row_to_plot(row)

    def query_plots(self, query: PlotQuery | None = None, **criteria: Any) -> gpd.GeoDataFrame:
        """Plots matching ``query`` (or keyword criteria of :class:`PlotQuery`) as a GeoDataFrame (EPSG:25832).

        A ``bbox`` uses the GeoPackage R-tree index and then an exact intersection test.
        """
        query = query or PlotQuery.build(**criteria)
        sql, params = self._query_sql(query, select=f"geom, {', '.join(_COLS)}")
        sql += " ORDER BY fid"
        if query.limit is not None or query.offset:
            sql += " LIMIT ? OFFSET ?"
            params += [query.limit if query.limit is not None else -1, query.offset]
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return rows_to_frame(rows, ["geom", *_COLS])

    def count_plots(self, query: PlotQuery | None = None, **criteria: Any) -> int:
        """How many plots match (ignores ``limit``/``offset``)."""
        query = query or PlotQuery.build(**criteria)
        sql, params = self._query_sql(query, select="count(*)")
        with self._lock:
            return int(self._conn.execute(sql, params).fetchone()[0])

    def _query_sql(self, query: PlotQuery, *, select: str) -> tuple[str, list[Any]]:
        table = VERSIONS if query.as_of is not None else PLOTS
        now_text = format_datetime(query.as_of) if query.as_of is not None else None
        where, params = where_clause(query, table=table, rtree=f"rtree_{table}_geom", now_text=now_text)
        if query.bbox is not None:
            where += " AND landreg_intersects_bbox(geom, ?, ?, ?, ?)"
            params += list(query.bbox)
        if query.intersects is not None:
            compiled = spatial_filter("intersects", query.intersects, table=table)
            where += f" AND {compiled.sql}"
            params += list(compiled.params)
        if query.filter_ast is not None:
            compiled = compile_filter(query.filter_ast, filter_crs=query.filter_crs, table=table)
            where += f" AND {compiled.sql}"
            params += list(compiled.params)
        return f'SELECT {select} FROM "{table}" WHERE {where}', params

    def plot_history(self, plot_id: str) -> gpd.GeoDataFrame:
        """Every version of a plot, oldest first, with op, actor, time, changed fields, before and after."""
        with self._lock:
            rows = self._conn.execute(
                f'SELECT geom, {", ".join(_COLS + _HIST)} FROM "{VERSIONS}" WHERE plot_id = ? ORDER BY version',
                (plot_id,),
            ).fetchall()
        if not rows:
            raise PlotNotFoundError(f"no plot with id {plot_id!r}")
        frame = rows_to_frame(rows, ["geom", *_COLS, *_HIST])
        for col in ("changed_fields", "before", "after"):
            frame[col] = [json.loads(v) if v is not None else None for v in frame[col]]
        # Rows written by an add or a split/merge child store no "after": it is the row itself.
        frame["after"] = [
            after if after is not None else {c: row[1 + _COLS.index(c)] for c in changed if c in _COLS}
            for after, changed, row in zip(frame["after"], frame["changed_fields"], rows, strict=True)
        ]
        return frame


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _row_to_plot(row: Sequence[Any]) -> Plot:
    frame = rows_to_frame([row], ["geom", *_COLS])
    rec = {k: v for k, v in frame.drop(columns="geometry").iloc[0].to_dict().items() if not _missing(v)}
    return Plot.model_validate({**rec, "geometry": frame.geometry.iloc[0]})


def _to_storage(geoms: Sequence[Any], crs: Any) -> list[Any]:
    if crs is None:
        raise ValidationError([Problem("input", "crs", "geometries need a declared crs")], context="geometry")
    return list(gpd.GeoSeries(list(geoms), crs=crs).to_crs(STORAGE_CRS).values)
