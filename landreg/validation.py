"""Validation of plots before any write: geometry, CRS, extent, attributes, overlaps.

Every path that writes plots (add, update, split, merge, bulk import) goes
through :func:`validate_plots`.  It checks a whole batch and reports every
problem of every record at once; the registry writes nothing when it raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pydantic
import shapely

from landreg.crs import REGION_EXTENT_25832
from landreg.errors import Problem, ValidationError, _ProblemList
from landreg.model.plot import INPUT_FIELDS, PlotAttributes
from landreg.plot_input import (
    BadJSON,
    PlotRecords,
    column_values,
    crs_of,
    record_columns,
)
from landreg.validation_geometry import check_overlaps_within, storage_geometries

#: Columns accepted on input but not taken from it (computed or managed by the registry).
#: Columns the registry derives (area, versions, the export's ``synthetic`` column): ignored on input.
IGNORED_INPUT_COLUMNS = frozenset(
    {"area_m2", "area_daa", "version", "valid_to", "updated_at", "updated_by", "fid", "synthetic"}
)

#: Returns, for candidate geometries, the (index, plot_id, overlap_m2) of live plots they overlap.
OverlapLookup = Callable[[np.ndarray, Sequence[str | None]], list[tuple[int, str, float]]]


@dataclass
class ValidatedPlots:
    """A batch that passed validation, ready to store.

    Attributes
    ----------
    attributes : list of PlotAttributes
    geometries : ndarray of MultiPolygon, EPSG:25832
    area_m2 : ndarray of float, computed from ``geometries``
    plot_ids : list of str or None — ids given on input (kept when new)
    """

    attributes: list[PlotAttributes]
    geometries: np.ndarray
    area_m2: np.ndarray
    plot_ids: list[str | None]

    def __len__(self) -> int:
        return len(self.attributes)


def record_label(index: int, code: Any) -> str:
    """How a record is named in error messages: its row (1 = the first record) and code."""
    if isinstance(code, str) and code:
        return f"row {index + 1} ({code})"
    return f"row {index + 1}"


def validate_plots(
    frame: gpd.GeoDataFrame | PlotRecords,
    *,
    repair: bool = False,
    extent: tuple[float, float, float, float] = REGION_EXTENT_25832,
    overlap_lookup: OverlapLookup | None = None,
    overlap_tolerance_m2: float = 1.0,
    existing_ids: Callable[[Sequence[str]], set[str]] | None = None,
    existing_codes: Callable[[Sequence[str]], set[str]] | None = None,
    context: str = "",
) -> ValidatedPlots:
    """Validate a batch of plots and bring it to storage form.

    Parameters
    ----------
    frame : GeoDataFrame or PlotRecords
        Plot attributes (see :data:`landreg.model.INPUT_FIELDS`) and polygon
        geometries, in any declared CRS.  ``plot_id`` may be given to keep an id.
        A few plots (one edit) are checked as :class:`~landreg.plot_input.PlotRecords`
        without building a frame; the checks and messages are the same.
    repair : bool
        Repair invalid geometries with ``make_valid`` instead of rejecting them.
    extent : tuple
        Allowed extent (minx, miny, maxx, maxy) in EPSG:25832.
    overlap_lookup, existing_ids, existing_codes : callables, optional
        Supplied by the registry to check against what is already stored.
    context : str
        Names the input in error messages (e.g. the file name).
    overlap_tolerance_m2 : float
        Overlaps up to this area are tolerated (digitising slivers).

    Returns
    -------
    ValidatedPlots

    Raises
    ------
    CRSError
        When the frame has no CRS or one that cannot be transformed.
    ValidationError
        Listing every problem in every record; nothing may be written.
    """
    parts = list(
        validate_plot_chunks(
            frame,
            chunk_rows=max(1, len(frame)),
            repair=repair,
            extent=extent,
            overlap_lookup=overlap_lookup,
            overlap_tolerance_m2=overlap_tolerance_m2,
            existing_ids=existing_ids,
            existing_codes=existing_codes,
            context=context,
        )
    )
    if not parts:
        return ValidatedPlots([], np.empty(0, dtype=object), np.empty(0), [])
    return parts[0]


def validate_plot_chunks(
    frame: gpd.GeoDataFrame | PlotRecords,
    *,
    chunk_rows: int = 25_000,
    repair: bool = False,
    extent: tuple[float, float, float, float] = REGION_EXTENT_25832,
    overlap_lookup: OverlapLookup | None = None,
    overlap_tolerance_m2: float = 1.0,
    existing_ids: Callable[[Sequence[str]], set[str]] | None = None,
    existing_codes: Callable[[Sequence[str]], set[str]] | None = None,
    context: str = "",
) -> Iterator[ValidatedPlots]:
    """Validate a batch as :func:`validate_plots` does, handing it on a chunk of records at a time.

    The checks that need the whole batch (geometries, CRS and extent, unique codes and ids,
    overlaps in the batch and with stored plots) run first, with the whole batch's arrays;
    then the attributes are checked ``chunk_rows`` records at a time, and each chunk is yielded
    as soon as it passed while nothing before it failed, so a caller can store it while the
    next one is checked.  After the first problem nothing more is yielded but every record is
    still checked; at the end :class:`ValidationError` lists every problem, in the order
    :func:`validate_plots` gives them.  A caller that stored chunks must therefore write them
    inside one transaction and roll it back when this raises.

    Parameters
    ----------
    frame : GeoDataFrame or PlotRecords
        As for :func:`validate_plots`.
    chunk_rows : int
        Records per yielded chunk.
    repair, extent, overlap_lookup, overlap_tolerance_m2, existing_ids, existing_codes, context
        As for :func:`validate_plots`.

    Yields
    ------
    ValidatedPlots
        The chunks in input order.

    Raises
    ------
    CRSError
        When the frame has no CRS or one that cannot be transformed (before any chunk).
    ValidationError
        After the last chunk, listing every problem in every record; nothing may be kept.
    """
    given = _given(frame, context=context)
    n = len(given.codes)
    if n == 0:  # nothing to store: nothing refused
        return
    labels = _Labels(given.codes)
    geometry_problems, attribute_problems, stored_problems = _ProblemList(), _ProblemList(), _ProblemList()
    stored = storage_geometries(
        given.geometries, given.crs, labels, geometry_problems, repair=repair, extent=extent, context=context
    )
    area_m2 = shapely.area(stored)
    plot_ids = [p if isinstance(p, str) else None for p in given.column("plot_id", 0, n)]
    _check_identifiers(
        given.codes, plot_ids, labels, stored_problems, existing_ids=existing_ids, existing_codes=existing_codes
    )
    _check_overlaps(
        stored, plot_ids, labels, stored_problems, overlap_lookup=overlap_lookup, tolerance_m2=overlap_tolerance_m2
    )
    clean = not (given.problems or geometry_problems or stored_problems)
    for start in range(0, n, chunk_rows):
        end = min(n, start + chunk_rows)
        values = {c: given.column(c, start, end) for c in given.columns}
        attributes = _check_attributes(values, start, end - start, labels, attribute_problems)
        if clean and not attribute_problems:
            yield ValidatedPlots(
                attributes=[a for a in attributes if a is not None],
                geometries=stored[start:end],
                area_m2=area_m2[start:end],
                plot_ids=plot_ids[start:end],
            )
    everything = given.problems.items + geometry_problems.items + attribute_problems.items + stored_problems.items
    if everything:
        raise ValidationError(everything, context=context)


@dataclass
class _Given:
    """A batch as given: codes, geometries and CRS, problems of its columns, and its values column by column."""

    codes: list[Any]
    geometries: np.ndarray
    crs: Any
    columns: list[str]
    problems: _ProblemList
    column: Callable[[str, int, int], list[Any]]


def _given(frame: gpd.GeoDataFrame | PlotRecords, *, context: str) -> _Given:
    """What validation reads from a frame or from records; the column checks done once for the whole input."""
    problems = _ProblemList()
    allowed = set(INPUT_FIELDS) | IGNORED_INPUT_COLUMNS | {"plot_id"}
    if isinstance(frame, PlotRecords):
        records = frame.records
        names = list(dict.fromkeys(k for rec in records for k in rec))
        _check_columns(names, allowed=allowed, problems=problems)
        geoms = np.empty(len(records), dtype=object)
        geoms[:] = list(frame.geometries)

        def from_records(name: str, start: int, end: int) -> list[Any]:
            return record_columns(records[start:end], [name])[name]

        columns = [c for c in names if c not in IGNORED_INPUT_COLUMNS and c in allowed]
        codes = [rec.get("code") for rec in records]
        return _Given(codes, geoms, crs_of(frame.crs), columns, problems, from_records)
    geom_col = _geometry_column(frame)
    _check_columns([c for c in frame.columns if c != geom_col], allowed=allowed, problems=problems)
    if geom_col is None:
        raise ValidationError(
            [Problem("all records", "geometry", "input has no geometry column", whole_input=True)], context=context
        )

    def from_frame(name: str, start: int, end: int) -> list[Any]:
        if name not in frame.columns:
            return [None] * (end - start)
        return column_values(name, frame[name].iloc[start:end])

    # An unknown column is reported once above, not again in every record.
    columns = [c for c in frame.columns if c != geom_col and c not in IGNORED_INPUT_COLUMNS and c in allowed]
    codes = frame["code"].tolist() if "code" in frame.columns else [None] * len(frame)
    return _Given(codes, np.asarray(frame.geometry.values, dtype=object), frame.crs, columns, problems, from_frame)


class _Labels:
    """How each record is named in messages (:func:`record_label`), made only for records that need one."""

    def __init__(self, codes: Sequence[Any]) -> None:
        self._codes = codes

    def __getitem__(self, index: int) -> str:
        return record_label(int(index), self._codes[index])

    def __len__(self) -> int:
        return len(self._codes)


def _check_columns(names: Sequence[Any], *, allowed: set[str], problems: _ProblemList) -> None:
    """Report every column that is neither a plot field nor the geometry, once for the whole input."""
    for col in names:
        if col not in allowed:
            problems.add(
                "all records",
                str(col),
                f"unknown column {col!r}; expected plot fields such as {sorted(INPUT_FIELDS)[:6]}…",
                whole_input=True,
            )


def _check_attributes(
    values: dict[str, list[Any]], offset: int, n: int, labels: _Labels, problems: _ProblemList
) -> list[PlotAttributes | None]:
    """Attributes of ``n`` records (the first is record ``offset``), one record at a time, every error kept.

    Returns the validated attributes (None for a refused record).
    """
    attributes: list[PlotAttributes | None] = []
    names = list(values)
    rows = zip(*values.values(), strict=True) if names else iter([()] * n)
    for i, row in enumerate(rows, start=offset):
        attributes.append(_record_attributes(dict(zip(names, row, strict=True)), i, labels, problems))
    return attributes


def _record_attributes(
    rec: dict[str, Any], index: int, labels: _Labels, problems: _ProblemList
) -> PlotAttributes | None:
    """Validate one record's normalised values; returns its attributes (None when refused)."""
    bad_json = False
    for key, value in rec.items():
        if isinstance(value, BadJSON):
            problems.add(labels[index], key, f"expected JSON (a list or object), got {value.text!r} ({value.error})")
            bad_json = True
    pid = rec.pop("plot_id", None)
    if pid is not None and not isinstance(pid, (str, BadJSON)):
        problems.add(labels[index], "plot_id", f"expected a string id, got {pid!r}")
    if bad_json:
        return None
    data = {k: v for k, v in rec.items() if v is not None}
    try:
        return PlotAttributes.model_validate(data)
    except pydantic.ValidationError as exc:
        label = labels[index]
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "record"
            value = err.get("input")
            shown = "" if isinstance(value, dict) else f" (got {value!r})"
            problems.add(label, field, f"{err['msg']}{shown}")
        return None


