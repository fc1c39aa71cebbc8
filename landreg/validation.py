"""Validation of plots before any write: geometry, CRS, extent, attributes, overlaps.

Every path that writes plots (add, update, split, merge, bulk import) goes
through :func:`validate_plots`.  It checks a whole batch and reports every
problem of every record at once; the registry writes nothing when it raises.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pydantic
import shapely

from landreg.crs import REGION_EXTENT_25832, to_storage_crs
from landreg.errors import Problem, ValidationError, _ProblemList
from landreg.model.plot import INPUT_FIELDS, JSON_FIELDS, PlotAttributes

#: Columns accepted on input but not taken from it (computed or managed by the registry).
#: Columns the registry derives (area, versions, the export's ``synthetic`` column): ignored on input.
IGNORED_INPUT_COLUMNS = frozenset(
    {"area_m2", "area_daa", "version", "valid_to", "updated_at", "updated_by", "fid", "synthetic"}
)
_ID_LIKE = ("code", "municipality_no", "plan_id", "business_area_id", "decision_id", "plot_id")
_POLYGONAL = {"Polygon", "MultiPolygon"}
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


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _normalise_value(name: str, value: Any) -> Any:
    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if name in _ID_LIKE and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if name in JSON_FIELDS and isinstance(value, str):
        value = json.loads(value)  # a JSONDecodeError is reported by the caller
    if name in JSON_FIELDS and isinstance(value, np.ndarray):
        value = value.tolist()
    return value


def record_label(index: int, code: Any) -> str:
    """How a record is named in error messages: its row (1 = the first record) and code."""
    if isinstance(code, str) and code:
        return f"row {index + 1} ({code})"
    return f"row {index + 1}"


def _check_geometry(geoms_in: np.ndarray, labels: list[str], problems: _ProblemList, *, repair: bool) -> np.ndarray:
    """Per-row geometry checks in the input CRS; returns 2-D, possibly repaired geometries."""
    out = np.empty(len(geoms_in), dtype=object)
    for i, geom in enumerate(geoms_in):
        label = labels[i]
        if geom is None:
            problems.add(label, "geometry", "geometry is missing; expected a Polygon or MultiPolygon")
            continue
        if geom.geom_type not in _POLYGONAL:
            problems.add(label, "geometry", f"expected a Polygon or MultiPolygon, got a {geom.geom_type}")
            continue
        if geom.is_empty:
            problems.add(label, "geometry", "geometry is empty; expected a non-empty polygon")
            continue
        coords = shapely.get_coordinates(geom)
        if not np.isfinite(coords).all():
            problems.add(label, "geometry", "geometry has NaN or infinite coordinates")
            continue
        geom = shapely.force_2d(geom)
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            if not repair:
                problems.add(
                    label,
                    "geometry",
                    f"invalid geometry: {reason} (input coordinates); fix it or import with repair",
                )
                continue
            fixed = shapely.make_valid(geom)
            polys = [g for g in shapely.get_parts(fixed) if g.geom_type in _POLYGONAL and not g.is_empty]
            if not polys:
                problems.add(label, "geometry", f"invalid geometry ({reason}) could not be repaired to a polygon")
                continue
            geom = shapely.union_all(polys)
        out[i] = geom
    return out


def _to_multipolygon(geoms: np.ndarray) -> np.ndarray:
    res = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g is None:
            res[i] = None
        elif g.geom_type == "Polygon":
            res[i] = shapely.MultiPolygon([g])
        else:
            res[i] = g
    return res


def _check_overlaps_within(geoms: np.ndarray, labels: list[str], problems: _ProblemList, tol_m2: float) -> None:
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
    frame: gpd.GeoDataFrame,
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
    frame : GeoDataFrame
        Plot attributes (see :data:`landreg.model.INPUT_FIELDS`) and polygon
        geometries, in any declared CRS.  ``plot_id`` may be given to keep an id.
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
    n = len(frame)
    codes = frame["code"].tolist() if "code" in frame.columns else [None] * n
    labels = [record_label(i, c) for i, c in enumerate(codes)]

    geom_col = _geometry_column(frame)
    allowed = set(INPUT_FIELDS) | IGNORED_INPUT_COLUMNS | {"plot_id"}
    _check_columns(frame, geom_col=geom_col, allowed=allowed, problems=problems)
    if geom_col is None:
        raise ValidationError(
            [Problem("all records", "geometry", "input has no geometry column", whole_input=True)], context=context
        )
    if n == 0:
        return ValidatedPlots([], np.empty(0, dtype=object), np.empty(0), [])

    stored = _storage_geometries(frame, labels, problems, repair=repair, extent=extent, context=context)

    # An unknown column is reported once above, not again in every record.
    columns = [c for c in frame.columns if c != geom_col and c not in IGNORED_INPUT_COLUMNS and c in allowed]
    attributes, plot_ids = _check_attributes(frame, columns, labels, problems)

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


def _check_columns(frame: gpd.GeoDataFrame, *, geom_col: str | None, allowed: set[str], problems: _ProblemList) -> None:
    """Report every column that is neither a plot field nor the geometry, once for the whole input."""
    for col in frame.columns:
        if col != geom_col and col not in allowed:
            problems.add(
                "all records",
                str(col),
                f"unknown column {col!r}; expected plot fields such as {sorted(INPUT_FIELDS)[:6]}…",
                whole_input=True,
            )


def _storage_geometries(
    frame: gpd.GeoDataFrame,
    labels: list[str],
    problems: _ProblemList,
    *,
    repair: bool,
    extent: tuple[float, float, float, float],
    context: str,
) -> np.ndarray:
    """Geometry checks in the input CRS, then transform to EPSG:25832 and check extent and size.

    Returns MultiPolygons in EPSG:25832, None where a record's geometry was refused.
    """
    raw = np.asarray(frame.geometry.values, dtype=object)
    checked = _check_geometry(raw, labels, problems, repair=repair)
    in_crs = gpd.GeoDataFrame(geometry=gpd.GeoSeries(checked, crs=frame.crs))
    stored = np.asarray(to_storage_crs(in_crs, where=context or "input").geometry.values, dtype=object)
    minx, miny, maxx, maxy = extent
    for i, g in enumerate(stored):
        if g is None:
            continue
        bx0, by0, bx1, by1 = g.bounds
        if bx0 < minx or by0 < miny or bx1 > maxx or by1 > maxy:
            problems.add(
                labels[i],
                "geometry",
                f"lies outside the region extent {extent} (EPSG:25832); its bounds are "
                f"({bx0:.0f}, {by0:.0f}, {bx1:.0f}, {by1:.0f}) — is the declared CRS ({frame.crs.to_string()}) right?",
            )
            stored[i] = None
            continue
        if g.area < MIN_AREA_M2:
            problems.add(labels[i], "geometry", f"area {g.area:.3f} m² is below the minimum {MIN_AREA_M2} m²")
            stored[i] = None
    return _to_multipolygon(stored)


def _check_attributes(
    frame: gpd.GeoDataFrame, columns: list[str], labels: list[str], problems: _ProblemList
) -> tuple[list[PlotAttributes | None], list[str | None]]:
    """Attributes, one record at a time, every error kept.

    Returns the validated attributes (None for a refused record) and the ids given on input.
    """
    attributes: list[PlotAttributes | None] = []
    plot_ids: list[str | None] = []
    records = frame[columns].to_dict(orient="records") if columns else [{} for _ in range(len(frame))]
    for i, rec in enumerate(records):
        attrs, pid = _record_attributes(rec, labels[i], problems)
        attributes.append(attrs)
        plot_ids.append(pid)
    return attributes, plot_ids


def _record_attributes(
    rec: dict[str, Any], label: str, problems: _ProblemList
) -> tuple[PlotAttributes | None, str | None]:
    """Normalise and validate one record; returns its attributes (None when refused) and its given id."""
    data: dict[str, Any] = {}
    bad_json = False
    for key, value in rec.items():
        try:
            data[key] = _normalise_value(key, value)
        except (json.JSONDecodeError, TypeError) as exc:
            problems.add(label, key, f"expected JSON (a list or object), got {value!r} ({exc})")
            bad_json = True
    pid = data.pop("plot_id", None)
    if pid is not None and not isinstance(pid, str):
        problems.add(label, "plot_id", f"expected a string id, got {pid!r}")
        pid = None
    if bad_json:
        return None, pid
    data = {k: v for k, v in data.items() if v is not None}
    try:
        return PlotAttributes.model_validate(data), pid
    except pydantic.ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "record"
            value = err.get("input")
            shown = "" if isinstance(value, dict) else f" (got {value!r})"
            problems.add(label, field, f"{err['msg']}{shown}")
        return None, pid


def _check_identifiers(
    codes: list[Any],
    plot_ids: list[str | None],
    labels: list[str],
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
    labels: list[str],
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


def _check_unique(values: list[Any], labels: list[str], field: str, problems: _ProblemList) -> None:
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if v in seen:
            problems.add(labels[i], field, f"duplicate {field} {v!r}; also in {labels[seen[v]]}")
        else:
            seen[v] = i
