"""``landreg publish``: the indicator site as static files any web host (or ``file://``) can serve.

The pages of :func:`maps.site.render.render_site`, the assets they load (copied from
``maps/static``), the map data and the open-data files: nothing is fetched from elsewhere and
every link is relative.
"""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from landreg.i18n import LANGS
from landreg.indicators import IndicatorReport
from maps.assets import asset_path
from maps.site.data import OpenData, OpenDataEntry, SiteData, load_site_data
from maps.site.render import SITE_ASSETS, render_site

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource

#: Where the open-data files go, relative to the site's root.
OPEN_DATA_DIR = "data/open"
#: Format names by file suffix.
FORMATS: dict[str, str] = {
    ".csv": "CSV",
    ".xlsx": "XLSX (Excel)",
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".jsonld": "DCAT-AP-NO (JSON-LD)",
    ".json": "JSON",
}


@dataclass(frozen=True)
class PublishedSite:
    """What :func:`publish_site` wrote.

    Attributes
    ----------
    out_dir : Path
        The site's root folder.
    pages : tuple of str
        The HTML pages, relative to ``out_dir``.
    files : int
        All files written (pages, assets, data).
    size_bytes : int
        Their total size.
    data : SiteData
        What the pages show.
    """

    out_dir: Path
    pages: tuple[str, ...]
    files: int
    size_bytes: int
    data: SiteData


def write_open_data_files(
    registry: AnalysisSource,
    site_root: Path,
    *,
    layers_dir: str | Path,
    as_of: dt.datetime | None,
    report: IndicatorReport,
) -> dict[str, OpenData]:
    """Write the open-data files and their catalogue in bokmål and English under ``data/open/<lang>/``.

    The files are :func:`landreg.indicators.opendata.write_open_data`'s, written from the same
    figures the pages show (``report``).

    Parameters
    ----------
    registry : PlotRegistry
        The registry the site shows.
    site_root : Path
        The site's root folder.
    layers_dir : str or Path
        Folder with ``layers.toml`` (licences, sources).
    as_of : datetime, optional
        The registry as recorded then (None: now).
    report : IndicatorReport
        The figures of the pages.

    Returns
    -------
    dict
        Language -> :class:`~maps.site.data.OpenData`; empty when this landreg has no open-data writer.
    """
    try:
        opendata = importlib.import_module("landreg.indicators.opendata")
        licences = importlib.import_module("landreg.indicators.catalogue").LICENCES
    except ModuleNotFoundError:
        return {}
    out: dict[str, OpenData] = {}
    for lang in LANGS:
        folder = site_root / OPEN_DATA_DIR / lang
        catalogue = opendata.write_open_data(
            registry, folder, as_of=as_of, lang=lang, layers_dir=layers_dir, report=report
        )
        entries = []
        for dataset in catalogue.datasets:
            files = tuple(
                (
                    Path(f).relative_to(site_root).as_posix(),
                    FORMATS.get(Path(f).suffix.lower(), Path(f).suffix.lstrip(".")),
                    Path(f).stat().st_size,
                )
                for f in dataset.files
            )
            licence = licences.get(dataset.licence, (None, dataset.licence))[1]
            entries.append(
                OpenDataEntry(dataset.title[lang], dataset.description[lang], licence, dataset.synthetic_share, files)
            )
        out[lang] = OpenData(Path(catalogue.path).relative_to(site_root).as_posix(), tuple(entries))
    return out


def open_data_paths(open_data: dict[str, OpenData]) -> list[str]:
    """Every open-data file and catalogue, relative to the site's root."""
    paths = []
    for od in open_data.values():
        paths.append(od.catalogue)
        paths += [f[0] for entry in od.entries for f in entry.files]
    return paths


def copy_assets(out_dir: Path) -> list[Path]:
    """Copy the files of :data:`~maps.site.render.SITE_ASSETS` to ``out_dir/assets/``."""
    written = []
    for name in SITE_ASSETS:
        target = out_dir / "assets" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(asset_path(name), target)
        written.append(target)
    return written


def publish_site(
    registry: AnalysisSource, out_dir: str | Path, *, layers_dir: str | Path, as_of: dt.datetime | None = None
) -> PublishedSite:
    """Write the indicator site into ``out_dir``: pages in bokmål and English, assets, map and open data.

    Parameters
    ----------
    registry : PlotRegistry
        An open, enriched registry (only read).
    out_dir : str or Path
        The site's root folder (made when missing; files of an earlier site are replaced).
    layers_dir : str or Path
        Folder with ``layers.toml``.
    as_of : datetime, optional
        Publish the registry as recorded at this time (UTC when naive); default now.

    Returns
    -------
    PublishedSite

    Raises
    ------
    NotEnrichedError
        When the registry was never enriched.
    """
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    data = load_site_data(registry, layers_dir=layers_dir, as_of=as_of)
    open_data = write_open_data_files(registry, root, layers_dir=layers_dir, as_of=as_of, report=data.report)
    data = replace(data, open_data=open_data)
    written = copy_assets(root)
    for rel, content in render_site(data).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written.append(target)
    written += [root / rel for rel in open_data_paths(open_data)]
    pages = tuple(sorted(p.relative_to(root).as_posix() for p in written if p.suffix == ".html"))
    return PublishedSite(root, pages, len(written), sum(p.stat().st_size for p in written), data)
