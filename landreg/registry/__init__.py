"""Plot registries: the interface and the embedded GeoPackage backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from landreg.registry.base import PlotRegistry
from landreg.registry.gpkg import GeoPackageRegistry
from landreg.registry.query import PlotQuery
from landreg.registry.summary import RegistrySummary, summarize_registry


def open_registry(path: str | Path, *, create: bool = False, **options: Any) -> GeoPackageRegistry:
    """Open the registry at ``path`` (a ``.gpkg``), creating it when ``create`` and it is missing.

    Raises
    ------
    FileNotFoundError
        When the file is missing and ``create`` is false.
    RegistryFormatError
        When the file is not a landreg registry.
    """
    path = Path(path)
    if create and not path.exists():
        return GeoPackageRegistry.create(path, **options)
    return GeoPackageRegistry.open(path, **options)


__all__ = ["GeoPackageRegistry", "PlotQuery", "PlotRegistry", "RegistrySummary", "open_registry", "summarize_registry"]
