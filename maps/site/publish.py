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

from maps.assets import asset_path
from maps.site.data import SiteData, load_site_data
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
    registry: AnalysisSource, out_dir: Path, *, site_root: Path, as_of: dt.datetime | None
) -> tuple[tuple[str, str], ...]:
    """Write the open-data files (``landreg.indicators.opendata.write_open_data``) into ``out_dir``.

    Parameters
    ----------
    registry : PlotRegistry
        The registry the site shows.
    out_dir : Path
        Folder for the files (made when missing).
    site_root : Path
        The site's root, for the files' relative paths.
    as_of : datetime, optional
        The registry as recorded then.

    Returns
    -------
    tuple of (str, str)
        Each file's path relative to ``site_root`` and its format; empty when this landreg has no
        open-data writer.
    """
    try:
        opendata = importlib.import_module("landreg.indicators.opendata")
    except ModuleNotFoundError:
        return ()
    out_dir.mkdir(parents=True, exist_ok=True)
    opendata.write_open_data(registry, out_dir, as_of=as_of, lang="nb")
    files = sorted(p for p in out_dir.rglob("*") if p.is_file())
    return tuple(
        (p.relative_to(site_root).as_posix(), FORMATS.get(p.suffix.lower(), p.suffix.lstrip("."))) for p in files
    )


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
    open_data = write_open_data_files(registry, root / OPEN_DATA_DIR, site_root=root, as_of=as_of)
    data = replace(data, open_data=open_data)
    written = copy_assets(root)
    for rel, content in render_site(data).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written.append(target)
    written += [root / rel for rel, _ in open_data]
    pages = tuple(sorted(p.relative_to(root).as_posix() for p in written if p.suffix == ".html"))
    return PublishedSite(root, pages, len(written), sum(p.stat().st_size for p in written), data)
