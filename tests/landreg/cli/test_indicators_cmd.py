"""``landreg indicators``: the figures to JSON and CSV, and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from landreg.cli import main
from tests.landreg.indicators.conftest import build_small_registry

LAYERS = Path(__file__).resolve().parents[3] / "layers"


def _registry(tmp_path: Path) -> Path:
    path = tmp_path / "small.gpkg"
    build_small_registry(path).close()
    return path


def test_writes_json_and_csv(tmp_path):
    path = _registry(tmp_path)
    runner = CliRunner()
    base = ["indicators", "--registry", str(path), "--layers", str(LAYERS)]
    result = runner.invoke(main, [*base, "-o", str(tmp_path / "out.json")])
    assert result.exit_code == 0, result.output
    assert "available_now_daa=64.6" in result.output
    payload = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    region = payload["scopes"][0]
    assert region["scope"] == "region"
    figure = next(f for f in region["figures"] if f["id"] == "available_now_daa")
    assert figure["value"] == 64.6 and figure["unit"] == "daa" and figure["definition"]["nb"]
    result = runner.invoke(
        main, [*base, "--municipality", "Melhus", "--as-of", "2020-01-01", "-o", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "o.csv")
    assert set(frame["key"]) == {"region"}  # nothing was recorded in 2020
    assert "nothing was recorded" in result.output


def test_bad_input_is_a_message_and_exit_code(tmp_path):
    path = _registry(tmp_path)
    runner = CliRunner()
    base = ["indicators", "--registry", str(path), "--layers", str(LAYERS)]
    for extra, expected in (
        (["--municipality", "Oslo"], "unknown municipality 'Oslo'"),
        (["--as-of", "last year"], "not an ISO 8601 date"),
        (["-o", str(tmp_path / "out.xlsx")], "expected a .json or .csv file"),
    ):
        result = runner.invoke(main, [*base, *extra])
        assert result.exit_code != 0
        assert expected in result.output
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
