"""The registry interface is a real contract: small protocols by concern, each met by both backends.

Statically (mypy, as the lint suite runs it) and at run time (``isinstance`` on an open registry).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from landreg.registry import (
    EnrichmentTables,
    EntityTables,
    PlotEditor,
    PlotStore,
    PriceRecords,
    Registry,
    SqlReader,
    TokenIssuer,
)

ROOT = Path(__file__).resolve().parents[3]
PROTOCOLS = [PlotStore, PlotEditor, EnrichmentTables, TokenIssuer, EntityTables, PriceRecords, SqlReader, Registry]


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    module = tmp_path / "contract_check.py"
    module.write_text(textwrap.dedent(source), encoding="utf-8")
    return subprocess.run(
        [str(Path(sys.executable).parent / "mypy"), "--no-error-summary", "--follow-imports=silent", str(module)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_an_open_registry_meets_every_protocol(registry, backend, protocol):
    assert isinstance(registry, protocol)
    assert registry.backend == backend


def test_an_object_with_only_some_members_is_not_a_registry(registry):
    names = {n for n in vars(PlotStore) if not n.startswith("_")} | set(PlotStore.__annotations__)
    members = {name: getattr(registry, name) for name in names}
    reads_only = type("ReadsOnly", (), members)()
    assert isinstance(reads_only, PlotStore)
    assert not isinstance(reads_only, PlotEditor)
    assert not isinstance(reads_only, Registry)


def test_read_row_runs_a_query_in_the_registry_database(registry):
    from landreg.testing import make_plot_frame

    assert registry.read_row("SELECT count(*) FROM plots") == (0,)
    registry.add_plots(make_plot_frame(3, seed=1), actor="test")
    assert registry.read_row("SELECT count(*) FROM plots") == (3,)
    assert registry.read_row("SELECT plot_id FROM plots WHERE 1 = 0") is None


def test_mypy_accepts_both_backends_for_every_protocol_and_refuses_a_partial_one(tmp_path):
    lines = [
        f"from landreg.registry import GeoPackageRegistry, PostGISRegistry, {', '.join(p.__name__ for p in PROTOCOLS)}",
        "",
        "",
        "def check(gpkg: GeoPackageRegistry, pg: PostGISRegistry) -> None:",
    ]
    lines += [f"    {b}_{p.__name__.lower()}: {p.__name__} = {b}" for p in PROTOCOLS for b in ("gpkg", "pg")]
    out = _mypy(tmp_path, "\n".join(lines) + "\n")
    assert out.returncode == 0, out.stdout + out.stderr

    partial = _mypy(
        tmp_path,
        """
        import geopandas as gpd

        from landreg.registry import PlotStore


        class NoPagedQueries:
            backend = "memory"
            label = "memory"

            def query_plots(self, query=None, **criteria) -> gpd.GeoDataFrame:
                return gpd.GeoDataFrame()


        store: PlotStore = NoPagedQueries()
        """,
    )
    assert partial.returncode == 1, partial.stdout + partial.stderr
    assert 'expression has type "NoPagedQueries", variable has type "PlotStore"' in partial.stdout


def test_check_plots_finds_what_an_add_would_refuse_and_writes_nothing(registry):
    from landreg.errors import ValidationError
    from landreg.testing import make_plot_frame

    stored = make_plot_frame(2, seed=3)
    registry.add_plots(stored, actor="test")
    overlapping = stored.iloc[[0]].copy()
    overlapping["code"] = "NEW-001"
    overlapping = overlapping.drop(columns=["plot_id"], errors="ignore")
    registry.check_plots(make_plot_frame(2, seed=3).iloc[[]])  # nothing to check: no problem
    with pytest.raises(ValidationError) as refused:
        registry.check_plots(overlapping, context="check")
    with pytest.raises(ValidationError) as add_refused:
        registry.add_plots(overlapping, actor="test", context="check")
    assert [str(p) for p in refused.value.problems] == [str(p) for p in add_refused.value.problems]
    assert registry.count_plots() == 2
