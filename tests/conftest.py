"""Shared fixtures: the demonstration registry (built once), a fresh registry in tmp_path, small plot frames."""

from __future__ import annotations

from pathlib import Path

import pytest

from landreg.layers.build import create_registry_from_layers
from landreg.registry import open_registry
from landreg.testing import make_plot_frame
from tests.postgis_server import postgis_server, postgis_url  # noqa: F401  (fixtures for every folder)

LAYERS = Path(__file__).resolve().parents[1] / "layers"


@pytest.fixture(scope="session")
def demo_registry_file(tmp_path_factory) -> Path:
    """The registry ``landreg init`` builds from the bundled layers (enriched), built once per session.

    Shared by every test folder; read-only: a test copies it before it changes it.
    """
    return create_registry_from_layers(tmp_path_factory.mktemp("demo") / "demo.gpkg", layers_dir=LAYERS).path


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
