"""Validation of plots before any write: geometry, CRS, extent, attributes, overlaps.

Every path that writes plots (add, update, split, merge, bulk import) goes
through :func:`validate_plots`.  It checks a whole batch and reports every
problem of every record at once; the registry writes nothing when it raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
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
    geometries_to_storage_crs,
    record_columns,
)

#: Columns accepted on input but not taken from it (computed or managed by the registry).
#: Columns the registry derives (area, versions, the export's ``synthetic`` column): ignored on input.
IGNORED_INPUT_COLUMNS = frozenset(
    {"area_m2", "area_daa", "version", "valid_to", "updated_at", "updated_by", "fid", "synthetic"}
)
_POLYGONAL = {"Polygon", "MultiPolygon"}
_POLYGON_TYPE_ID = 3  # shapely.get_type_id
_POLYGONAL_TYPE_IDS = (3, 6)  # Polygon, MultiPolygon
MIN_AREA_M2 = 1.0

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


def _check_geometry(geoms_in: np.ndarray, labels: _Labels, problems: _ProblemList, *, repair: bool) -> np.ndarray:
    """Geometry checks in the input CRS, the whole batch at once; returns 2-D, possibly repaired geometries.

    Only a record that fails a check is looked at on its own (to say why, or to repair it).
    """
    n = len(geoms_in)
    out = np.empty(n, dtype=object)
    if n == 0:
        return out
    given = ~shapely.is_missing(geoms_in)
    type_ids = shapely.get_type_id(geoms_in)
    polygonal = np.isin(type_ids, _POLYGONAL_TYPE_IDS)
    empty = np.zeros(n, dtype=bool)
    empty[polygonal] = shapely.is_empty(geoms_in[polygonal])
    finite = np.ones(n, dtype=bool)
    candidates = np.flatnonzero(polygonal & ~empty)
    coords, owner = shapely.get_coordinates(geoms_in[candidates], return_index=True)
    finite[candidates[np.unique(owner[~np.isfinite(coords).all(axis=1)])]] = False
    good = candidates[finite[candidates]]
    flat = shapely.force_2d(geoms_in[good])
    valid = shapely.is_valid(flat)
    out[good[valid]] = flat[valid]
    bad = np.ones(n, dtype=bool)
    bad[good[valid]] = False
    repaired = dict(zip(good[~valid].tolist(), flat[~valid].tolist(), strict=True))
    for i in np.flatnonzero(bad).tolist():
        label, geom = labels[i], geoms_in[i]
        if not given[i]:
            problems.add(label, "geometry", "geometry is missing; expected a Polygon or MultiPolygon")
        elif not polygonal[i]:
            problems.add(label, "geometry", f"expected a Polygon or MultiPolygon, got a {geom.geom_type}")
        elif empty[i]:
            problems.add(label, "geometry", "geometry is empty; expected a non-empty polygon")
        elif not finite[i]:
            problems.add(label, "geometry", "geometry has NaN or infinite coordinates")
        else:
            out[i] = _repaired(repaired[i], label, problems, repair=repair)
    return out


def _repaired(geom: Any, label: str, problems: _ProblemList, *, repair: bool) -> Any:
    """An invalid 2-D polygon made valid (with ``repair``), else None with the reason noted."""
    reason = shapely.is_valid_reason(geom)
    if not repair:
        problems.add(label, "geometry", f"invalid geometry: {reason} (input coordinates); fix it or import with repair")
        return None
    fixed = shapely.make_valid(geom)
    polys = [g for g in shapely.get_parts(fixed) if g.geom_type in _POLYGONAL and not g.is_empty]
    if not polys:
        problems.add(label, "geometry", f"invalid geometry ({reason}) could not be repaired to a polygon")
        return None
    return shapely.union_all(polys)


def _to_multipolygon(geoms: np.ndarray) -> np.ndarray:
    """Polygons as one-part MultiPolygons (the storage type); MultiPolygons and None as they are."""
    res = np.asarray(geoms, dtype=object).copy()
    polys = np.flatnonzero(shapely.get_type_id(res) == _POLYGON_TYPE_ID)
    if len(polys):
        res[polys] = shapely.multipolygons(res[polys], indices=np.arange(len(polys)))
    return res


def _check_overlaps_within(geoms: np.ndarray, labels: _Labels, problems: _ProblemList, tol_m2: float) -> None:
    ok = np.array([g is not None for g in geoms])
    idx = np.flatnonzero(ok)
    if len(idx) < 2:
        return
    tree = shapely.STRtree(geoms[idx])
    left, right = tree.query(geoms[idx], predicate="intersects")
    mask = left < right
    left, right = left[mask], right[mask]
    if not len(left):
        return
    inter = shapely.area(shapely.intersection(geoms[idx][left], geoms[idx][right]))
    for a, b, area in zip(left, right, inter, strict=True):
        if area > tol_m2:
            problems.add(labels[idx[b]], "geometry", f"overlaps {labels[idx[a]]} in the same batch by {area:.1f} m²")


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
    problems = _ProblemList()
    allowed = set(INPUT_FIELDS) | IGNORED_INPUT_COLUMNS | {"plot_id"}
    if isinstance(frame, PlotRecords):
        names = list(dict.fromkeys(k for rec in frame.records for k in rec))
        _check_columns(names, allowed=allowed, problems=problems)
        geoms_in = np.empty(len(frame), dtype=object)
        geoms_in[:] = list(frame.geometries)
        codes = [rec.get("code") for rec in frame.records]
        crs = crs_of(frame.crs)
        columns = [c for c in names if c not in IGNORED_INPUT_COLUMNS and c in allowed]
        values = record_columns(frame.records, columns)
    else:
        geom_col = _geometry_column(frame)
        _check_columns([c for c in frame.columns if c != geom_col], allowed=allowed, problems=problems)
        if geom_col is None:
            raise ValidationError(
                [Problem("all records", "geometry", "input has no geometry column", whole_input=True)],
                context=context,
            )
        codes = frame["code"].tolist() if "code" in frame.columns else [None] * len(frame)
        geoms_in = np.asarray(frame.geometry.values, dtype=object)
        crs = frame.crs
        # An unknown column is reported once above, not again in every record.
        columns = [c for c in frame.columns if c != geom_col and c not in IGNORED_INPUT_COLUMNS and c in allowed]
        values = {c: column_values(c, frame[c]) for c in columns}
    n = len(codes)
    labels = _Labels(codes)
    if n == 0:
        return ValidatedPlots([], np.empty(0, dtype=object), np.empty(0), [])

    stored = _storage_geometries(geoms_in, crs, labels, problems, repair=repair, extent=extent, context=context)
    attributes, plot_ids = _check_attributes(values, n, labels, problems)

    _check_identifiers(codes, plot_ids, labels, problems, existing_ids=existing_ids, existing_codes=existing_codes)
    _check_overlaps(
        stored, plot_ids, labels, problems, overlap_lookup=overlap_lookup, tolerance_m2=overlap_tolerance_m2
    )

    if problems:
        raise ValidationError(problems.items, context=context)
    return ValidatedPlots(
        attributes=[a for a in attributes if a is not None],
        geometries=stored,
        area_m2=shapely.area(stored),
        plot_ids=plot_ids,
    )


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


def _storage_geometries(
    geoms_in: np.ndarray,
    crs: Any,
    labels: _Labels,
    problems: _ProblemList,
    *,
    repair: bool,
    extent: tuple[float, float, float, float],
    context: str,
) -> np.ndarray:
    """Geometry checks in the input CRS, then transform to EPSG:25832 and check extent and size.

    Returns MultiPolygons in EPSG:25832, None where a record's geometry was refused.
    """
    checked = _check_geometry(geoms_in, labels, problems, repair=repair)
    stored = geometries_to_storage_crs(checked, crs, where=context or "input")
    minx, miny, maxx, maxy = extent
    bounds = shapely.bounds(stored)
    with np.errstate(invalid="ignore"):
        outside = (bounds[:, 0] < minx) | (bounds[:, 1] < miny) | (bounds[:, 2] > maxx) | (bounds[:, 3] > maxy)
        small = shapely.area(stored) < MIN_AREA_M2
    for i in np.flatnonzero(outside | small).tolist():
        g = stored[i]
        if outside[i]:
            bx0, by0, bx1, by1 = g.bounds
            problems.add(
                labels[i],
                "geometry",
                f"lies outside the region extent {extent} (EPSG:25832); its bounds are "
                f"({bx0:.0f}, {by0:.0f}, {bx1:.0f}, {by1:.0f}) — is the declared CRS ({crs.to_string()}) right?",
            )
        else:
            problems.add(labels[i], "geometry", f"area {g.area:.3f} m² is below the minimum {MIN_AREA_M2} m²")
        stored[i] = None
    return _to_multipolygon(stored)


def _check_attributes(
    values: dict[str, list[Any]], n: int, labels: _Labels, problems: _ProblemList
) -> tuple[list[PlotAttributes | None], list[str | None]]:
    """Attributes, one record at a time, every error kept.

    Returns the validated attributes (None for a refused record) and the ids given on input.
    """
    attributes: list[PlotAttributes | None] = []
    plot_ids: list[str | None] = []
    names = list(values)
    for i, row in enumerate(zip(*values.values(), strict=True) if names else ((),) * n):
        attrs, pid = _record_attributes(dict(zip(names, row, strict=True)), i, labels, problems)
        attributes.append(attrs)
        plot_ids.append(pid)
    return attributes, plot_ids


def _record_attributes(
    rec: dict[str, Any], index: int, labels: _Labels, problems: _ProblemList
) -> tuple[PlotAttributes | None, str | None]:
    """Validate one record's normalised values; returns its attributes (None when refused) and its given id."""
    bad_json = False
    for key, value in rec.items():
        if isinstance(value, BadJSON):
            problems.add(labels[index], key, f"expected JSON (a list or object), got {value.text!r} ({value.error})")
            bad_json = True
    pid = rec.pop("plot_id", None)
    if isinstance(pid, BadJSON):
        pid = None
    if pid is not None and not isinstance(pid, str):
        problems.add(labels[index], "plot_id", f"expected a string id, got {pid!r}")
        pid = None
    if bad_json:
        return None, pid
    data = {k: v for k, v in rec.items() if v is not None}
    try:
        return PlotAttributes.model_validate(data), pid
    except pydantic.ValidationError as exc:
        label = labels[index]
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "record"
            value = err.get("input")
            shown = "" if isinstance(value, dict) else f" (got {value!r})"
            problems.add(label, field, f"{err['msg']}{shown}")
        return None, pid


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
    _check_overlaps_within(stored, labels, problems, tolerance_m2)
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
