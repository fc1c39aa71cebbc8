"""Applying an import mapping to a file's features, with a report of what was and was not understood."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.errors import Problem, ValidationError
from landreg.io.formats import FileFormat, detect_format
from landreg.io.mapping import (
    TEMPLATE_FIELD,
    UNITS_TO_NOK_M2,
    VOCABULARIES,
    ImportMapping,
    MappingError,
    load_mapping,
    normalise_name,
)
from landreg.io.mapping_report import MappingReport
from landreg.io.read import read_plots
from landreg.model.plot import INPUT_FIELDS

if TYPE_CHECKING:
    from landreg.registry.base import PlotEditor

_DATE_FIELDS = {"available_from", "last_verified"}
_PRICE_FIELDS = {"price_min_nok_m2", "price_max_nok_m2"}
_BOOL_FIELDS = {"requires_new_road", "connection_fees_included"}
#: dBase (Shapefile) column names are at most this long.
DBF_NAME_LIMIT = 10


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _match_columns(columns: list[str], mapping: ImportMapping, *, dbf_names: bool) -> dict[str, str]:
    """Source column -> the mapping key it matches (exactly, or as a name cut to 10 characters)."""
    keys = list(mapping.columns) + [k for k in mapping.units if k not in mapping.columns]
    wanted = set(keys) | {c for f in mapping.templates for c in mapping.template_columns(f)}
    matched: dict[str, str] = {}
    for col in columns:
        norm = normalise_name(col)
        if norm in wanted:
            matched[col] = norm
        elif dbf_names and len(str(col)) == DBF_NAME_LIMIT:
            candidates = sorted(k for k in wanted if k.startswith(norm))
            if len(candidates) > 1 and len({mapping.columns.get(k) for k in candidates}) > 1:
                raise MappingError(
                    f"column {col!r} (cut to {DBF_NAME_LIMIT} characters) could be any of {candidates}; "
                    "name the full column in the mapping's [columns] to say which"
                )
            if candidates:
                matched[col] = candidates[0]
    return matched


def _convert(field_name: str, value: Any, mapping: ImportMapping, unit: str | None) -> tuple[bool, Any]:
    """(understood, landreg value) for one source value."""
    table = mapping.values.get(field_name)
    if (table is not None or field_name in VOCABULARIES) and not isinstance(value, (dt.date, pd.Timestamp)):
        raw = value.item() if isinstance(value, np.generic) else value
        key = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else normalise_name(raw)
        if table is not None and key in table:
            value = table[key]
        elif field_name in VOCABULARIES:
            if key not in VOCABULARIES[field_name]:
                return False, value
            value = key
    if field_name in _BOOL_FIELDS:
        return True, str(value).lower() == "true"
    if field_name in _PRICE_FIELDS:
        return _number(value, unit)
    if field_name in _DATE_FIELDS:
        return _date(value)
    if field_name == "municipality_no":
        text = str(int(value)) if isinstance(value, (int, float)) else str(value).strip()
        return (text.isdigit() and len(text) <= 4), text.zfill(4) if text.isdigit() else text
    return True, value


def _number(value: Any, unit: str | None) -> tuple[bool, Any]:
    if isinstance(value, str):
        text = value.replace("\u00a0", "").replace(" ", "").replace(",", ".").lower()
        for suffix in ("kr/daa", "kr/m2", "kr/m²", "kr", "nok"):
            text = text.removesuffix(suffix)
        try:
            number = float(text)
        except ValueError:
            return False, value
    else:
        number = float(value)
    return True, round(number * UNITS_TO_NOK_M2[unit or "NOK/m2"], 4)


def _date(value: Any) -> tuple[bool, Any]:
    if isinstance(value, pd.Timestamp):
        return True, value.date()
    if isinstance(value, dt.datetime):
        return True, value.date()
    if isinstance(value, dt.date):
        return True, value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return True, dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return False, value


def apply_mapping(
    frame: gpd.GeoDataFrame, mapping: ImportMapping, *, source: str, dbf_names: bool = False
) -> tuple[gpd.GeoDataFrame, MappingReport]:
    """Rename and translate a file's columns and values to landreg plot fields.

    Parameters
    ----------
    frame : GeoDataFrame
        Features as read from the file (any declared CRS).
    mapping : ImportMapping
        The mapping (:func:`~landreg.io.mapping.load_mapping`).
    source : str
        The file name (for messages).
    dbf_names : bool
        The column names come from a dBase file (Shapefile) and may be cut to 10 characters.

    Returns
    -------
    (GeoDataFrame, MappingReport)
        Plot input columns and the geometry; the report lists values not understood.

    Raises
    ------
    MappingError
        When a column the mapping requires (or a template names) is not in the file.
    """
    geom_col = frame.geometry.name
    columns = [str(c) for c in frame.columns if c != geom_col]
    matched = _match_columns(columns, mapping, dbf_names=dbf_names)
    by_key = {key: col for col, key in matched.items()}
    missing = [k for k in mapping.required if k not in by_key]
    missing += [
        c
        for f in mapping.templates
        for c in mapping.template_columns(f)
        if c not in by_key and f not in _targets(mapping, by_key)
    ]
    if missing:
        raise MappingError(
            f"{source}: mapping {mapping.name!r} needs column(s) {sorted(set(missing))}, which the file does not "
            f"have; the file's columns are {columns}"
        )
    report = MappingReport(source=source, mapping=mapping.name, n_records=len(frame))
    out: dict[str, list[Any]] = {}
    not_understood: dict[str, Counter[str]] = {}
    used: set[str] = set()
    for key in mapping.columns:
        col = by_key.get(key)
        if col is None:
            continue
        fields = [f for f in mapping.columns[key] if f not in out]
        if not fields:
            continue  # an earlier column already fills these fields
        used.add(col)
        report.mapped[col] = tuple(fields)
        unit = mapping.units.get(key)
        for fname in fields:
            converted: list[Any] = []
            for value in frame[col].tolist():
                if _missing(value):
                    converted.append(None)
                    continue
                ok, new = _convert(fname, value, mapping, unit)
                if not ok:
                    not_understood.setdefault(f"{col} -> {fname}", Counter())[str(value)] += 1
                    new = None
                converted.append(new)
            out[fname] = converted
    for col in columns:  # columns already named as landreg fields are taken as they are
        if col in INPUT_FIELDS and col not in out and col not in used:
            out[col] = frame[col].tolist()
            used.add(col)
            report.mapped[col] = (col,)
    for fname, template in mapping.templates.items():
        cols = [by_key[c] for c in mapping.template_columns(fname) if c in by_key]
        if len(cols) != len(mapping.template_columns(fname)):
            continue
        used.update(cols)
        report.templates[fname] = template
        names = mapping.template_columns(fname)
        built = [
            _fill(template, dict(zip(names, values, strict=True)))
            for values in frame[cols].itertuples(index=False, name=None)
        ]
        current = out.get(fname, [None] * len(frame))
        out[fname] = [c if c is not None else b for c, b in zip(current, built, strict=True)]
    for fname, default in mapping.defaults.items():
        current = out.get(fname, [None] * len(frame))
        out[fname] = [default if c is None else c for c in current]
    report.unmapped = [c for c in columns if c not in used]
    report.not_understood = {k: dict(v) for k, v in not_understood.items()}
    mapped = gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=frame.crs, index=range(len(frame)))
    return mapped, report


def _targets(mapping: ImportMapping, by_key: dict[str, str]) -> set[str]:
    return {f for k, fields in mapping.columns.items() if k in by_key for f in fields}


def _fill(template: str, row: dict[str, Any]) -> str | None:
    """The template with each ``{column}`` replaced by the record's value (None when one is missing)."""
    if any(_missing(v) for v in row.values()):
        return None

    def shown(match: re.Match[str]) -> str:
        value = row[normalise_name(match.group(1))]
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()

    return TEMPLATE_FIELD.sub(shown, template)


