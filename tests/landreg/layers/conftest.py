"""Fixtures for the regional-layer tests: the bundled layers folder (read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

LAYERS_DIR = Path(__file__).resolve().parents[3] / "layers"
SOURCE_DIR = Path(__file__).resolve().parents[4] / "shared" / "data"  # shared/ beside the checkout


@pytest.fixture(scope="session")
def layers_dir() -> Path:
    return LAYERS_DIR


@pytest.fixture(scope="session")
def manifest(layers_dir):
    from landreg.layers import load_manifest

    return load_manifest(layers_dir)


@pytest.fixture(scope="session")
def municipalities(layers_dir):
    from landreg.layers import load_layer

    return load_layer("municipalities", layers_dir=layers_dir)


@pytest.fixture(scope="session")
def areas(layers_dir):
    from landreg.layers import load_layer

    return load_layer("business_areas", layers_dir=layers_dir)


@pytest.fixture(scope="session")
def plots(layers_dir):
    from landreg.layers import load_layer

    return load_layer("demo_plots", layers_dir=layers_dir)


@pytest.fixture
def broken_manifest(tmp_path, layers_dir):
    """A copy of layers.toml in tmp_path whose files point back at the bundled layers (absolute)."""

    def make(replace: tuple[str, str] | None = None) -> Path:
        text = (layers_dir / "layers.toml").read_text(encoding="utf-8")
        text = text.replace('file = "', f'file = "{layers_dir.as_posix()}/')
        if replace is not None:
            old, new = replace
            assert old in text, old
            text = text.replace(old, new, 1)
        (tmp_path / "layers.toml").write_text(text, encoding="utf-8")
        return tmp_path

    return make
