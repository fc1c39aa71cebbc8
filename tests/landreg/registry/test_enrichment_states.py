"""Each stored enrichment row's plot version and whether it came from given layers, without its values."""

from __future__ import annotations

import pandas as pd

from landreg.testing import make_plot_frame


def test_enrichment_states_tell_version_and_layers(registry):
    assert registry.enrichment_states('{"roads": "a"}').empty
    ids = registry.add_plots(make_plot_frame(3, seed=4), actor="test")
    rows = pd.DataFrame(
        {
            "plot_id": ids,
            "plot_version": [1, 1, 1],
            "layer_versions": ['{"roads": "a"}', '{"roads": "b"}', '{"roads": "a"}'],
            "slope_mean_deg": [1.0, 2.0, 3.0],
        }
    )
    registry.save_enrichment(rows)
    states = registry.enrichment_states('{"roads": "a"}')
    expected = sorted(zip(ids, [True, False, True], strict=True))
    assert list(zip(states["plot_id"], states["current"], strict=True)) == expected
    assert states["plot_version"].tolist() == [1, 1, 1]
    some = registry.enrichment_states('{"roads": "b"}', [ids[1], "unknown"])
    assert some["plot_id"].tolist() == [ids[1]] and some["current"].tolist() == [True]
