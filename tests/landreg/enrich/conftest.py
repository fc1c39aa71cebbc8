"""Fixtures of the enrichment tests: a registry with the derived-attributes store."""

from __future__ import annotations

import pytest

from landreg.registry import GeoPackageRegistry
from landreg.registry.derived import DerivedStore


def derived_registry_class() -> type:
    """GeoPackageRegistry with DerivedStore (mixed in here until it is one of its bases)."""
    if issubclass(GeoPackageRegistry, DerivedStore):
        return GeoPackageRegistry
    return type("GeoPackageRegistryWithDerived", (DerivedStore, GeoPackageRegistry), {})


@pytest.fixture
def derived_registry(tmp_path):
    reg = derived_registry_class().create(tmp_path / "registry.gpkg")
    yield reg
    reg.close()
