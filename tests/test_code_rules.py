"""The project's ruff configuration enforces the complexity limit and numpydoc docstrings in the packages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).parent / "ruff"

_BRANCHES = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(15))
TANGLED = f'"""A module."""\n\n\ndef tangled(x: int) -> int:\n    """Pick."""\n{_BRANCHES}\n    return -1\n'
UNDOCUMENTED = '"""A module."""\n\n\ndef public(x: int) -> int:\n    return x\n'
HALF_DOCUMENTED = (
    '"""A module."""\n\n\ndef public(x: int, *, y: int) -> int:\n'
    '    """Add.\n\n    Parameters\n    ----------\n    x : int\n        First.\n    y : int\n    """\n'
    "    return x + y\n"
)


def _codes(source: str, filename: str) -> set[str]:
    out = subprocess.run(
        [str(RUFF), "check", "--output-format", "concise", "--stdin-filename", filename, "-"],
        input=source,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return {word.rstrip(":") for line in out.stdout.splitlines() for word in line.split()[1:2]}


def test_a_function_above_complexity_14_is_refused():
    assert "C901" in _codes(TANGLED, "landreg/probe.py")


def test_public_functions_need_docstrings_with_every_parameter_in_the_packages():
    for package in ("landreg", "api", "maps"):
        assert "D103" in _codes(UNDOCUMENTED, f"{package}/probe.py")
        assert "D417" in _codes(HALF_DOCUMENTED, f"{package}/probe.py")


def test_tests_and_benchmarks_need_no_docstrings():
    for folder in ("tests", "bench"):
        assert not _codes(UNDOCUMENTED, f"{folder}/probe.py") & {"D103", "D417"}
