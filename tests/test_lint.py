"""The code stays clean: ruff lint and format, and mypy on landreg, api and maps (what `make lint` runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGES = ["landreg", "api", "maps", "tests", "bench"]


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_lint():
    out = _run(str(BIN / "ruff"), "check", *PACKAGES)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format():
    out = _run(str(BIN / "ruff"), "format", "--check", *PACKAGES)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_on_the_core_the_service_and_the_maps():
    out = _run(str(BIN / "mypy"), "landreg", "api", "maps")
    assert out.returncode == 0, out.stdout + out.stderr
