"""Exports that stream: the registry read a page at a time (keyset paging), each page written and let go.

Memory stays that of a page however many plots are exported, for GeoJSON (a FeatureCollection
written feature by feature), GeoJSON text sequences (RFC 8142: one feature per record),
GeoPackage (the first page creates the layer, the others are appended) and CSV.  The file is
written beside the target and moved into place when complete, so a failed export leaves no
half-written file.  Shapefile and GeoParquet are written from all plots at once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import geopandas as gpd
import pandas as pd
import pyogrio
from pyproj import CRS

from landreg.crs import STORAGE_CRS, WEB_CRS, parse_crs
from landreg.io.formats import FileFormat, detect_format
from landreg.io.geojson import frame_to_feature_collection

if TYPE_CHECKING:
    from landreg.registry.base import PlotStore

#: Plots read and written per page.
DEFAULT_PAGE_PLOTS = 5_000
#: The RFC 8142 record separator that starts each GeoJSON text in a ``.geojsons`` sequence.
RECORD_SEPARATOR = "\x1e"
#: Formats :func:`stream_plots` writes a page at a time.
STREAMED_FORMATS = (FileFormat.GEOJSON, FileFormat.GEOJSONSEQ, FileFormat.GPKG, FileFormat.CSV)


def iter_plot_pages(
    registry: PlotStore, query: Any = None, *, page_plots: int = DEFAULT_PAGE_PLOTS
) -> Iterator[gpd.GeoDataFrame]:
    """The plots matching ``query`` in pages of at most ``page_plots`` (EPSG:25832), read by page key.

    Each page is read with ``after_fid`` set to the key of the page before it, so no page
    repeats or skips a plot and the database never counts past the rows it returns.  At least
    one page is yielded (empty when nothing matches), so a writer always learns the columns.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        An open registry (only read).
    query : PlotQuery, optional
        The plots to read (all live plots when None); its ``limit`` and ``offset`` apply to the whole.
    page_plots : int
        Plots per page.

    Yields
    ------
    GeoDataFrame
        The columns of :meth:`query_plots`, in the order of the row ids.
    """
    from landreg.registry.query import PlotQuery

    query = query if query is not None else PlotQuery()
    remaining = query.limit
    after, offset, first = query.after_fid, query.offset, True
    while True:
        size = page_plots if remaining is None else min(page_plots, remaining)
        page = registry.query_records(replace(query, limit=size, offset=offset, after_fid=after))
        frame = _page_frame(page.records, page.geometries)
        if len(frame) or first:
            yield frame
        first = False
        if remaining is not None:
            remaining -= len(frame)
        if page.next_after_fid is None or not len(frame) or (remaining is not None and remaining <= 0):
            return
        after, offset = page.next_after_fid, 0


def _page_frame(records: list[dict[str, Any]], geometries: Any) -> gpd.GeoDataFrame:
    """A page's records as the frame :meth:`query_plots` gives (same columns and dtypes)."""
    from landreg.registry.codec import NUMERIC_FIELDS
    from landreg.registry.reads import COLS

    data = {}
    for name in COLS:
        values = [r.get(name) for r in records]
        if name in NUMERIC_FIELDS:
            data[name] = pd.Series(values, dtype="int64" if name == "version" else "float64")
        else:
            data[name] = pd.Series(values, dtype=object)
    frame = pd.DataFrame(data, columns=list(COLS))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(list(geometries), crs=STORAGE_CRS), crs=STORAGE_CRS)


