"""Plot writes that do not depend on the store: add, update, end, split and merge.

A backend mixes :class:`PlotWrites` in and provides the storage steps: one write transaction
(``_write_transaction``), reading the current row (``_read_current``), the transaction time,
validation against what is stored (``_validate``), inserting plots with their first history
rows (``_insert``) and writing the next version of a plot (``_new_version``, whose UPDATE
checks the version it replaces).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from landreg.crs import STORAGE_CRS
from landreg.errors import PlotEndedError, Problem, ValidationError, VersionConflictError
from landreg.model.enums import ChangeOp
from landreg.model.plot import INPUT_FIELDS, MANAGED_FIELDS, Plot
from landreg.plot_input import PlotRecords
from landreg.provenance.entries import edit_provenance_fields
from landreg.registry.codec import PLOT_COLUMNS, format_datetime, to_storage_value
from landreg.registry.lineage import merge_geometry, split_geometry

if TYPE_CHECKING:
    from landreg.validation import ValidatedPlots

_COLS = [n for n, _ in PLOT_COLUMNS]
_INPUT_BY_NAME = tuple(sorted(INPUT_FIELDS))
#: How far (metres, EPSG:25832) a vertex may move and the geometry still be the one stored: a plot
#: sent back as it was read, through CRS84 and back, moves by nanometres, which is no edit.
SAME_GEOMETRY_TOLERANCE_M = 0.001


def same_geometry(stored: Any, given: Any) -> bool:
    """True when ``given`` is ``stored`` with every vertex within :data:`SAME_GEOMETRY_TOLERANCE_M`.

    Parameters
    ----------
    stored, given : shapely geometry
        Polygons in EPSG:25832; the same rings in the same vertex order, as a client that
        read the plot sends them back.

    Returns
    -------
    bool
    """
    return bool(shapely.equals_exact(stored, given, tolerance=SAME_GEOMETRY_TOLERANCE_M))


def dumps_json(value: Any) -> str | None:
    """Compact JSON text (æøå kept), or None for None."""
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def added_fields(values: Mapping[str, Any]) -> list[str]:
    """The input fields an added plot sets (its first history row's ``changed_fields``), in name order."""
    return [c for c in _INPUT_BY_NAME if not _is_unset(values.get(c))]


def added_fields_texts(values: Sequence[Mapping[str, Any]]) -> list[str | None]:
    """:func:`added_fields` of many plots as JSON text, read a field at a time (each distinct list written once)."""
    flags = []
    for name in _INPUT_BY_NAME:
        column = [v.get(name) for v in values]
        flags.append([x is not None and (type(x) not in (list, dict) or bool(x)) for x in column])
    texts: dict[tuple[bool, ...], str | None] = {}
    out = []
    for key in zip(*flags, strict=True):
        if key not in texts:
            texts[key] = dumps_json([name for name, given in zip(_INPUT_BY_NAME, key, strict=True) if given])
        out.append(texts[key])
    return out


def _is_unset(value: Any) -> bool:
    return value is None or (type(value) in (list, dict) and not value)


def version_change(
    plot: Plot, new: Mapping[str, Any], geom: Any
) -> tuple[dict[str, Any], list[str], dict[str, Any], dict[str, Any]]:
    """What the next version of ``plot`` changes.

    Returns
    -------
    tuple
        The new row's stored values (by column), the changed fields (``"geometry"`` last when
        it changed), and the stored values before and after of each changed attribute.
    """
    old_vals = {c: to_storage_value(c, getattr(plot, c)) for c in _COLS}
    new_vals = {c: to_storage_value(c, new.get(c)) for c in _COLS}
    changed = [c for c in _COLS if c not in ("version", "updated_at", "updated_by") and old_vals[c] != new_vals[c]]
    if not shapely.equals(plot.geometry, geom):
        changed.append("geometry")
    before = {c: old_vals[c] for c in changed if c != "geometry"}
    after = {c: new_vals[c] for c in changed if c != "geometry"}
    return new_vals, changed, before, after


def geometries_to_storage(geoms: Sequence[Any], crs: Any) -> list[Any]:
    """Geometries given in ``crs`` as EPSG:25832 geometries.

    Raises
    ------
    ValidationError
        When ``crs`` is None.
    """
    if crs is None:
        raise ValidationError([Problem("input", "crs", "geometries need a declared crs")], context="geometry")
    return list(gpd.GeoSeries(list(geoms), crs=crs).to_crs(STORAGE_CRS).values)


class PlotWrites:
    """Add, update, end, split and merge plots with history (mixed into a registry backend)."""

    #: A bulk add is validated and handed to storage this many plots at a time.
    validation_chunk_rows = 25_000

    if TYPE_CHECKING:  # the storage steps each backend provides

        def _write_transaction(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _validate(
            self,
            frame: gpd.GeoDataFrame | PlotRecords,
            *,
            repair: bool,
            context: str,
            exclude_ids: Sequence[str] = (),
            check_ids: bool = True,
        ) -> ValidatedPlots:
            raise NotImplementedError

        def _validate_chunks(
            self, frame: gpd.GeoDataFrame | PlotRecords, *, repair: bool, context: str
        ) -> Iterator[ValidatedPlots]:
            raise NotImplementedError

        def _read_current(self, plot_id: str) -> Plot:
            raise NotImplementedError

        def _transaction_time(self) -> tuple[dt.datetime, str]:
            raise NotImplementedError

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
            raise NotImplementedError

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
            raise NotImplementedError

        def get_plot(self, plot_id: str, *, as_of: dt.datetime | None = None) -> Plot:
            """One plot by id (provided by the backend's reads)."""
            raise NotImplementedError

    def _after_plot_writes(self) -> None:
        """Called after plots were added or changed, inside the write (a backend may keep metadata current)."""

    def _check_writable(self, plot: Plot, expected_version: int) -> None:
        if plot.valid_to is not None:
            raise PlotEndedError(
                f"plot {plot.plot_id!r} ({plot.code}) ended at {format_datetime(plot.valid_to)}; "
                "ended plots cannot change"
            )
        if plot.version != expected_version:
            raise VersionConflictError(plot.plot_id, expected_version, plot.version)

    def add_plots(
        self,
        frame: gpd.GeoDataFrame | PlotRecords,
        *,
        actor: str,
        repair: bool = False,
        progress: Callable[[int], None] | None = None,
        context: str = "import",
    ) -> list[str]:
        """Validate and add a batch of plots, all or nothing.

        Parameters
        ----------
        frame : GeoDataFrame or PlotRecords
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
        ids: list[str] = []
        with self._write_transaction():
            now, now_text = self._transaction_time()

            def stored_rows() -> Iterator[tuple[list[dict[str, Any]], np.ndarray]]:
                for checked in self._validate_chunks(frame, repair=repair, context=context):
                    values = []
                    for attrs, area, pid in zip(checked.attributes, checked.area_m2, checked.plot_ids, strict=True):
                        v = attrs.__dict__.copy()  # the validated fields (pydantic keeps them there), not re-dumped
                        v.update(
                            plot_id=pid or str(uuid.uuid4()),
                            version=1,
                            area_m2=float(area),
                            updated_at=now,
                            updated_by=actor,
                            valid_to=None,
                        )
                        v["valid_from"] = v["valid_from"] or now
                        values.append(v)
                    ids.extend(v["plot_id"] for v in values)
                    yield values, checked.geometries

            self._insert_chunks(stored_rows(), op=ChangeOp.ADD, actor=actor, now_text=now_text, progress=progress)
            if ids:
                self._after_plot_writes()
        return ids

    def _insert_chunks(
        self,
        chunks: Iterable[tuple[list[dict[str, Any]], np.ndarray]],
        *,
        op: ChangeOp,
        actor: str,
        now_text: str,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Insert new plots chunk by chunk as validation hands them on (a backend may overlap the two)."""
        for values, geoms in chunks:
            self._insert(values, geoms, op=op, actor=actor, now_text=now_text, progress=progress)

    def check_plots(self, frame: gpd.GeoDataFrame, *, repair: bool = False, context: str = "import") -> None:
        """Check a batch of new plots as :meth:`add_plots` would (stored overlaps and codes too), writing nothing.

        Raises
        ------
        ValidationError
            Listing every bad record.
        """
        self._validate(frame, repair=repair, context=context)

    def add_plot(
        self, attributes: Mapping[str, Any], geometry: Any, *, crs: Any, actor: str, repair: bool = False
    ) -> Plot:
        """Add one plot (``geometry`` in ``crs``) and return it as stored."""
        given = PlotRecords([dict(attributes)], [geometry], crs)
        (plot_id,) = self.add_plots(given, actor=actor, repair=repair, context="add")
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
        with self._write_transaction():
            plot = self._read_current(plot_id)
            self._check_writable(plot, expected_version)
            attrs = plot.model_dump(include=set(INPUT_FIELDS))
            attrs.update({k: v for k, v in changes.items() if k != "geometry"})
            if "geometry" in changes:
                if crs is None:
                    raise ValidationError(
                        [Problem(plot_id, "geometry", "a new geometry needs its crs")], context="update"
                    )
                given = PlotRecords([attrs], [changes["geometry"]], crs)
            else:
                given = PlotRecords([attrs], [plot.geometry], STORAGE_CRS)
            checked = self._validate(given, repair=repair, context="update", exclude_ids=[plot_id], check_ids=False)
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
            geometry = checked.geometries[0]
            if same_geometry(plot.geometry, geometry):  # e.g. sent back after a round trip through CRS84
                geometry, new["area_m2"] = plot.geometry, plot.area_m2  # the stored one stays: no drift
            else:
                touched.append("geometry")
            if not touched:
                return plot  # nothing changed: no new version
            # each touched field records its editor and date (replacing a synthetic mark); last_verified is today
            new.update(
                edit_provenance_fields(
                    new,
                    changes,
                    touched=touched,
                    editor=actor,
                    day=now.date(),
                    note=note,
                    stored_provenance=plot.provenance,
                )
            )
            self._new_version(plot, new, geometry, op=ChangeOp.UPDATE, actor=actor, now_text=now_text, note=note)
            self._after_plot_writes()
            return self._read_current(plot_id)

    def end_plot(self, plot_id: str, *, expected_version: int, actor: str, reason: str | None = None) -> Plot:
        """End a plot: it gets ``valid_to`` = now and stays in the registry and its history."""
        with self._write_transaction():
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
        with self._write_transaction():
            plot = self._read_current(plot_id)
            self._check_writable(plot, expected_version)
            geoms = geometries_to_storage([blade] if blade is not None else list(parts or []), crs)
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
            note = f"split into {', '.join(child_codes)}"
            self._end(plot, now=now, now_text=now_text, actor=actor, op=ChangeOp.SPLIT, note=note)
            base = plot.model_dump(include=set(INPUT_FIELDS))
            rows = [
                {**base, "code": child_codes[i], "previously_part_of": [plot_id], "valid_from": now}
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
        with self._write_transaction():
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
            note = f"merged from {', '.join(plot_ids)}"
            (child,) = self._add_children(
                [row], [geom], op=ChangeOp.MERGE, actor=actor, now=now, now_text=now_text, note=note
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
        checked = self._validate(PlotRecords(rows, list(geoms), STORAGE_CRS), repair=False, context=op.value)
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