def _check_identifiers(
    codes: list[Any],
    plot_ids: list[str | None],
    labels: _Labels,
    problems: _ProblemList,
    *,
    existing_ids: Callable[[Sequence[str]], set[str]] | None,
    existing_codes: Callable[[Sequence[str]], set[str]] | None,
) -> None:
    """Uniqueness of codes and ids inside the batch and against the registry."""
    _check_unique(codes, labels, "code", problems)
    _check_unique(plot_ids, labels, "plot_id", problems)
    if existing_ids is not None:
        taken = existing_ids([p for p in plot_ids if p])
        for i, pid in enumerate(plot_ids):
            if pid in taken:
                problems.add(labels[i], "plot_id", f"id {pid!r} is already used in the registry; ids are never reused")
    if existing_codes is not None:
        taken_codes = existing_codes([c for c in codes if isinstance(c, str)])
        for i, code in enumerate(codes):
            if code in taken_codes:
                problems.add(labels[i], "code", f"code {code!r} is already used by a live plot")


def _check_overlaps(
    stored: np.ndarray,
    plot_ids: list[str | None],
    labels: _Labels,
    problems: _ProblemList,
    *,
    overlap_lookup: OverlapLookup | None,
    tolerance_m2: float,
) -> None:
    """Overlaps, within the batch and with live plots already stored."""
    check_overlaps_within(stored, labels, problems, tolerance_m2)
    if overlap_lookup is not None:
        for i, other, area in overlap_lookup(stored, plot_ids):
            if area > tolerance_m2:
                problems.add(labels[i], "geometry", f"overlaps live plot {other} by {area:.1f} m²")


def _geometry_column(frame: gpd.GeoDataFrame) -> str | None:
    """Name of the active geometry column, or None when the frame has none."""
    try:
        return frame.geometry.name
    except AttributeError:
        return None


def _check_unique(values: list[Any], labels: _Labels, field: str, problems: _ProblemList) -> None:
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if v in seen:
            problems.add(labels[i], field, f"duplicate {field} {v!r}; also in {labels[seen[v]]}")
        else:
            seen[v] = i