def stream_plots(
    pages: Iterator[gpd.GeoDataFrame],
    path: str | Path,
    *,
    fmt: str | None = None,
    crs: Any = None,
    layer: str = "plots",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write pages of plots to ``path`` one at a time (GeoJSON, GeoJSON sequence, GeoPackage or CSV).

    The output equals :func:`landreg.io.write.write_plots` of all the pages joined.

    Parameters
    ----------
    pages : iterator of GeoDataFrame
        Plot frames with a CRS (e.g. :func:`iter_plot_pages`).
    path : str or Path
        The file; its suffix gives the format unless ``fmt`` is given.
    fmt : str, optional
        ``geojson``, ``geojsonseq``, ``gpkg`` or ``csv``.
    crs : optional
        Output CRS; default CRS84 for GeoJSON and GeoJSON sequences, EPSG:25832 for the others.
    layer : str
        Layer name in a GeoPackage.
    progress : callable, optional
        Called with the number of plots of each page written.

    Returns
    -------
    int
        Plots written.

    Raises
    ------
    UnsupportedFormatError
        For a format that is not streamed.
    """
    from landreg.errors import UnsupportedFormatError

    path = Path(path)
    kind = detect_format(path, fmt)
    if kind not in STREAMED_FORMATS:
        raise UnsupportedFormatError(
            f"{path.name}: {kind.value} is not written page by page; stream to one of "
            f"{', '.join(f.value for f in STREAMED_FORMATS)}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")  # the suffix kept: GDAL checks it
    partial.unlink(missing_ok=True)
    try:
        if kind is FileFormat.GPKG:
            n = _write_gpkg(pages, partial, crs=crs, layer=layer, progress=progress)
        else:
            with partial.open("w", encoding="utf-8", newline="") as out:
                writer = {FileFormat.GEOJSON: _write_geojson, FileFormat.GEOJSONSEQ: _write_geojson_seq}.get(kind)
                if writer is not None:
                    n = writer(pages, out, crs=crs, separator=path.suffix.lower() == ".geojsons", progress=progress)
                else:
                    n = _write_csv(pages, out, crs=crs, prj=path.with_suffix(".prj"), progress=progress)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return n


def _prepared(page: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, Any]:
    from landreg.io.write import _with_synthetic

    return _with_synthetic(page)


def _features(page: gpd.GeoDataFrame, target: CRS) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = frame_to_feature_collection(page.to_crs(target))["features"]
    return features


def _web_target(crs: Any) -> CRS:
    return WEB_CRS if crs is None else parse_crs(crs)


def _write_geojson(pages: Iterator[gpd.GeoDataFrame], out: TextIO, *, crs: Any, separator: bool, progress: Any) -> int:
    """A FeatureCollection written feature by feature (the text of ``json.dumps`` of the whole)."""
    target = _web_target(crs)
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for page in pages:
        prepared, _ = _prepared(page)
        for feature in _features(prepared, target):
            out.write((", " if n else "") + json.dumps(feature, ensure_ascii=False))
            n += 1
        if progress is not None:
            progress(len(page))
    out.write("]")
    if not target.equals(WEB_CRS) and not target.equals(CRS.from_epsg(4326)):
        out.write(', "crs": ' + json.dumps({"type": "name", "properties": {"name": target.to_string()}}))
    out.write("}")
    return n


def _write_geojson_seq(
    pages: Iterator[gpd.GeoDataFrame], out: TextIO, *, crs: Any, separator: bool, progress: Any
) -> int:
    """One GeoJSON Feature per line; with ``separator`` each starts with RS (RFC 8142 ``.geojsons``)."""
    target = _web_target(crs)
    lead = RECORD_SEPARATOR if separator else ""
    n = 0
    for page in pages:
        prepared, _ = _prepared(page)
        for feature in _features(prepared, target):
            out.write(lead + json.dumps(feature, ensure_ascii=False) + "\n")
            n += 1
        if progress is not None:
            progress(len(page))
    return n


def _write_csv(pages: Iterator[gpd.GeoDataFrame], out: TextIO, *, crs: Any, prj: Path, progress: Any) -> int:
    from landreg.io.write import _flatten

    target = STORAGE_CRS if crs is None else parse_crs(crs)
    n = 0
    for page in pages:
        prepared, _ = _prepared(page)
        flat = _flatten(prepared.to_crs(target))
        table = pd.DataFrame(flat.drop(columns=flat.geometry.name))
        table.insert(0, "wkt", flat.geometry.to_wkt())
        table.to_csv(out, index=False, header=n == 0)
        n += len(page)
        if progress is not None:
            progress(len(page))
    prj.write_text(target.to_wkt(), encoding="utf-8")
    return n


def _write_gpkg(pages: Iterator[gpd.GeoDataFrame], path: Path, *, crs: Any, layer: str, progress: Any) -> int:
    """The first page creates the layer, later ones are appended; the last carries the synthetic notice."""
    from landreg.io.write import _flatten, gpkg_synthetic_metadata

    target = STORAGE_CRS if crs is None else parse_crs(crs)
    held: gpd.GeoDataFrame | None = None  # one page is held back: the last one is written with the metadata
    summaries: list[Any] = []
    n, created = 0, False

    def write(frame: gpd.GeoDataFrame, meta: dict[str, str] | None) -> None:
        nonlocal created
        options: dict[str, Any] = {"append": True} if created else {"dataset_options": {"VERSION": "1.3"}}
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", layer_metadata=meta, **options)
        created = True

    for page in pages:
        prepared, summary = _prepared(page)
        if summary is not None:
            summaries.append(summary)
        if held is not None:
            write(held, None)
        held = _flatten(prepared.to_crs(target))
        n += len(page)
        if progress is not None:
            progress(len(page))
    if held is not None:
        write(held, gpkg_synthetic_metadata(_merged(summaries)) if summaries else None)
    return n


def _merged(summaries: list[Any]) -> Any:
    """One synthetic summary of all pages (counts and sources added per group)."""
    from landreg.provenance.entries import FIELD_GROUPS
    from landreg.provenance.synthetic import SyntheticCount, SyntheticSummary

    totals: dict[str, SyntheticCount] = {}
    for summary in summaries:
        for c in summary.counts:
            if c.what in totals:
                t = totals[c.what]
                sources = dict(t.sources)
                for source, k in c.sources.items():
                    sources[source] = sources.get(source, 0) + k
                totals[c.what] = replace(
                    t,
                    n_synthetic=t.n_synthetic + c.n_synthetic,
                    n_total=t.n_total + c.n_total,
                    sources=dict(sorted(sources.items())),
                )
            else:
                totals[c.what] = c
    rank = {name: i for i, name in enumerate(FIELD_GROUPS)}
    return SyntheticSummary(tuple(sorted(totals.values(), key=lambda c: rank.get(c.what, len(rank)))))
