"""Enrichment of the plots an edit touched: only they are read and recomputed, with the same result."""

from __future__ import annotations

import pytest
import shapely

from landreg.enrich import enrich_registry
from landreg.testing import make_plot_frame
from tests.landreg.enrich._data import write_layers


@pytest.fixture
def layers_dir(tmp_path):
    return write_layers(tmp_path / "layers")


@pytest.fixture
def loaded(derived_registry):
    ids = derived_registry.add_plots(make_plot_frame(9, seed=1), actor="test")
    return derived_registry, ids


def test_enriching_given_plots_reads_and_recomputes_only_them(loaded, layers_dir):
    reg, ids = loaded
    assert enrich_registry(reg, layers_dir=layers_dir).n_computed == 9
    first = reg.load_enrichment().set_index("plot_id")
    plot = reg.get_plot(ids[4])
    moved = shapely.affinity.translate(plot.geometry, 5.0, 3.0)
    reg.update_plot(ids[4], {"geometry": moved}, expected_version=plot.version, actor="test", crs="EPSG:25832")
    reg.end_plot(ids[5], expected_version=1, actor="test")

    report = enrich_registry(reg, layers_dir=layers_dir, plot_ids=[ids[4], ids[5]])
    assert report.n_plots == 1  # the one of the two still live; no other plot was read
    assert report.n_computed == 1 and report.n_removed == 1
    second = reg.load_enrichment().set_index("plot_id")
    assert ids[5] not in second.index
    changed = second["computed_at"] != first["computed_at"].reindex(second.index)
    assert changed[changed].index.tolist() == [ids[4]]
    assert second.loc[ids[4], "plot_version"] == 2
    # what a run over every plot would still have to do: nothing (the partial run left the same state)
    full = enrich_registry(reg, layers_dir=layers_dir)
    assert full.n_computed == 0 and full.n_removed == 0
    assert enrich_registry(reg, layers_dir=layers_dir, plot_ids=[]).n_plots == 0
