"""Plot registries: the interface (small protocols by concern), the GeoPackage and the PostGIS backend."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from landreg.registry.base import (
    AnalysisSource,
    EditablePlotStore,
    EnrichedPlotStore,
    EnrichmentTables,
    EntityTables,
    FeatureSource,
    PlotEditor,
    PlotRegistry,
    PlotStore,
    PricedPlotStore,
    PriceRecords,
    Registry,
    SqlReader,
    TokenIssuer,
)
from landreg.registry.gpkg import GeoPackageRegistry
from landreg.registry.postgis import PostGISRegistry, is_database_url
from landreg.registry.query import PlotQuery
from landreg.registry.summary import RegistrySummary, summarize_registry


def open_registry(path: str | Path, *, create: bool = False, **options: Any) -> Registry:
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


def open_registry_from_settings(
    target: str | Path, *, create: bool = False, settings: LandregSettings | None = None
) -> Registry:
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
    Registry
        A :class:`GeoPackageRegistry` or a :class:`PostGISRegistry`.
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


if TYPE_CHECKING:  # mypy checks that both backends implement every protocol of the registry interface
    from landreg.settings import LandregSettings

    def _geopackage_is_a_registry(registry: GeoPackageRegistry) -> Registry:
        return registry

    def _postgis_is_a_registry(registry: PostGISRegistry) -> Registry:
        return registry


__all__ = [
    "AnalysisSource",
    "EditablePlotStore",
    "EnrichedPlotStore",
    "EnrichmentTables",
    "EntityTables",
    "FeatureSource",
    "GeoPackageRegistry",
    "PlotEditor",
    "PlotQuery",
    "PlotRegistry",
    "PlotStore",
    "PostGISRegistry",
    "PriceRecords",
    "PricedPlotStore",
    "Registry",
    "RegistrySummary",
    "SqlReader",
    "TokenIssuer",
    "open_registry",
    "open_registry_from_settings",
    "summarize_registry",
]
