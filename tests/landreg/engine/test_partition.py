"""Spatial partitions: every plot once, blocks of at most the size asked, each a compact piece of the region."""

from __future__ import annotations

import numpy as np
import shapely

from landreg.engine import spatial_partitions
from landreg.testing import make_plot_frame


def test_partitions_hold_every_plot_once_in_compact_blocks():
    plots = make_plot_frame(4_000, seed=1, cell_m=100.0).sample(frac=1.0, random_state=3)  # rows in random order
    parts = spatial_partitions(plots, max_plots=250)
    rows = np.concatenate(parts)
    assert sorted(rows.tolist()) == list(range(len(plots)))
    assert all(len(p) <= 250 for p in parts) and len(parts) == 16
    region = shapely.box(*plots.total_bounds).area
    spread = [shapely.box(*plots.iloc[p].total_bounds).area / region for p in parts]
    # a block of 1/16 of the plots covers a small part of the region; rows taken in file order would span it all
    assert np.median(spread) < 0.25
    in_file_order = [shapely.box(*plots.iloc[i : i + 250].total_bounds).area / region for i in range(0, 4_000, 250)]
    assert np.median(in_file_order) > 0.9


def test_no_plots_make_no_partitions():
    assert spatial_partitions(make_plot_frame(3).iloc[:0], max_plots=10) == []
