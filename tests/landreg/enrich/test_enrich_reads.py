"""An enrichment run decides what to recompute from each stored row's version and layers alone."""

from __future__ import annotations

import shapely

from landreg.enrich import enrich_registry
from landreg.testing import make_plot_frame
from tests.landreg.enrich._data import write_layers


class _NoStoredValues:
    """The registry, refusing to hand out the stored derived values (a run must not need them)."""

    def __init__(self, registry):
        self._registry = registry

    def load_enrichment(self, plot_ids=None):
        raise AssertionError("every stored derived value was read")

    def __getattr__(self, name):
        return getattr(self._registry, name)


def test_rerun_reads_versions_not_derived_values(derived_registry, tmp_path):
    layers_dir = write_layers(tmp_path / "layers")
    ids = derived_registry.add_plots(make_plot_frame(6, seed=2), actor="test")
    assert enrich_registry(_NoStoredValues(derived_registry), layers_dir=layers_dir).n_computed == 6
    plot = derived_registry.get_plot(ids[3])
    moved = shapely.affinity.translate(plot.geometry, 4.0, 0.0)
    derived_registry.update_plot(
        ids[3], {"geometry": moved}, expected_version=plot.version, actor="t", crs="EPSG:25832"
    )
    report = enrich_registry(_NoStoredValues(derived_registry), layers_dir=layers_dir)
    assert (report.n_computed, report.n_unchanged) == (1, 5)
    partial = enrich_registry(_NoStoredValues(derived_registry), layers_dir=layers_dir, plot_ids=ids[:2])
    assert (partial.n_computed, partial.n_unchanged) == (0, 2)
