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
from landreg.gpkg.geometry import encode_geometries
from landreg.gpkg.schema import update_contents_extent
from landreg.model.enums import ChangeOp
from landreg.model.plot import INPUT_FIELDS, MANAGED_FIELDS, Plot
from landreg.provenance.entries import edit_provenance_fields
from landreg.registry.auth import TokenStore
from landreg.registry.checks import StoredStateChecks
from landreg.registry.codec import (
    format_datetime,
    parse_datetime,
    to_storage_value,
)
from landreg.registry.decisions import DecisionWrites
from landreg.registry.derived import DerivedStore
from landreg.registry.entities import EntityStore
from landreg.registry.lineage import merge_geometry, split_geometry
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
)

_HIST = [n for n, _ in HISTORY_COLUMNS]
_INSERT_PLOT = f'INSERT INTO "{PLOTS}" (geom, {", ".join(_COLS)}) VALUES (?{", ?" * len(_COLS)})'
_INSERT_VERSION = (
    f'INSERT INTO "{VERSIONS}" (geom, {", ".join(_COLS + _HIST)}) VALUES (?{", ?" * (len(_COLS) + len(_HIST))})'
)


class GeoPackageRegistry(
    PlotReads, StoredStateChecks, EntityStore, DecisionWrites, RoadProjectWrites, PriceStore, TokenStore, DerivedStore
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
        previous = parse_datetime(last)
        if previous is not None:
            now = max(now, previous + dt.timedelta(milliseconds=1))
        return now, format_datetime(now)

    def _read_current(self, plot_id: str) -> Plot:
        row = self._conn.execute(f'{_SELECT} "{PLOTS}" WHERE plot_id = ?', (plot_id,)).fetchone()
        if row is None:
            raise PlotNotFoundError(f"no plot with id {plot_id!r} in {self.path.name}")
        return row_to_plot(row)

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
        progress : callable, optional
            Called with the number of plots in each chunk written.
        context : str
            Names the input in error messages (e.g. the file name).

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
        plot_id : str
            Id of the live plot.
        changes : mapping
            Field names to new values; ``"geometry"`` for a new polygon in ``crs``.
            ``None`` clears a field.
        expected_version : int
            The version the change is based on.
        actor : str
            Who makes the change (recorded in history).
        crs : optional
            CRS of a new ``geometry`` in ``changes`` (required with one).
        repair : bool
            Repair an invalid new geometry instead of rejecting it.
        note : str, optional
            Why the plot changed (recorded in history).

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
            touched = [c for c in INPUT_FIELDS if probe[c] != to_storage_value(c, getattr(plot, c))]
            if not shapely.equals(plot.geometry, checked.geometries[0]):
                touched.append("geometry")
            if not touched:
                return plot  # nothing changed: no new version
            new.update(edit_provenance_fields(new, changes, touched=touched, editor=actor, day=now.date(), note=note))
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
            child_codes = list(codes) if codes else [f"{plot.code}-{i + 1}" for i in range(len(pieces))]
            self._end(
                plot,
                now=now,
                now_text=now_text,
                actor=actor,
                op=ChangeOp.SPLIT,
                note=f"split into {', '.join(child_codes)}",
            )
            base = plot.model_dump(include=set(INPUT_FIELDS))
            rows = [
                {
                    **base,
                    "code": child_codes[i],
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
            code = code or f"{plots[0].code}-M"
            for p in plots:
                self._end(p, now=now, now_text=now_text, actor=actor, op=ChangeOp.MERGE, note=f"merged into {code}")
            row = {
                **plots[0].model_dump(include=set(INPUT_FIELDS)),
                **(changes or {}),
                "code": code,
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


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _to_storage(geoms: Sequence[Any], crs: Any) -> list[Any]:
    if crs is None:
        raise ValidationError([Problem("input", "crs", "geometries need a declared crs")], context="geometry")
    return list(gpd.GeoSeries(list(geoms), crs=crs).to_crs(STORAGE_CRS).values)
