"""The tiles a benchmark times: a seeded sample over the plots' extent, each rendered once without a cache."""

from __future__ import annotations

from landreg.testing import make_plot_frame
from landreg.tiles import render_tile, tile_sample, time_tiles


def test_tile_sample_covers_the_plots_and_is_seeded(registry):
    assert tile_sample(registry, 14, 5) == []  # no plots yet
    registry.add_plots(make_plot_frame(100, seed=1, cell_m=60.0), actor="fixture")
    sample = tile_sample(registry, 16, 4, seed=3)
    assert len(sample) == len(set(sample)) == 4
    assert sample == tile_sample(registry, 16, 4, seed=3)
    assert {t.z for t in sample} == {16}
    every = tile_sample(registry, 16, 10_000)
    assert set(sample) <= set(every) and all(render_tile(registry, "plots", z=t.z, x=t.x, y=t.y) for t in every)
    timed = time_tiles(registry, sample)
    assert [b for _, b in timed] == [len(render_tile(registry, "plots", z=t.z, x=t.x, y=t.y)) for t in sample]
    assert all(s > 0 for s, _ in timed)
