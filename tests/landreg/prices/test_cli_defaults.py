"""``landreg prices index|model|surface`` pick the most common price class when none is given, say so,
and ``surface`` finds the layers through ``LANDREG_LAYERS_DIR`` from any folder."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
import rasterio
from click.testing import CliRunner

from landreg.cli.prices_cmd import prices_group
from tests.landreg.prices.conftest import LAYERS


def _run(*args, env=None):
    return CliRunner(env=env).invoke(prices_group, [str(a) for a in args], catch_exceptions=False)


def _most_common(db, kind: str) -> tuple[str, str, int]:
    """The largest (basis, fees) class of ``kind`` counted with SQL; ties to raw before serviced,
    included before excluded before unknown."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT basis, CASE connection_fees_included WHEN 1 THEN 'included' WHEN 0 THEN 'excluded' "
            "ELSE 'unknown' END AS fees, count(*) FROM plot_prices WHERE kind = ? GROUP BY 1, 2",
            (kind,),
        ).fetchall()
    order = {"included": 0, "excluded": 1, "unknown": 2}
    return sorted(rows, key=lambda r: (-r[2], r[0], order[r[1]]))[0]


@pytest.mark.parametrize("kind", ["asking", "transaction"])
def test_index_defaults_to_the_most_common_class(bundled_registry, tmp_path, kind):
    basis, fees, n = _most_common(bundled_registry, kind)
    result = _run("index", "--registry", bundled_registry, "--kind", kind, "-o", tmp_path / "default.csv")
    assert result.exit_code == 0, result.output
    assert (
        f"using {basis}, fees {fees} (the most common class: {n} {kind} prices); choose with --basis/--fees"
        in result.stderr
    )
    explicit = _run(
        "index", "--registry", bundled_registry, "--kind", kind, "--basis", basis, "--fees", fees,
        "-o", tmp_path / "explicit.csv",
    )  # fmt: skip
    assert explicit.exit_code == 0, explicit.output
    assert "using" not in explicit.stderr
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "default.csv"), pd.read_csv(tmp_path / "explicit.csv"))
    assert pd.read_csv(tmp_path / "default.csv")["n_observations"].sum() == n


def test_basis_given_fees_chosen(bundled_registry):
    with sqlite3.connect(bundled_registry) as conn:
        n_included, n_unknown = conn.execute(
            "SELECT sum(connection_fees_included = 1), sum(connection_fees_included IS NULL) FROM plot_prices "
            "WHERE kind = 'asking' AND basis = 'serviced'"
        ).fetchone()
    result = _run("model", "--registry", bundled_registry, "--basis", "serviced")
    assert result.exit_code == 0, result.output
    fees = "included" if n_included >= n_unknown else "unknown"
    assert f"using serviced, fees {fees} (the most common class:" in result.stderr
    assert "log_area" in result.stdout


def test_unknown_fees_can_be_chosen(bundled_registry, tmp_path):
    out = tmp_path / "unknown.csv"
    result = _run("index", "--registry", bundled_registry, "--basis", "serviced", "--fees", "unknown", "-o", out)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(bundled_registry) as conn:
        (n,) = conn.execute(
            "SELECT count(*) FROM plot_prices WHERE kind = 'asking' AND basis = 'serviced' "
            "AND connection_fees_included IS NULL"
        ).fetchone()
    assert pd.read_csv(out)["n_observations"].sum() == n


def test_surface_reads_layers_dir_from_the_environment(bundled_registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no layers/ here
    tif = tmp_path / "surface.tif"
    args = ("surface", "--registry", bundled_registry, "--pixel-size-m", 4000, "-o", tif)
    result = _run(*args, env={"LANDREG_LAYERS_DIR": str(LAYERS)})
    assert result.exit_code == 0, result.output
    basis, fees, n = _most_common(bundled_registry, "asking")
    assert f"using {basis}, fees {fees} (the most common class: {n} asking prices)" in result.stderr
    with rasterio.open(tif) as src:
        assert src.crs.to_epsg() == 25832 and src.res == (4000.0, 4000.0)
    missing = tmp_path / "no-layers-here"
    result = _run(*args, env={"LANDREG_LAYERS_DIR": str(missing)})
    assert result.exit_code == 1 and str(missing) in result.stderr and "Traceback" not in result.output
