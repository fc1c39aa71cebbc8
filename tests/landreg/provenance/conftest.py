"""Registries of real imported plots only, and of the demonstration plots plus imported real ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.landreg.cli._invoke import invoke

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "kommune-tomter.csv"


def import_example(registry: Path) -> None:
    """``landreg import examples/kommune-tomter.csv --mapping kommune-no`` into ``registry``."""
    result = invoke("import", EXAMPLE, "--crs", "EPSG:25832", "--mapping", "kommune-no", "--registry", registry)
    assert result.exit_code == 0, result.output


@pytest.fixture
def real_registry_file(tmp_path) -> Path:
    """A registry built from the example municipal file alone (through ``landreg import --mapping``)."""
    path = tmp_path / "real.gpkg"
    import_example(path)
    return path


@pytest.fixture
def mixed_registry_file(tmp_path, demo_registry_file) -> Path:
    """A copy of the demonstration registry with the example's real plots imported."""
    path = tmp_path / "mixed.gpkg"
    shutil.copy(demo_registry_file, path)
    import_example(path)
    return path