def provenance_for(source: Path, mapping_name: str | None, *, day: dt.date) -> dict[str, dict[str, Any]]:
    """The plot provenance an import records: the file, the mapping, the date and the method."""
    from landreg.provenance import imported_provenance

    return imported_provenance(file=source.name, mapping=mapping_name, day=day)


def check_plots(registry: PlotEditor, frame: gpd.GeoDataFrame, *, repair: bool, context: str) -> list[Problem]:
    """Every problem an import of ``frame`` into ``registry`` would meet, without writing anything.

    The registry's own checks apply (overlaps with stored plots, codes in use).
    """
    try:
        registry.check_plots(frame, repair=repair, context=context)
    except ValidationError as exc:
        return exc.problems
    return []


def map_file(
    path: str | Path,
    *,
    mapping: str | Path | ImportMapping | None,
    fmt: str | None = None,
    layer: str | None = None,
    crs: Any = None,
    day: dt.date | None = None,
) -> tuple[gpd.GeoDataFrame, MappingReport]:
    """Read a file and map its columns and values to plot fields, with provenance; touches no registry.

    Parameters
    ----------
    path : str or Path
        Any format :func:`~landreg.io.read_plots` reads (Shapefile encodings honoured, see
        :mod:`landreg.io.encoding`).
    mapping : str, Path, ImportMapping or None
        A built-in mapping name, a TOML file, or None for a file already in landreg's columns.
    fmt : str, optional
        Format name; default from the suffix (see :func:`~landreg.io.read_plots`).
    layer : str, optional
        Layer of a GeoPackage.
    crs : optional
        CRS of the coordinates when the file declares none.
    day : date, optional
        Date recorded in the plots' provenance (default today).

    Returns
    -------
    (GeoDataFrame, MappingReport)

    Raises
    ------
    MappingError
        A mapping that is malformed or does not fit the file.
    """
    path = Path(path)
    loaded = mapping if isinstance(mapping, ImportMapping) or mapping is None else load_mapping(mapping)
    frame = read_plots(path, fmt=fmt, layer=layer, crs=crs)
    if loaded is None:
        columns = [str(c) for c in frame.columns if c != frame.geometry.name]
        report = MappingReport(source=path.name, mapping="(none)", n_records=len(frame))
        report.mapped = {c: (c,) for c in columns if c in INPUT_FIELDS}
        report.unmapped = [c for c in columns if c not in INPUT_FIELDS]
    else:
        dbf = detect_format(path, fmt) in (FileFormat.SHAPEFILE, FileFormat.SHAPEFILE_ZIP)
        frame, report = apply_mapping(frame, loaded, source=path.name, dbf_names=dbf)
    if "provenance" not in frame.columns:
        prov = provenance_for(path, None if loaded is None else loaded.name, day=day or dt.date.today())
        frame["provenance"] = [prov] * len(frame)
    return frame, report


