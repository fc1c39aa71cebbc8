"""Fixtures of the planning tests: a copy of the enriched demo registry per test, and the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from landreg.cli import main

LAYERS = Path(__file__).resolve().parents[3] / "layers"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture(scope="session")
def demo_file(demo_registry_file) -> Path:
    """An enriched registry of the bundled dataset (read-only template)."""
    return demo_registry_file


@pytest.fixture
def demo_path(demo_file, tmp_path) -> Path:
    """A fresh copy of the demo registry (closed; open it or pass it to the CLI)."""
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture
def run():
    """Run ``landreg ARGS...`` in-process; returns the click result."""

    def _run(*args: object):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return _run
