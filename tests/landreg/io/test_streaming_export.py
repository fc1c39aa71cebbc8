"""Exports stream: pages read by key and written one at a time, the same file as an in-memory write, bounded memory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from geopandas.testing import assert_geodataframe_equal

from landreg.cli import main
from landreg.io import export_plots, read_plots, write_plots
from landreg.io.stream import RECORD_SEPARATOR, iter_plot_pages
from landreg.registry import open_registry
from landreg.registry.query import PlotQuery
from landreg.testing import make_plot_frame
from tests.landreg.registry.conftest import backend, registry  # noqa: F401 (fixtures: both backends)


def test_pages_read_every_matching_plot_once_in_order(demo_registry_file):
    with open_registry(demo_registry_file) as reg:
        whole = reg.query_plots()
        pages = list(iter_plot_pages(reg, page_plots=97))
        limited = list(iter_plot_pages(reg, PlotQuery.build(status="available", limit=150), page_plots=40))
        available = reg.query_plots(PlotQuery.build(status="available", limit=150))
    assert [len(p) for p in pages[:-1]] == [97] * (len(pages) - 1) and 0 < len(pages[-1]) <= 97
    joined = gpd.GeoDataFrame(pd.concat(pages, ignore_index=True), crs=whole.crs)
    assert_geodataframe_equal(joined, whole)
    assert [len(p) for p in limited] == [40, 40, 40, 30]
    assert sum(len(p) for p in limited) == len(available) == 150
    assert [pid for p in limited for pid in p["plot_id"]] == list(available["plot_id"])


@pytest.mark.parametrize("suffix", ["geojson", "csv"])
def test_streamed_text_export_is_the_in_memory_file_byte_for_byte(demo_registry_file, tmp_path, suffix):
    with open_registry(demo_registry_file) as reg:
        write_plots(reg.query_plots(), tmp_path / f"whole.{suffix}")
        n = export_plots(reg, tmp_path / f"paged.{suffix}", page_plots=50)
    assert n > 500
    assert (tmp_path / f"paged.{suffix}").read_bytes() == (tmp_path / f"whole.{suffix}").read_bytes()
    assert not list(tmp_path.glob(".*partial*"))


def test_streamed_geopackage_has_every_plot_and_the_synthetic_notice(demo_registry_file, tmp_path):
    with open_registry(demo_registry_file) as reg:
        write_plots(reg.query_plots(), tmp_path / "whole.gpkg")
        export_plots(reg, tmp_path / "paged.gpkg", page_plots=50)
    assert_geodataframe_equal(read_plots(tmp_path / "paged.gpkg"), read_plots(tmp_path / "whole.gpkg"))
    meta = pyogrio.read_info(tmp_path / "paged.gpkg", layer="plots")["layer_metadata"]
    assert meta == pyogrio.read_info(tmp_path / "whole.gpkg", layer="plots")["layer_metadata"]
    assert "synthetic" in meta["SYNTHETIC_NOTICE"] and "syntetisk" in meta["SYNTHETIC_NOTICE_NB"]


def test_geojson_sequences_hold_one_feature_per_record(demo_registry_file, tmp_path):
    with open_registry(demo_registry_file) as reg:
        n = export_plots(reg, tmp_path / "plots.geojsonl", page_plots=64)
        export_plots(reg, tmp_path / "plots.geojsons", page_plots=64)
        export_plots(reg, tmp_path / "plots.geojson")
    lines = (tmp_path / "plots.geojsonl").read_text(encoding="utf-8").splitlines()
    records = (tmp_path / "plots.geojsons").read_text(encoding="utf-8").split(RECORD_SEPARATOR)
    assert len(lines) == n and all(json.loads(line)["type"] == "Feature" for line in lines)
    assert records[0] == "" and len(records) == n + 1 and all(r.endswith("}\n") for r in records[1:])  # RFC 8142
    collection = read_plots(tmp_path / "plots.geojson")
    assert_geodataframe_equal(read_plots(tmp_path / "plots.geojsonl"), collection)
    assert_geodataframe_equal(read_plots(tmp_path / "plots.geojsons"), collection)
    assert any("ø" in line or "å" in line or "æ" in line for line in lines)  # Norwegian names intact, not escaped


def test_export_command_streams_with_progress_on_stderr_only(demo_registry_file, tmp_path):
    runner = CliRunner()
    target = tmp_path / "plots.geojsonl"
    args = ["export", "--registry", str(demo_registry_file), str(target)]
    shown = runner.invoke(main, [*args, "--progress"])
    quiet = runner.invoke(main, [*args, "--quiet"])
    default = runner.invoke(main, args)  # stderr is not a terminal here: no bar
    assert shown.exit_code == quiet.exit_code == default.exit_code == 0
    assert (
        shown.stdout
        == quiet.stdout
        == default.stdout
        == f"exported {len(target.read_text().splitlines())} plots to {target}\n"
    )
    assert "export: 100%" in shown.stderr and "plots" in shown.stderr
    assert quiet.stderr == default.stderr == ""


_MEASURE = textwrap.dedent(
    """
    import json, sys
    from landreg.io import export_plots
    from landreg.registry import open_registry

    def kib(key):
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith(key))

    with open_registry(sys.argv[1]) as reg:
        reg.count_plots()
        base = kib("VmRSS:")
        n = len(reg.query_plots()) if sys.argv[2] == "in-memory" else export_plots(reg, sys.argv[2])
        print(json.dumps({"n": n, "growth_mb": (kib("VmHWM:") - base) / 1024}))
    """
)


@pytest.fixture(scope="module")
def large_registry(tmp_path_factory):
    """100,000 generated non-overlapping plots."""
    path = tmp_path_factory.mktemp("large") / "large.gpkg"
    with open_registry(path, create=True) as reg:
        reg.add_plots(make_plot_frame(100_000, seed=3, municipality_no=None), actor="test")
    return path


def _peak_growth_mb(path, what: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), what], capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(done.stdout)


@pytest.mark.slow
def test_export_of_100k_plots_streams_in_bounded_memory(large_registry, tmp_path):
    in_memory = _peak_growth_mb(large_registry, "in-memory")  # what only reading all plots at once takes
    streamed = _peak_growth_mb(large_registry, str(tmp_path / "plots.geojsonl"))
    assert in_memory["n"] == streamed["n"] == 100_000
    with (tmp_path / "plots.geojsonl").open(encoding="utf-8") as lines:
        assert sum(1 for _ in lines) == 100_000
    assert streamed["growth_mb"] < in_memory["growth_mb"] / 3, (streamed, in_memory)
    assert streamed["growth_mb"] < 150, streamed
    shutil.rmtree(tmp_path)


@pytest.mark.parametrize("suffix", ["geojson", "geojsonl", "csv"])
def test_streamed_export_from_either_backend_equals_the_in_memory_file(registry, tmp_path, suffix):  # noqa: F811
    registry.add_plots(make_plot_frame(250, seed=5, municipality_no=None), actor="test")
    write_plots(registry.query_plots(), tmp_path / f"whole.{suffix}")
    assert export_plots(registry, tmp_path / f"paged.{suffix}", page_plots=64) == 250
    assert (tmp_path / f"paged.{suffix}").read_bytes() == (tmp_path / f"whole.{suffix}").read_bytes()
