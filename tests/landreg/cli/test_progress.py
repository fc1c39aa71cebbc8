"""Progress of long commands goes to stderr (``--progress``: always, ``--quiet`` or no terminal: never), not stdout."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from landreg.cli import main
from landreg.io import write_plots
from landreg.testing import make_plot_frame


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("command", "label", "unit"),
    [(["enrich", "--force"], "enrich:", "plots"), (["score", "--status", "all"], "score:", "steps")],
)
def test_progress_is_on_stderr_and_stdout_is_the_same_without_it(demo_registry_file, tmp_path, command, label, unit):
    registry = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, registry)
    shown = _run(*command, "--registry", str(registry), "--progress")
    quiet = _run(*command, "--registry", str(registry), "--quiet")
    default = _run(*command, "--registry", str(registry))  # stderr is not a terminal here
    assert shown.exit_code == quiet.exit_code == default.exit_code == 0, shown.output
    assert label in shown.stderr and unit in shown.stderr
    assert label not in shown.stdout and "%|" not in shown.stdout
    assert shown.stdout == quiet.stdout == default.stdout
    assert quiet.stderr == default.stderr == ""


def test_an_import_that_ends_in_rejection_shows_its_progress_then_the_error(tmp_path):
    source = tmp_path / "plots.geojson"
    write_plots(make_plot_frame(30, seed=4), source)
    doc = json.loads(source.read_text(encoding="utf-8"))
    doc["features"][17]["properties"]["status"] = "for sale"
    source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = _run("import", str(source), "--registry", str(tmp_path / "r.gpkg"), "--progress")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "import:" in result.stderr and "/30" in result.stderr  # the bar, on stderr
    assert "error:" in result.stderr and "for sale" in result.stderr
    assert not (tmp_path / "r.gpkg").exists()
