"""Registries of real imported plots only, and of the demonstration plots plus imported real ones."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from tests.conftest import LAYERS
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


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def write_real_layers(target: Path) -> Path:
    """A layers folder whose ``layers.toml`` names only the real (``synthetic = false``) bundled layers."""
    doc = tomllib.loads((LAYERS / "layers.toml").read_text(encoding="utf-8"))
    lines = ["[manifest]"] + [f"{k} = {_toml_value(v)}" for k, v in doc["manifest"].items()]
    for layer in doc["layer"]:
        if layer["synthetic"]:
            continue
        layer = {**layer, "file": str((LAYERS / layer["file"]).resolve())}
        lines += ["", "[[layer]]"] + [f"{k} = {_toml_value(v)}" for k, v in layer.items()]
    target.mkdir(parents=True, exist_ok=True)
    (target / "layers.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@pytest.fixture
def real_layers_dir(tmp_path) -> Path:
    """Only the real bundled layers (Kartverket, OSM): no synthetic DEM or hazards."""
    return write_real_layers(tmp_path / "real-layers")


@pytest.fixture
def real_enriched_registry_file(real_registry_file, real_layers_dir) -> Path:
    """The real imported plots, enriched from the real layers only (``landreg enrich``)."""
    result = invoke("enrich", "--registry", real_registry_file, "--layers", real_layers_dir)
    assert result.exit_code == 0, result.output
    return real_registry_file
