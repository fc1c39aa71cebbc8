"""The ``landreg`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from landreg import open_registry
from landreg.io import write_plots
from landreg.testing import make_plot_frame


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
    out = landreg("import", source, "--registry", reg, "--actor", "kari")
    assert out.returncode == 0, out.stderr
    assert "imported 6 plots" in out.stdout
    out = landreg("query", "--registry", reg, "--min-daa", "0")
    assert out.returncode == 0 and "T-000000" in out.stdout and "daa" in out.stdout
    out = landreg("query", "--registry", reg, "--json")
    fc = json.loads(out.stdout)
    assert len(fc["features"]) == 6
    out = landreg("show", "T-000001", "--registry", reg)
    assert out.returncode == 0 and "area_daa" in out.stdout
    out = landreg("end", "T-000001", "--version", "1", "--reason", "built", "--registry", reg)
    assert out.returncode == 0, out.stderr
    out = landreg("history", "T-000001", "--registry", reg)
    assert "v1" in out.stdout and "v2" in out.stdout and "end" in out.stdout and "kari" in out.stdout
    out = landreg("export", tmp_path / "out.gpkg", "--registry", reg, "--status", "available,reserved,sold,planned")
    assert out.returncode == 0 and "exported 5 plots" in out.stdout


def test_registry_from_environment(tmp_path, source):
    env = {"LANDREG_REGISTRY": str(tmp_path / "env.gpkg")}
    assert landreg("import", source, env=env).returncode == 0
    with open_registry(tmp_path / "env.gpkg") as reg:
        assert reg.count_plots() == 6


def test_errors_are_clear_and_exit_non_zero(tmp_path, source):
    reg = tmp_path / "r.gpkg"
    landreg("import", source, "--registry", reg)
    out = landreg("end", "T-000001", "--version", "7", "--registry", reg)
    assert out.returncode == 1 and "VersionConflictError" in out.stderr and "version 1" in out.stderr
    out = landreg("show", "NOPE-1", "--registry", reg)
    assert out.returncode == 1 and "no plot with code 'NOPE-1'" in out.stderr
    out = landreg("query", "--registry", reg, "--status", "gone")
    assert out.returncode == 1 and "unknown value 'gone'" in out.stderr
    out = landreg("query", "--registry", tmp_path / "missing.gpkg")
    assert out.returncode == 1 and "no registry at" in out.stderr


def test_bad_import_writes_nothing(tmp_path, source):
    reg = tmp_path / "r.gpkg"
    landreg("import", source, "--registry", reg)
    bad = make_plot_frame(3, prefix="BAD", origin=(570_000.0, 7_030_000.0))
    bad["status"] = ["available", "unknown", "sold"]
    bad["municipality_no"] = ["5001", "5001", "0000"]
    write_plots(bad, tmp_path / "bad.gpkg")
    out = landreg("import", tmp_path / "bad.gpkg", "--registry", reg)
    assert out.returncode == 1
    assert "row 1 (BAD-000001): status" in out.stderr
    assert "row 2 (BAD-000002): municipality_no" in out.stderr
    assert "nothing was written" in out.stderr
    with open_registry(reg) as r:
        assert r.count_plots() == 6


def test_tokens_are_created_listed_and_revoked(tmp_path, source):
    from landreg.tokens import AuthenticationError, Role

    reg = tmp_path / "r.gpkg"
    landreg("import", source, "--registry", reg)
    out = landreg("token", "create", "--name", "kari", "--role", "planner", "--municipality", "5029", "--registry", reg)
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    assert token.startswith("lr_")
    with open_registry(reg) as r:
        who = r.authenticate(token)
        assert who.name == "kari" and who.role is Role.PLANNER and who.municipalities == {"5029"}
        stored = r._conn.execute("SELECT secret_sha256 FROM landreg_tokens").fetchone()[0]
        assert token.split("_", 2)[2] not in stored  # only a hash is kept
    listing = landreg("token", "list", "--registry", reg).stdout
    assert "kari" in listing and "active" in listing and token.split("_", 2)[2] not in listing
    out = landreg("token", "create", "--name", "x", "--role", "planner", "--registry", reg)
    assert out.returncode != 0 and "municipality" in out.stderr
    assert landreg("token", "revoke", token.split("_")[1], "--registry", reg).returncode == 0
    with open_registry(reg) as r, pytest.raises(AuthenticationError, match="revoked"):
        r.authenticate(token)
