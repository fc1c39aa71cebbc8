"""The synthetic summary of a registry is counted in the database, equal to reading every plot."""

from __future__ import annotations

import json

import numpy as np
import pytest

from landreg.provenance import registry_synthetic_summary, summarize_synthetic
from landreg.registry.provenance_groups import provenance_groups
from landreg.testing import make_plot_frame

_SYNTHETIC = {"*": {"source": "synthetic"}}
_IMPORTED = {"*": {"source": "kommune.csv", "method": "imported"}}
_PRICE_SYNTHETIC = {**_IMPORTED, "price_min_nok_m2": {"source": "synthetic", "method": "synthetic"}}


class _NoWholeReads:
    """The registry, refusing to hand out every plot or enrichment row (what the summary must not need)."""

    def __init__(self, registry):
        self._registry = registry

    def __getattr__(self, name):
        if name in ("query_plots", "load_enrichment", "query_page"):
            raise AssertionError(f"{name} read every row")
        return getattr(self._registry, name)


@pytest.fixture
def mixed(registry):
    """Plots of three provenances, with blank, missing and given notes, prices and owners."""
    frame = make_plot_frame(24, seed=3)
    kinds = [_SYNTHETIC, _IMPORTED, _PRICE_SYNTHETIC]
    frame["provenance"] = [json.dumps(kinds[i % 3]) for i in range(len(frame))]
    frame["availability_note"] = [[None, "", "  ", "ledig fra våren", "[]"][i % 5] for i in range(len(frame))]
    frame.loc[frame.index % 4 == 0, "price_min_nok_m2"] = np.nan
    frame.loc[frame.index % 4 == 0, "price_max_nok_m2"] = np.nan
    frame.loc[frame.index % 6 == 1, "owner_type"] = None
    ids = registry.add_plots(frame, actor="test")
    plot = registry.get_plot(ids[1])
    registry.update_plot(ids[1], {"zoning": "office"}, expected_version=plot.version, actor="Åse")
    registry.end_plot(ids[2], expected_version=1, actor="test")
    return registry


def test_registry_summary_counts_in_the_database_as_reading_every_plot(mixed):
    expected = summarize_synthetic(
        mixed.query_plots(), price_observations=mixed.price_history(), business_areas=mixed.load_business_areas()
    )
    summary = registry_synthetic_summary(_NoWholeReads(mixed))
    assert summary == expected
    assert summary.get("plots").n_total == 23  # live plots only
    prices = summary.get("prices")
    assert 0 < prices.n_synthetic < prices.n_total
    assert "edited" in summary.get("zoning").sources or len(summary.get("zoning").sources) > 1


def test_plots_are_grouped_not_listed(mixed):
    groups = list(provenance_groups(mixed))
    assert sum(n for _, _, n in groups) == 23
    assert len(groups) < 23  # plots sharing a provenance and filled fields are one row
