"""Shared fixtures of the map tests: an enriched demonstration registry, its context, scores and a live service."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from landreg.registry import open_registry
from tests.api.conftest import LAYERS, ROOT, LiveServer, Service, _settings, built_registry  # noqa: F401  (fixture)

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def layers_dir() -> Path:
    return LAYERS


@pytest.fixture(scope="session")
def enriched_registry_path(built_registry, tmp_path_factory) -> Path:  # noqa: F811
    """The demonstration registry, enriched (road access, terrain, hazards); read-only for tests."""
    return built_registry


@pytest.fixture(scope="session")
def registry(enriched_registry_path):
    with open_registry(enriched_registry_path) as reg:
        yield reg


@pytest.fixture(scope="session")
def context(registry):
    from maps.sources import load_map_context

    return load_map_context(layers_dir=LAYERS, registry=registry)


@pytest.fixture(scope="session")
def scores(registry):
    from landreg.analysis import score_registry

    return score_registry(registry, profile="logistics", statuses=None)


@pytest.fixture(scope="session")
def map_api(enriched_registry_path, tmp_path_factory):
    """The service with maps in the test process, over a copy of the enriched registry."""
    path = tmp_path_factory.mktemp("mapapi") / "registry.gpkg"
    shutil.copy(enriched_registry_path, path)
    with Service(_settings(path)) as service:
        yield service


@pytest.fixture(scope="session")
def map_server(enriched_registry_path, tmp_path_factory):
    """The service with maps over a copy of the enriched registry, on 127.0.0.1 (for the browser)."""
    path = tmp_path_factory.mktemp("mapserve") / "registry.gpkg"
    shutil.copy(enriched_registry_path, path)
    with LiveServer(_settings(path)) as server:
        yield server


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``tests/artifacts`` (git-ignored): screenshots and sample maps."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
