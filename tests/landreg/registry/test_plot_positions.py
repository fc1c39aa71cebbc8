"""Plot positions: the live plots' ids, versions and bounds centres, read without decoding a geometry."""

from __future__ import annotations

import numpy as np
import shapely

from landreg.testing import make_plot_frame


def test_plot_positions_are_the_centres_of_the_live_plots_bounds(registry):
    registry.add_plots(make_plot_frame(40, seed=3), actor="test")
    plots = registry.query_plots()
    ended = plots.iloc[0]
    registry.end_plot(ended["plot_id"], expected_version=int(ended["version"]), actor="test")
    live = registry.query_plots().set_index("plot_id")

    positions = registry.plot_positions()
    assert list(positions.columns) == ["plot_id", "version", "x_m", "y_m"]
    assert sorted(positions["plot_id"]) == sorted(live.index) and ended["plot_id"] not in set(positions["plot_id"])
    bounds = shapely.bounds(live.loc[positions["plot_id"], "geometry"].to_numpy())
    # the GeoPackage R-tree keeps its bounds as 32-bit floats (rounded outwards): within a metre at these coordinates
    np.testing.assert_allclose(positions["x_m"], (bounds[:, 0] + bounds[:, 2]) / 2, atol=1.0, rtol=0)
    np.testing.assert_allclose(positions["y_m"], (bounds[:, 1] + bounds[:, 3]) / 2, atol=1.0, rtol=0)
    assert positions["version"].tolist() == live.loc[positions["plot_id"], "version"].tolist()

    some = [*positions["plot_id"].iloc[:5], ended["plot_id"], "no-such-plot"]
    subset = registry.plot_positions(some)
    assert sorted(subset["plot_id"]) == sorted(positions["plot_id"].iloc[:5])
    assert registry.plot_positions([]).empty
