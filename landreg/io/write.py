"""Writing plot frames to exchange files."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
import pyogrio

from landreg.crs import STORAGE_CRS, parse_crs
from landreg.errors import Problem, UnsupportedFormatError, ValidationError
from landreg.io.formats import SHAPEFILE_NAMES, FileFormat, detect_format
from landreg.io.geojson import write_geojson

_DBF_TEXT_LIMIT = 254
_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def _flatten(frame: _Frame) -> _Frame:
    """Lists and dicts as JSON text, so every OGR format and CSV can hold them."""
    out = frame.copy()
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for col in out.columns:
        if col == geometry or out[col].dtype != object:
            continue
        if out[col].map(lambda v: isinstance(v, (list, dict))).any():
            out[col] = out[col].map(
                lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":")) if isinstance(v, (list, dict)) else v
            )
    return out


#: The derived column exports add: per plot, which of its values are synthetic (empty when none is).
SYNTHETIC_COLUMN = "synthetic"


def _with_synthetic(frame: _Frame, *, summary: bool = True) -> tuple[_Frame, Any]:
    """The frame with :data:`SYNTHETIC_COLUMN` (from each plot's provenance) and the frame's synthetic summary.

    A frame without ``provenance`` is returned as it is, with no summary (nor with ``summary=False``).
    """
    if "provenance" not in frame.columns:
        return frame, None
    from landreg.provenance import summarize_synthetic, synthetic_groups_of

    plain = pd.DataFrame(frame.drop(columns=frame.geometry.name) if isinstance(frame, gpd.GeoDataFrame) else frame)
    out = frame.copy()
    out[SYNTHETIC_COLUMN] = [", ".join(synthetic_groups_of(r)) or None for r in plain.to_dict(orient="records")]
    return out, summarize_synthetic(plain) if summary else None


def write_plots(
    frame: gpd.GeoDataFrame, path: str | Path, *, fmt: str | None = None, crs: Any = None, layer: str = "plots"
) -> Path:
    """Write plots to GeoJSON (or a GeoJSON sequence), GeoPackage, Shapefile (``.zip`` = zipped), CSV or GeoParquet.

    Plots with ``provenance`` get a ``synthetic`` column naming their synthetic values (e.g.
    ``"plots, prices"``; empty when none is); a GeoPackage layer also carries the notice in its
    metadata (``SYNTHETIC_NOTICE``, ``SYNTHETIC_NOTICE_NB``, ``SYNTHETIC_COUNTS``) when anything is
    synthetic (:mod:`landreg.provenance`).

    Parameters
    ----------
    frame : GeoDataFrame
        With a CRS (registry results are EPSG:25832).
    path : str or Path
        The file to write; its suffix gives the format unless ``fmt`` is given.
    fmt : str, optional
        Format name (see :class:`~landreg.io.formats.FileFormat`).
    crs : optional
        Output CRS; default CRS84 for GeoJSON and EPSG:25832 for the others.
    layer : str
        Layer name in a GeoPackage.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    kind = detect_format(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind is FileFormat.GEOJSONSEQ:
        from landreg.io.stream import stream_plots

        stream_plots(iter([frame]), path, fmt=kind.value, crs=crs)
        return path
    frame, summary = _with_synthetic(frame)
    if kind is FileFormat.GEOJSON:
        write_geojson(frame, path, crs=crs)
        return path
    target = STORAGE_CRS if crs is None else parse_crs(crs)
    out = _flatten(frame.to_crs(target))
    if kind is FileFormat.GPKG:
        meta = gpkg_synthetic_metadata(summary) if summary is not None else None
        pyogrio.write_dataframe(
            out, path, layer=layer, driver="GPKG", dataset_options={"VERSION": "1.3"}, layer_metadata=meta
        )
    elif kind is FileFormat.GEOPARQUET:
        out.to_parquet(path)
    elif kind is FileFormat.CSV:
        table = out.drop(columns=out.geometry.name)
        table.insert(0, "wkt", out.geometry.to_wkt())
        table.to_csv(path, index=False, encoding="utf-8")
        path.with_suffix(".prj").write_text(target.to_wkt(), encoding="utf-8")
    else:
        _write_shapefile(out, path, zipped=kind is FileFormat.SHAPEFILE_ZIP)
    return path


def gpkg_synthetic_metadata(summary: Any) -> dict[str, str] | None:
    """GeoPackage layer metadata of a synthetic summary (English and bokmål notice, counts); None when nothing is."""
    if not summary.any_synthetic:
        return None
    return {
        "SYNTHETIC_NOTICE": summary.text(),
        "SYNTHETIC_NOTICE_NB": summary.text("nb"),
        "SYNTHETIC_COUNTS": json.dumps(summary.to_dict()["counts"], ensure_ascii=False),
    }


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a result table as CSV, Excel or GeoJSON (by the file suffix).

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The table; a geometry column (any CRS, declared) is written only to GeoJSON.  Rows
        with ``provenance`` (plots) get a ``synthetic`` column naming their synthetic values.
    path : str or Path
        ``.csv`` (attributes only, lists and dicts as JSON text), ``.xlsx`` (attributes
        only) or ``.geojson`` (CRS84, nested values kept as JSON arrays and objects).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UnsupportedFormatError
        For another suffix, or ``.geojson`` for a table without geometries.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".geojson"):
        raise UnsupportedFormatError(f"cannot write a table to {path.name!r}: expected a .csv, .xlsx or .geojson file")
    if suffix == ".geojson" and not isinstance(frame, gpd.GeoDataFrame):
        raise UnsupportedFormatError(
            f"cannot write {path.name!r}: GeoJSON needs geometries and this table has none (use .csv)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame, _ = _with_synthetic(frame, summary=False)
    if suffix == ".geojson":
        write_geojson(frame, path)
        return path
    table = _flatten(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")))
    if suffix == ".csv":
        table.to_csv(path, index=False, encoding="utf-8")
    else:
        table.to_excel(path, index=False, engine="openpyxl")
    return path


def write_table_pages(pages: Iterable[pd.DataFrame], path: str | Path) -> Path:
    """Write a result table given a page of rows at a time as CSV, each page as it comes.

    The file equals :func:`write_table` of the pages joined (header once, the same columns and
    values), with one page in memory at a time.

    Parameters
    ----------
    pages : iterable of DataFrame or GeoDataFrame
        The table's rows in order, with the same columns in each page.
    path : str or Path
        A ``.csv`` file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UnsupportedFormatError
        For another suffix than ``.csv``.
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise UnsupportedFormatError(f"cannot write {path.name!r} a page at a time: expected a .csv file")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        for k, frame in enumerate(pages):
            frame, _ = _with_synthetic(frame, summary=False)
            table = _flatten(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")))
            table.to_csv(out, index=False, header=k == 0)
    return path


def _write_shapefile(frame: gpd.GeoDataFrame, path: Path, *, zipped: bool) -> None:
    renamed = frame.rename(columns=SHAPEFILE_NAMES)
    problems = []
    for col in renamed.columns:
        if col == renamed.geometry.name:
            continue
        if len(col) > 10:
            problems.append(Problem("all records", col, "name is longer than the 10 characters a Shapefile allows"))
        if renamed[col].dtype == object:
            for i, v in enumerate(renamed[col]):
                if isinstance(v, str) and len(v.encode("utf-8")) > _DBF_TEXT_LIMIT:
                    problems.append(
                        Problem(
                            f"row {i + 1}",
                            col,
                            f"text of {len(v)} characters does not fit a Shapefile "
                            f"field ({_DBF_TEXT_LIMIT} bytes); export to GeoPackage instead",
                        )
                    )
    if problems:
        raise ValidationError(problems, context=f"export to {path.name}")
    if not zipped:
        pyogrio.write_dataframe(renamed, path, driver="ESRI Shapefile", encoding="UTF-8")
        return
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / (path.stem + ".shp")
        pyogrio.write_dataframe(renamed, shp, driver="ESRI Shapefile", encoding="UTF-8")
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(Path(tmp).iterdir()):
                zf.write(f, f.name)
        shutil.move(partial, path)
