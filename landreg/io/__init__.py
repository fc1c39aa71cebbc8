"""Import and export of plots: GeoJSON (and GeoJSON sequences), GeoPackage, Shapefile, CSV and GeoParquet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from landreg.io.formats import FileFormat, detect_format
from landreg.io.read import read_plots
from landreg.io.write import write_plots

if TYPE_CHECKING:
    from landreg.registry.base import PlotEditor, PlotStore


def import_plots(
    registry: PlotEditor,
    path: str | Path,
    *,
    actor: str,
    fmt: str | None = None,
    layer: str | None = None,
    crs: Any = None,
    repair: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Read a file and add its plots to ``registry``, all or nothing.

    Returns
    -------
    list of str
        Ids of the added plots.

    Raises
    ------
    ValidationError
        Listing every bad record (with its row, code and field); nothing is written.
    """
    frame = read_plots(path, fmt=fmt, layer=layer, crs=crs)
    return registry.add_plots(frame, actor=actor, repair=repair, progress=progress, context=Path(path).name)


def export_plots(
    registry: PlotStore,
    path: str | Path,
    *,
    query: Any = None,
    fmt: str | None = None,
    crs: Any = None,
    progress: Callable[[int], None] | None = None,
    page_plots: int | None = None,
    **criteria: Any,
) -> int:
    """Write the plots matching ``query`` (or keyword criteria) to ``path``; returns how many.

    GeoJSON, GeoJSON sequences (``.geojsonl``, ``.geojsons``), GeoPackage and CSV are streamed:
    the registry is read a page at a time and each page written before the next is read
    (:mod:`landreg.io.stream`), so memory stays that of a page.  Shapefile and GeoParquet are
    written from all matching plots at once.  ``progress`` is called with the plots of each page.
    """
    from landreg.io.stream import DEFAULT_PAGE_PLOTS, STREAMED_FORMATS, iter_plot_pages, stream_plots
    from landreg.registry.query import PlotQuery

    if detect_format(path, fmt) in STREAMED_FORMATS:
        query = query if query is not None else PlotQuery.build(**criteria)
        pages = iter_plot_pages(registry, query, page_plots=page_plots or DEFAULT_PAGE_PLOTS)
        return stream_plots(pages, path, fmt=fmt, crs=crs, progress=progress)
    frame = registry.query_plots(query, **criteria)
    write_plots(frame, path, fmt=fmt, crs=crs)
    if progress is not None:
        progress(len(frame))
    return len(frame)


__all__ = ["FileFormat", "detect_format", "export_plots", "import_plots", "read_plots", "write_plots"]
