"""``make notebooks`` installs JupyterLab (the optional extra, not the test extra) and starts it from the
project's environment on the registry and layers, as absolute paths (checked with ``make -n``, which
prints the commands without running them)."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_jupyterlab_is_an_optional_extra_not_a_test_dependency():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(req.startswith("jupyterlab") for req in extras["notebooks"])
    assert not any(req.startswith("jupyterlab") for req in extras["test"])


def test_make_notebooks_commands(tmp_path):
    registry = tmp_path / "registry.gpkg"
    venv = tmp_path / "venv"
    proc = subprocess.run(
        ["make", "-n", "-B", "notebooks", f"REGISTRY={registry}", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = proc.stdout
    assert f"{venv}/bin/python -m pip install --quiet -e '.[test,notebooks]'" in out
    assert f'LANDREG_REGISTRY="{registry}"' in out
    assert f'LANDREG_LAYERS_DIR="{ROOT / "layers"}"' in out
    assert f'{venv}/bin/jupyter lab --ServerApp.root_dir="{ROOT / "notebooks"}"' in out
    assert f'landreg init --registry "{registry}"' in out  # built when missing
