"""``landreg prices``: the click group, run on the registry built from the bundled layers."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import rasterio
from click.testing import CliRunner

from landreg.cli.prices_cmd import prices_group
from tests.landreg.prices.conftest import LAYERS


def _run(*args):
    result = CliRunner().invoke(prices_group, [str(a) for a in args], catch_exceptions=False)
    return result


def test_compare_with_benchmarks(bundled_registry, tmp_path):
    out = tmp_path / "compare.xlsx"
    result = _run("compare", "--registry", bundled_registry, "--with", "copenhagen,gothenburg", "-o", out)
    assert result.exit_code == 0, result.output
    assert "copenhagen" in result.output and "gothenburg" in result.output
    assert "missing (no citable figure): copenhagen, gothenburg" in result.output
    assert "Context document 000" in result.output
    # the notice counts the observations of the compared class (every bundled price is synthetic)
    assert "Synthetic data — price observations: " in result.output
    n_syn, n_all = result.output.split("price observations: ", 1)[1].split(" observations synthetic")[0].split(" of ")
    assert n_syn == n_all and int(n_all) > 0
    assert set(pd.read_excel(out)["id"]) >= {"region", "copenhagen", "gothenburg"}


def test_compare_groups_and_unknown_benchmark(bundled_registry):
    result = _run(
        "compare", "--registry", bundled_registry, "--groups", "Skaun,Malvik", "--basis", "raw", "--fees", "excluded"
    )
    assert result.exit_code == 0, result.output
    assert "difference_nok_m2" in result.output
    bad = _run("compare", "--registry", bundled_registry, "--with", "atlantis")
    assert bad.exit_code == 1 and "unknown benchmark(s) ['atlantis']" in bad.stderr


def test_summary_index_model_surface(bundled_registry, tmp_path):
    result = _run(
        "summary", "--registry", bundled_registry, "--by", "zoning", "--kind", "transaction", "-o", tmp_path / "s.csv"
    )
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(tmp_path / "s.csv")["kind"]) == {"transaction"}
    result = _run("index", "--registry", bundled_registry, "--basis", "raw", "--method", "median")
    assert result.exit_code == 0 and "2026" in result.output
    mixed = _run("index", "--registry", bundled_registry, "--mix")
    assert mixed.exit_code == 0 and "not like-for-like" in mixed.stderr
    result = _run("model", "--registry", bundled_registry, "--basis", "raw", "--plots", tmp_path / "p.csv")
    assert result.exit_code == 0, result.output
    assert "log_area" in result.output and set(pd.read_csv(tmp_path / "p.csv")["flag"]) <= {
        "over",
        "under",
        "in line",
        "not predicted",
    }
    tif = tmp_path / "surface.tif"
    result = _run(
        "surface",
        "--registry",
        bundled_registry,
        "--basis",
        "serviced",
        "--fees",
        "included",
        "--layers",
        LAYERS,
        "--pixel-size-m",
        2000,
        "-o",
        tif,
    )
    assert result.exit_code == 0, result.output
    with rasterio.open(tif) as src:
        assert src.crs.to_epsg() == 25832 and src.res == (2000.0, 2000.0)


def test_bad_export_suffix(bundled_registry, tmp_path):
    result = _run("summary", "--registry", bundled_registry, "-o", tmp_path / "s.txt")
    assert result.exit_code == 1 and "expected a .csv, .xlsx or .geojson file" in result.stderr


def test_subprocess_compare(bundled_registry):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "landreg.cli",
            "prices",
            "compare",
            "--with",
            "copenhagen,gothenburg",
            "--registry",
            str(bundled_registry),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "copenhagen" in proc.stdout and "like-for-like" in proc.stdout


def test_summary_keeps_price_classes_apart_and_offers_no_mix(bundled_registry):
    refused = _run("summary", "--registry", bundled_registry, "--mix")
    assert refused.exit_code == 2 and "--mix" in refused.output
    shown = _run("summary", "--registry", bundled_registry, "--by", "year")
    assert shown.exit_code == 0 and "warning" not in shown.output
    assert _run("index", "--registry", bundled_registry, "--mix").exit_code == 0  # pooling stays where it applies


def test_compare_shows_each_figures_source(bundled_registry):
    """Every row of the comparison names its source and URL; claims, missing rows and missing conversions say so."""
    from landreg.prices import BENCHMARKS_PATH, load_benchmarks

    result = _run("compare", "--registry", bundled_registry, "--benchmarks", BENCHMARKS_PATH)
    assert result.exit_code == 0, result.output
    table = load_benchmarks()
    sources = result.stdout.split("sources:\n", 1)[1]
    for _, row in table.iterrows():
        line = next(ln for ln in sources.splitlines() if ln.startswith(f"  {row['id']}: "))
        if isinstance(row["url"], str):
            assert row["url"] in line
        if row["status"] == "missing":
            assert "(none: no citable figure)" in line
        if isinstance(row["currency"], str) and row["currency"] != "NOK" and row["price_per_m2"] > 0:
            assert f"conversion to NOK: missing (no cited {row['currency']}→NOK rate)" in line
    claims = table.loc[table["status"] == "claim", "id"]
    assert f"claims (not measurements): {', '.join(claims)}" in result.stdout
    assert "< 500 SEK/m² floor area" in result.stdout and "35 DKK/m² (claim)" in result.stdout


def test_compare_says_synthetic_only_for_synthetic_prices(tmp_path):
    """The synthetic notice comes from the prices' source, not from a fixed sentence."""
    from landreg.registry import open_registry
    from landreg.testing import make_plot_frame

    path = tmp_path / "registry.gpkg"
    with open_registry(path, create=True) as reg:
        frame = make_plot_frame(2, seed=1)
        frame["price_basis"] = "serviced"
        frame["connection_fees_included"] = True
        for pid in reg.add_plots(frame, actor="test"):
            # test data, not a real price
            row = {"observed_on": "2024-05-01", "kind": "asking", "price_nok_m2": 1000.0, "basis": "serviced"}
            reg.add_price_observations(pid, [dict(row, connection_fees_included=True, source="test")], actor="test")
    result = _run("compare", "--registry", path, "--with", "kragero")
    assert result.exit_code == 0, result.output
    assert "kragero" in result.stdout and "synthetic demonstration data" not in result.stdout


def test_references_lists_each_cited_figure_with_its_source(tmp_path):
    from landreg.prices import load_price_references

    refs = load_price_references()
    out = tmp_path / "references.csv"
    result = _run("references", "-o", out)
    assert result.exit_code == 0, result.output
    for _, row in refs.iterrows():
        assert f"  {row['id']}: " in result.stdout and row["url"] in result.stdout
    assert "(derived: " in result.stdout
    assert set(pd.read_csv(out)["id"]) == set(refs["id"])
    region = _run("references", "--in-region")
    assert region.exit_code == 0
    for _, row in refs.iterrows():
        assert (f"  {row['id']}: " in region.stdout) == bool(row["in_region"])
