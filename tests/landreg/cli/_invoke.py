"""The ``landreg`` command line in the test process (click's ``CliRunner``), for tests of its options and messages.

``tests/landreg/cli/test_cli.py`` runs the installed entry point as a real subprocess; tests of what a
command accepts and says use :func:`invoke`, which runs the same ``main`` group without starting
Python again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from click.testing import CliRunner, Result

from landreg.cli import main


def invoke(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
    """Run ``landreg ARGS`` (in the folder ``cwd`` if given); the result has ``exit_code``, ``stdout`` and ``stderr``.

    An exception that escapes the command (which the real entry point would print as a
    traceback) fails the test here.
    """
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = CliRunner().invoke(main, [str(a) for a in args], env=env, prog_name="landreg")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result