def add_mapped(
    registry: PlotEditor,
    frame: gpd.GeoDataFrame,
    report: MappingReport,
    *,
    actor: str,
    dry_run: bool = False,
    repair: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Add plots mapped by :func:`map_file` to ``registry``, all or nothing (``dry_run``: only check).

    Returns
    -------
    list of str
        The ids of the added plots; empty on a dry run, whose problems go to ``report.problems``.

    Raises
    ------
    MappingError
        Values the mapping did not understand (with counts); nothing is written.
    ValidationError
        Records that fail validation; nothing is written.
    """
    if dry_run:
        report.problems = check_plots(registry, frame, repair=repair, context=report.source)
        return []
    if report.not_understood:
        raise MappingError(
            f"{report.source}: mapping {report.mapping!r} does not understand some values; nothing was written:\n"
            + "\n".join(report.not_understood_text())
            + "\nadd them to the mapping's [values.<field>] table, or correct the file"
        )
    return list(registry.add_plots(frame, actor=actor, repair=repair, progress=progress, context=report.source))


def import_with_mapping(
    registry: PlotEditor,
    path: str | Path,
    *,
    mapping: str | Path | ImportMapping | None,
    actor: str,
    dry_run: bool = False,
    fmt: str | None = None,
    layer: str | None = None,
    crs: Any = None,
    repair: bool = False,
    progress: Callable[[int], None] | None = None,
    day: dt.date | None = None,
) -> tuple[list[str], MappingReport]:
    """Read a file, map its columns and values, and add its plots to ``registry``, all or nothing.

    :func:`map_file` then :func:`add_mapped`; see them for the parameters.

    Returns
    -------
    (list of str, MappingReport)
        The ids of the added plots (empty on a dry run) and the report.
    """
    frame, report = map_file(path, mapping=mapping, fmt=fmt, layer=layer, crs=crs, day=day)
    ids = add_mapped(registry, frame, report, actor=actor, dry_run=dry_run, repair=repair, progress=progress)
    return ids, report
