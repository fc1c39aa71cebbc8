"""Enrichment and scoring on a dask LocalCluster of 2 worker processes equal the single-process run."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from geopandas.testing import assert_geodataframe_equal

from landreg.analysis import score_registry
from landreg.cli import main as cli
from landreg.engine import open_engine
from landreg.engine.score import score_registry_distributed
from landreg.enrich import enrich_registry
from landreg.registry import open_registry
from landreg.testing import make_plot_frame
from tests.postgis_server import drop_schema, fresh_schema_name

LAYERS = Path(__file__).resolve().parents[3] / "layers"
pytestmark = pytest.mark.slow  # two local clusters of worker processes: about 30 s on a quiet machine


@pytest.fixture(scope="module")
def engine():
    """A LocalCluster of 2 worker processes; partitions of 60 plots, so the demo's plots make ten."""
    with open_engine("dask", n_workers=2, partition_plots=60) as engine:
        assert engine is not None and engine.n_workers == 2
        yield engine


def _stored(path: Path) -> pd.DataFrame:
    with open_registry(path) as reg:
        return reg.load_enrichment().drop(columns=["computed_at"])


def test_enrich_on_dask_equals_single_process(demo_registry_file, tmp_path, engine):
    local, distributed = tmp_path / "local.gpkg", tmp_path / "dask.gpkg"
    shutil.copy(demo_registry_file, local)
    shutil.copy(demo_registry_file, distributed)
    with open_registry(local) as reg:
        want = enrich_registry(reg, layers_dir=LAYERS, force=True)
    done: list[int] = []
    with open_registry(distributed) as reg:
        got = enrich_registry(reg, layers_dir=LAYERS, force=True, engine=engine, progress=done.append)
    assert got.n_computed == want.n_computed == got.n_plots > 500
    assert got.status_counts == want.status_counts and got.network == want.network
    assert len(done) == -(-got.n_plots // 60)  # one save per partition
    pd.testing.assert_frame_equal(_stored(distributed), _stored(local), check_exact=True)


@pytest.fixture(params=["geopackage-wal", pytest.param("postgis", marks=pytest.mark.db)])
def generated_registry(request, tmp_path):
    """300 generated plots in a GeoPackage in WAL mode, or in a fresh schema of the test database."""
    if request.param == "geopackage-wal":
        reg = open_registry(tmp_path / "wal.gpkg", create=True, journal_mode="wal")
        cleanup = reg.close
    else:
        url, schema = request.getfixturevalue("postgis_url"), fresh_schema_name()
        reg = open_registry(url, create=True, schema=schema)

        def cleanup():
            reg.close()
            drop_schema(url, schema)

    try:
        reg.add_plots(make_plot_frame(300, seed=5, cell_m=60.0, municipality_no=None), actor="test")
        yield reg
    finally:
        cleanup()


class _NoPlotFrames:
    """The registry, refusing to hand out plots: the command's side of a dask enrichment must not read them."""

    def __init__(self, registry):
        self._registry = registry

    def query_plots(self, *args, **kwargs):
        raise AssertionError("the plots were read where the command runs")

    def __getattr__(self, name):
        return getattr(self._registry, name)


def test_workers_read_and_write_the_registry_themselves(generated_registry, engine):
    reg = generated_registry
    want_report = enrich_registry(reg, layers_dir=LAYERS, force=True)
    want = reg.load_enrichment().drop(columns="computed_at")
    assert reg.delete_enrichment(want["plot_id"].tolist()) == 300
    got_report = enrich_registry(_NoPlotFrames(reg), layers_dir=LAYERS, engine=engine)  # read, written by workers
    assert got_report.n_computed == 300 and got_report.status_counts == want_report.status_counts
    pd.testing.assert_frame_equal(reg.load_enrichment().drop(columns="computed_at"), want, check_exact=True)
    if reg.backend == "geopackage":  # the workers opened the file in the journal mode it has
        with sqlite3.connect(reg.path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    ("statuses", "weights"), [(None, None), (("available", "planned", "locked"), {"price": 30.0, "size": 0.0})]
)
def test_score_on_dask_equals_single_process(demo_registry_file, engine, statuses, weights):
    with open_registry(demo_registry_file) as reg:
        want = score_registry(reg, profile="logistics", weights=weights, statuses=statuses)
        got = score_registry_distributed(reg, engine=engine, profile="logistics", weights=weights, statuses=statuses)
    assert len(got.frame) == len(want.frame) > 60
    assert_geodataframe_equal(got.frame, want.frame, check_less_precise=False)
    np.testing.assert_array_equal(got.values, want.values)
    assert got.record() == want.record()
    assert got.frame["synergy_score"].notna().any()  # the firms of the whole region reached every partition


def test_score_command_on_dask_writes_the_same_table(demo_registry_file, tmp_path):
    runner = CliRunner()
    outputs = []
    for engine in ("local", "dask"):
        out = tmp_path / f"{engine}.csv"
        args = ["score", "--registry", str(demo_registry_file), "--status", "all", "--engine", engine, "-o", str(out)]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        outputs.append((result.stdout, out.read_bytes()))
    assert outputs[0] == outputs[1]


def test_scheduler_needs_the_dask_engine_and_must_answer(demo_registry_file):
    runner = CliRunner()
    result = runner.invoke(cli, ["score", "--registry", str(demo_registry_file), "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "--scheduler needs --engine dask" in result.stderr
    result = runner.invoke(
        cli,
        ["enrich", "--registry", str(demo_registry_file), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"],
    )
    assert result.exit_code == 1
    assert "cannot reach the dask scheduler at 'tcp://127.0.0.1:9'" in result.stderr
    assert "Traceback" not in result.output and "Error" not in result.stderr


def test_local_workers_run_without_the_statistical_profiler(engine):
    import dask.config

    settings = engine.client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
    assert list(settings.values()) == [False, False]
    assert engine.client.run(lambda: dask.config.get("distributed.comm.timeouts.connect"))  # the rest kept


def test_a_local_cluster_starts_only_when_there_is_work(demo_registry_file, tmp_path):
    registry = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, registry)
    with open_engine("dask", n_workers=2) as engine, open_registry(registry) as reg:
        assert engine is not None
        report = enrich_registry(reg, layers_dir=LAYERS, engine=engine)  # every plot is current
        assert report.n_computed == 0 and report.n_unchanged == report.n_plots > 500
        assert not engine.started
