"""Permutation tests of price hot spots hold per plot one value per permutation, not one per drawn neighbour."""

from __future__ import annotations

import tracemalloc

import numpy as np

from landreg.clusters.hotspots import knn_neighbours, local_gistar, local_moran


def test_permutations_are_reduced_as_they_are_drawn():
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 20_000, (4_000, 2))
    y = rng.uniform(300, 3_000, len(xy)) + xy[:, 0] * 0.05
    nb = knn_neighbours(xy, k=8)
    tracemalloc.start()
    try:
        moran = local_moran(y, neighbours=nb, permutations=199, seed=1)
        gistar = local_gistar(y, neighbours=nb, permutations=199, seed=2)
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # every drawn neighbour's value at once would be 4,000 x 199 x 8 x 8 bytes = 51 MB
    assert peak_bytes < 30 * 1024**2
    assert np.all((moran[1] > 0) & (moran[1] <= 0.5)) and np.all((gistar[2] > 0) & (gistar[2] <= 0.5))
    assert local_moran(y, neighbours=nb, permutations=199, seed=1)[1].tolist() == moran[1].tolist()  # seeded
