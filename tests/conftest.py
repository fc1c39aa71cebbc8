"""Shared fixtures: a fresh GeoPackage registry in tmp_path and small plot frames."""

from __future__ import annotations

import pytest

from landreg.registry import open_registry
from landreg.testing import make_plot_frame


@pytest.fixture
def registry_path(tmp_path):
    return tmp_path / "registry.gpkg"


@pytest.fixture
def registry(registry_path):
    reg = open_registry(registry_path, create=True)
    yield reg
    reg.close()


@pytest.fixture
def plots():
    """Nine synthetic plots on a 100 m grid in Trondheim (EPSG:25832)."""
    return make_plot_frame(9, seed=1)


@pytest.fixture
def loaded(registry, plots):
    """The registry with the nine plots added; returns (registry, ids)."""
    ids = registry.add_plots(plots, actor="fixture")
    return registry, ids
