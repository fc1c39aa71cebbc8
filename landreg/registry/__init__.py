"""Plot registries: the interface and the embedded GeoPackage backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from landreg.registry.base import PlotRegistry
from landreg.registry.gpkg import GeoPackageRegistry
from landreg.registry.postgis import PostGISRegistry, is_database_url
from landreg.registry.query import PlotQuery
from landreg.registry.summary import RegistrySummary, summarize_registry


def open_registry(path: str | Path, *, create: bool = False, **options: Any) -> Any:
    """Open the registry at ``path``: a ``.gpkg`` file, or a ``postgresql://`` database URL.

    With ``create``, a missing file is created; a database schema is brought up to date by the
    migrations (as ``landreg db upgrade`` does).

    Raises
    ------
    FileNotFoundError
        When the file is missing and ``create`` is false.
    RegistryFormatError
        When the file or schema is not a landreg registry (or a database schema of another version).
    RegistryUnavailableError
        When the database server cannot be reached.
    """
    if is_database_url(path):
        url = str(path)
        return PostGISRegistry.create(url, **options) if create else PostGISRegistry.open(url, **options)
    path = Path(path)
    if create and not path.exists():
        return GeoPackageRegistry.create(path, **options)
    return GeoPackageRegistry.open(path, **options)


def open_registry_from_settings(target: str | Path, *, create: bool = False, settings: Any = None) -> Any:
    """Open ``target`` (a ``.gpkg`` or a ``postgresql://`` URL) with the core settings' options.

    The one way the command line and the service open a registry: the busy timeout, journal mode
    and overlap tolerance of :class:`~landreg.settings.LandregSettings` apply to both.

    Parameters
    ----------
    target : str or Path
        The registry file or database URL.
    create : bool
        Create the file, or bring the database schema up to date, when needed.
    settings : LandregSettings, optional
        Defaults to the environment and ``.env`` (read now).

    Returns
    -------
    GeoPackageRegistry or PostGISRegistry
    """
    from landreg.settings import LandregSettings

    settings = settings or LandregSettings()
    return open_registry(
        target,
        create=create,
        busy_timeout_s=settings.busy_timeout_s,
        journal_mode=settings.journal_mode,
        overlap_tolerance_m2=settings.overlap_tolerance_m2,
    )


__all__ = [
    "GeoPackageRegistry",
    "PlotQuery",
    "PlotRegistry",
    "PostGISRegistry",
    "RegistrySummary",
    "open_registry",
    "open_registry_from_settings",
    "summarize_registry",
]
