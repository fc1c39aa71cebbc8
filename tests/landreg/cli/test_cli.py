"""The ``landreg`` command line: its commands in process (click's CliRunner), and the installed entry point as a
real subprocess where the process matters (registry from the environment, exit codes and messages on stderr)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from landreg import open_registry
from landreg.io import read_plots, write_plots
from landreg.testing import make_plot_frame
from tests.landreg.cli._invoke import invoke

LAYERS = Path(__file__).resolve().parents[3] / "layers"


def landreg(*args, env=None, cwd=None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "landreg.cli", *map(str, args)], capture_output=True, text=True, env=full_env, cwd=cwd
    )


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "in.geojson"
    write_plots(make_plot_frame(6, seed=9), path)
    return path


def test_import_query_show_history_end(tmp_path, source):
    reg = tmp_path / "r.gpkg"
    out = invoke("import", source, "--registry", reg, "--actor", "kari")
    assert out.exit_code == 0, out.stderr
    assert "imported 6 plots" in out.stdout
    out = invoke("query", "--registry", reg, "--min-daa", "0")
    assert out.exit_code == 0 and "T-000000" in out.stdout and "daa" in out.stdout
    out = invoke("query", "--registry", reg, "--json")
    fc = json.loads(out.stdout)
    assert len(fc["features"]) == 6
    out = invoke("show", "T-000001", "--registry", reg)
    assert out.exit_code == 0 and "area_daa" in out.stdout
    out = invoke("end", "T-000001", "--version", "1", "--reason", "built", "--registry", reg)
    assert out.exit_code == 0, out.stderr
    out = invoke("history", "T-000001", "--registry", reg)
    assert "v1" in out.stdout and "v2" in out.stdout and "end" in out.stdout and "kari" in out.stdout
    out = invoke("export", tmp_path / "out.gpkg", "--registry", reg, "--status", "available,reserved,sold,planned")
    assert out.exit_code == 0 and "exported 5 plots" in out.stdout


def test_registry_from_environment(tmp_path, source):
    env = {"LANDREG_REGISTRY": str(tmp_path / "env.gpkg")}
    assert landreg("import", source, env=env).returncode == 0
    with open_registry(tmp_path / "env.gpkg") as reg:
        assert reg.count_plots() == 6


def test_errors_are_clear_and_exit_non_zero(tmp_path, source):
    reg = tmp_path / "r.gpkg"
    landreg("import", source, "--registry", reg)
    out = landreg("end", "T-000001", "--version", "7", "--registry", reg)
    assert out.returncode == 1 and "version 1" in out.stderr and "reload the plot" in out.stderr
    out = landreg("show", "NOPE-1", "--registry", reg)
    assert out.returncode == 1 and "no plot with id or code 'NOPE-1'" in out.stderr and "landreg query" in out.stderr
    out = landreg("query", "--registry", reg, "--status", "gone")
    assert out.returncode == 1 and "unknown value 'gone'" in out.stderr
    out = landreg("query", "--registry", tmp_path / "missing.gpkg")
    assert out.returncode == 1 and "no registry at" in out.stderr


def test_bad_import_writes_nothing(tmp_path, source):
    reg = tmp_path / "r.gpkg"
    invoke("import", source, "--registry", reg)
    bad = make_plot_frame(3, prefix="BAD", origin=(570_000.0, 7_030_000.0))
    bad["status"] = ["available", "unknown", "sold"]
    bad["municipality_no"] = ["5001", "5001", "0000"]
    write_plots(bad, tmp_path / "bad.gpkg")
    out = invoke("import", tmp_path / "bad.gpkg", "--registry", reg)
    assert out.exit_code == 1
    assert "row 2 (BAD-000001): status" in out.stderr
    assert "row 3 (BAD-000002): municipality_no" in out.stderr
    assert "nothing was written" in out.stderr
    with open_registry(reg) as r:
        assert r.count_plots() == 6


def test_tokens_are_created_listed_and_revoked(tmp_path, source):
    from landreg.tokens import AuthenticationError, Role

    reg = tmp_path / "r.gpkg"
    invoke("import", source, "--registry", reg)
    out = invoke("token", "create", "--name", "kari", "--role", "planner", "--municipality", "5029", "--registry", reg)
    assert out.exit_code == 0, out.stderr
    token = out.stdout.strip()
    assert token.startswith("lr_")
    with open_registry(reg) as r:
        who = r.authenticate(token)
        assert who.name == "kari" and who.role is Role.PLANNER and who.municipalities == {"5029"}
        stored = r._conn.execute("SELECT secret_sha256 FROM landreg_tokens").fetchone()[0]
        assert token.split("_", 2)[2] not in stored  # only a hash is kept
    listing = invoke("token", "list", "--registry", reg).stdout
    assert "kari" in listing and "active" in listing and token.split("_", 2)[2] not in listing
    out = invoke("token", "create", "--name", "x", "--role", "planner", "--registry", reg)
    assert out.exit_code != 0 and "municipality" in out.stderr
    assert invoke("token", "revoke", token.split("_")[1], "--registry", reg).exit_code == 0
    with open_registry(reg) as r, pytest.raises(AuthenticationError, match="revoked"):
        r.authenticate(token)


@pytest.fixture
def mixed(tmp_path):
    """A registry of 16 plots in five municipalities, two of them without an asking price: (path, frame)."""
    frame = make_plot_frame(16, seed=5, municipality_no=None)
    frame.loc[[0, 1], ["price_min_nok_m2", "price_max_nok_m2"]] = None
    path = tmp_path / "mixed.gpkg"
    with open_registry(path, create=True) as reg:
        reg.add_plots(frame, actor="test")
    return path, frame


def _codes(out) -> set[str]:
    assert out.exit_code == 0, out.stderr
    return {f["properties"]["code"] for f in json.loads(out.stdout)["features"]}


def test_query_and_export_filter_by_asking_price(tmp_path, mixed):
    path, frame = mixed
    priced = frame.dropna(subset=["price_min_nok_m2"])
    low, high = priced["price_min_nok_m2"].quantile([0.25, 0.75])
    # A plot's asking range [price_min, price_max] must reach into [low, high]; no price: left out.
    expected = set(priced.loc[(priced["price_max_nok_m2"] >= low) & (priced["price_min_nok_m2"] <= high), "code"])
    assert 0 < len(expected) < len(priced)
    out = invoke("query", "--registry", path, "--min-price", low, "--max-price", high, "--json")
    assert _codes(out) == expected
    below = set(priced.loc[priced["price_min_nok_m2"] <= high, "code"])
    assert _codes(invoke("query", "--registry", path, "--max-price", high, "--json")) == below
    out = invoke("export", tmp_path / "cheap.geojson", "--registry", path, "--max-price", high)
    assert out.exit_code == 0, out.stderr
    assert set(read_plots(tmp_path / "cheap.geojson")["code"]) == below
    assert "without an asking price are left out" in " ".join(invoke("query", "--help").stdout.split())
    out = invoke("query", "--registry", path, "--min-price", 900, "--max-price", 500)
    assert out.exit_code == 1 and "is below" in out.stderr


def test_municipality_by_name_or_number(mixed):
    path, frame = mixed
    stjordal = set(frame.loc[frame["municipality_no"] == "5035", "code"])
    trondheim = set(frame.loc[frame["municipality_no"] == "5001", "code"])
    assert stjordal and trondheim
    for ref in ("Stjørdal", "stjørdal", "STJØRDAL", "5035"):
        assert _codes(invoke("query", "--registry", path, "--municipality", ref, "--json")) == stjordal, ref
    both = invoke("query", "--registry", path, "--municipality", "trondheim, Stjørdal", "--json")
    assert _codes(both) == stjordal | trondheim
    for bad in ("9999", "Oslo"):
        out = invoke("query", "--registry", path, "--municipality", bad)
        assert out.exit_code == 1 and f"unknown municipality '{bad}'" in out.stderr, out.stderr
        assert "5001 Trondheim - Tråante" in out.stderr and "5035 Stjørdal" in out.stderr
        assert "Traceback" not in out.stderr
    out = invoke("query", "--registry", path, "--municipality", "Stjordal")
    assert out.exit_code == 1 and "did you mean 'Stjørdal'" in out.stderr


def test_bbox_in_another_crs_and_a_warning_outside_the_region(mixed):
    path, frame = mixed
    west = frame[frame.geometry.bounds["maxx"] <= frame.geometry.bounds["minx"].min() + 250]
    lon0, lat0, lon1, lat1 = west.to_crs("EPSG:4326").total_bounds
    bbox = f"{lon0 - 1e-5},{lat0 - 1e-5},{lon1 + 1e-5},{lat1 + 1e-5}"
    # The reference: plots whose lon/lat geometry intersects the lon/lat box.
    lonlat = frame.to_crs("EPSG:4326")
    expected = set(lonlat.loc[lonlat.intersects(shapely.box(*map(float, bbox.split(",")))), "code"])
    assert set(west["code"]) <= expected < set(frame["code"])
    out = invoke("query", "--registry", path, "--bbox", bbox, "--bbox-crs", "EPSG:4326", "--json")
    assert _codes(out) == expected and "warning" not in out.stderr
    out = invoke("query", "--registry", path, "--bbox", bbox)  # lon/lat taken as EPSG:25832
    assert out.exit_code == 0 and "0 plots" in out.stdout
    assert "warning:" in out.stderr and "add --bbox-crs EPSG:4326" in out.stderr and "outside the region" in out.stderr
    out = invoke("query", "--registry", path, "--bbox", "100000,100000,200000,200000")
    assert "outside the region" in out.stderr and "EPSG:4326" not in out.stderr
    assert "EPSG:25832" in " ".join(invoke("query", "--help").stdout.split())
    out = invoke("query", "--registry", path, "--bbox", "1,2,three,4")
    assert out.exit_code == 1 and "expected four numbers" in out.stderr


def test_unknown_values_are_refused_with_the_valid_ones(mixed, tmp_path):
    path, _ = mixed
    out = invoke("query", "--registry", path, "--status", "bogus")
    assert out.exit_code == 1 and "'bogus'" in out.stderr and "available, reserved, sold, locked, planned" in out.stderr
    out = invoke("query", "--registry", path, "--zoning", "farm")
    assert out.exit_code == 1 and "'farm'" in out.stderr and "industry" in out.stderr
    out = invoke(
        "map", "plots", "--registry", path, "--status", "sold", "--municipality-no", "Oslo", "-o", tmp_path / "m.html"
    )
    assert out.exit_code == 1 and "unknown municipality 'Oslo'" in out.stderr and not (tmp_path / "m.html").exists()
    out = invoke("search", "--registry", path, "--max-minutes", "harbour=25")
    assert out.exit_code == 2 and "'harbour'" in out.stderr
    assert "port, airport, trondheim_s, freight_terminal, motorway_junction, city_centre" in out.stderr
    out = invoke("search", "--registry", path, "--zoning", "industri")
    assert out.exit_code == 1 and "'industri'" in out.stderr and "industry, heavy_industry" in out.stderr
    assert "Value error" not in out.stderr
    out = invoke("search", "--registry", path, "--max-minutes", "port=soon")
    assert out.exit_code == 2 and "minutes a number" in out.stderr


_CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b")


def test_errors_speak_the_users_language(tmp_path, source, mixed):
    path, _ = mixed
    cases = [
        ("end", "T-000001", "--version", "7", "--registry", path),
        ("show", "NOPE-1", "--registry", path),
        ("query", "--registry", path, "--bbox", "1,2,3,4", "--bbox-crs", "EPSG:999999"),
        ("query", "--registry", tmp_path / "missing.gpkg"),
        ("layers", "--layers", tmp_path / "no-layers"),
    ]
    for args in cases:
        out = landreg(*args)
        assert out.returncode == 1, (args, out.stderr)
        assert out.stderr.startswith("error: "), (args, out.stderr)
        assert not _CLASS_NAME.search(out.stderr) and "Traceback" not in out.stderr, (args, out.stderr)
    out = landreg("search", "--registry", path, "--max-daa", "-1")  # a usage error: refused before any work
    assert out.returncode == 2 and "'--max-daa': -1.0 is not in the range" in out.stderr
    assert "Traceback" not in out.stderr
    out = landreg("query", "--registry", path, "--bbox", "1,2,3,4", "--bbox-crs", "EPSG:999999")
    assert "'EPSG:999999'" in out.stderr and "EPSG:4326" in out.stderr and "proj_create" not in out.stderr


def _error_line(stderr: str) -> str:
    """The ``error:`` line (after the progress bar's carriage-return updates)."""
    return next(line for line in re.split(r"[\r\n]+", stderr) if line.startswith("error:"))


def test_import_report_counts_records_not_columns(tmp_path):
    frame = make_plot_frame(1000, seed=2)
    frame["colour"] = "red"
    write_plots(frame, tmp_path / "extra.gpkg")
    out = invoke("import", tmp_path / "extra.gpkg", "--registry", tmp_path / "r.gpkg")
    assert out.exit_code == 1
    assert _error_line(out.stderr) == "error: extra.gpkg: 1 problem; nothing was written", out.stderr[:300]
    assert "unknown column 'colour'" in out.stderr and "1001" not in out.stderr
    frame = make_plot_frame(1000, seed=2)
    frame["status"] = "gone"
    write_plots(frame, tmp_path / "bad.gpkg")
    out = invoke("import", tmp_path / "bad.gpkg", "--registry", tmp_path / "r.gpkg")
    assert _error_line(out.stderr) == "error: bad.gpkg: 1000 problems in 1000 records; nothing was written"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The bundled demo registry, built and enriched by ``landreg init`` (read-only)."""
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    out = landreg("init", "--registry", path, "--layers", LAYERS)
    assert out.returncode == 0, out.stderr
    return path


def test_business_areas_by_id_or_name(demo):
    by_id = _codes(invoke("query", "--registry", demo, "--area", "torgard,sveberg", "--json"))
    assert by_id and _codes(invoke("query", "--registry", demo, "--area", "Torgård, SVEBERG", "--json")) == by_id
    with open_registry(demo) as reg:
        assert by_id == set(reg.query_plots(business_area_id=["torgard", "sveberg"])["code"])
    out = invoke("query", "--registry", demo, "--area", "Torgard-øst")
    assert out.exit_code == 1 and "unknown business area 'Torgard-øst'" in out.stderr
    assert "torgard (Torgård)" in out.stderr


def test_tokens_and_uptake_take_municipality_names(demo, tmp_path):
    reg = tmp_path / "r.gpkg"
    reg.write_bytes(demo.read_bytes())
    out = invoke("token", "create", "--registry", reg, "--name", "kari", "--role", "planner", "--municipality", "skaun")
    assert out.exit_code == 0, out.stderr
    with open_registry(reg) as r:
        assert r.authenticate(out.stdout.strip()).municipalities == {"5029"}
    out = invoke("token", "create", "--registry", reg, "--name", "x", "--role", "planner", "--municipality", "Oslo")
    assert out.exit_code != 0 and "unknown municipality 'Oslo'" in out.stderr and "5029 Skaun" in out.stderr
    by_number = invoke("supply", "--registry", demo, "--uptake-by-municipality", "5035=10,5001=60")
    by_name = invoke("supply", "--registry", demo, "--uptake-by-municipality", "Stjørdal=10,trondheim=60")
    assert by_number.exit_code == 0 and by_name.stdout == by_number.stdout
    assert by_number.stdout != invoke("supply", "--registry", demo).stdout  # the uptake gave years of supply
    out = invoke("supply", "--registry", demo, "--uptake-by-municipality", "5001=lots")
    assert out.exit_code == 2 and "'5001=lots'" in out.stderr and "Traceback" not in out.stderr
    out = invoke("supply", "--registry", demo, "--uptake-by-municipality", "9999=10")
    assert out.exit_code == 1 and "unknown municipality '9999'" in out.stderr and "Traceback" not in out.stderr


def _all_commands(group, ctx):
    import click

    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _all_commands(cmd, click.Context(cmd, parent=ctx, info_name=name))
        elif cmd is not None:
            yield cmd


def test_every_command_spells_its_output_file_option_the_same_way():
    import click

    from landreg.cli import main as cli

    outputs = [
        (cmd.name, p)
        for cmd in _all_commands(cli, click.Context(cli, info_name="landreg"))
        for p in cmd.params
        if p.name == "output"
    ]
    assert {name for name, _ in outputs} >= {"score", "query", "schema", "summary", "surface", "overview"}
    for name, p in outputs:
        assert p.opts == ["-o", "--output"] and not p.secondary_opts, name
        assert isinstance(p.type, click.Path) and p.type.dir_okay is False and p.help, name
