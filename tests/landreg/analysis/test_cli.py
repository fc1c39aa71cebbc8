"""The analysis commands on the demo registry."""

from __future__ import annotations

import json

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from landreg.cli.analysis_cmd import ANALYSIS_COMMANDS
from landreg.testing import registry_data_digest

from .conftest import LAYERS


@pytest.fixture
def cli():
    group = click.Group("landreg")
    for cmd in ANALYSIS_COMMANDS:
        group.add_command(cmd)
    return group


def test_commands(cli, demo_registry, tmp_path):
    path = str(demo_registry.path)
    demo_registry.close()
    digest = registry_data_digest(demo_registry.path)
    run = CliRunner().invoke
    out = tmp_path / "score.geojson"
    res = run(
        cli,
        [
            "score",
            "--registry",
            path,
            "--profile",
            "logistics",
            "--weights",
            "price=30",
            "--top",
            "3",
            "--sensitivity",
            "50",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "logistics+user" in res.output and json.loads(out.read_text())["type"] == "FeatureCollection"
    res = run(
        cli, ["clusters", "--registry", path, "--industry", "46.72", "--no-hotspots", "-o", str(tmp_path / "c.csv")]
    )
    assert res.exit_code == 0, res.output
    assert "largest_block_daa" in pd.read_csv(tmp_path / "c.csv").columns
    res = run(cli, ["supply", "--registry", path, "--uptake-daa-per-year", "100"])
    assert res.exit_code == 0 and "years effective" in res.output
    res = run(cli, ["scenario", "--registry", path, "--list"])
    assert "torgard-terminal-built" in res.output and "road:torgard_access" in res.output
    res = run(
        cli,
        [
            "scenario",
            "--registry",
            path,
            "--layers",
            str(LAYERS),
            "torgard-terminal-built",
            "-o",
            str(tmp_path / "s.json"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "s.json").read_text())["scenario"]["decision_outcomes"]
    res = run(cli, ["scenario", "--registry", path, "--layers", str(LAYERS), "road:nowhere"])
    assert res.exit_code == 1 and "no road project 'nowhere'" in res.output and "Error" not in res.output
    res = run(
        cli,
        [
            "search",
            "--registry",
            path,
            "--min-daa",
            "20",
            "--zoning",
            "industry",
            "--max-minutes",
            "port=25",
            "--profile",
            "manufacturing",
            "--relocating",
            "Norsk Stål",
            "-o",
            str(tmp_path / "s.csv"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "helped:" in res.output and len(pd.read_csv(tmp_path / "s.csv")) >= 3
    assert registry_data_digest(demo_registry.path) == digest


def test_analysis_tables_are_written_by_the_core_table_writer(cli, demo_registry, tmp_path):
    path = str(demo_registry.path)
    demo_registry.close()
    run = CliRunner().invoke
    args = ["clusters", "--registry", path, "--industry", "46.72", "--no-hotspots", "-o"]
    assert run(cli, [*args, str(tmp_path / "c.csv")]).exit_code == 0
    res = run(cli, [*args, str(tmp_path / "c.xlsx")])
    assert res.exit_code == 0, res.output
    csv, xlsx = pd.read_csv(tmp_path / "c.csv"), pd.read_excel(tmp_path / "c.xlsx")
    assert list(xlsx.columns) == list(csv.columns) and len(xlsx) == len(csv) > 0
    res = run(cli, [*args, str(tmp_path / "c.txt")])
    assert res.exit_code == 1 and "expected a .csv, .xlsx or .geojson file" in res.output
    assert not (tmp_path / "c.txt").exists()
