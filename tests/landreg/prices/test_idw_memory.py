"""IDW over every point keeps a bounded block of distances, whatever the number of points and targets."""

from __future__ import annotations

import tracemalloc

import numpy as np

from landreg.prices.surface import idw_interpolate


def test_idw_over_all_points_is_exact_and_bounded_in_memory():
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 50_000, (3_000, 2))
    values = rng.uniform(300, 3_000, len(xy))
    targets = np.vstack([xy[:3], rng.uniform(0, 50_000, (6_000, 2))])
    tracemalloc.start()
    try:
        est = idw_interpolate(xy, values, targets)
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # every target x point distance at once would be 6,003 x 3,000 x 8 bytes = 144 MB per array
    assert peak_bytes < 64 * 1024**2
    np.testing.assert_allclose(est[:3], values[:3])  # exact at the data points
    sample = targets[3:40]
    d = np.sqrt(((sample[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    expected = (values / d**2).sum(axis=1) / (1 / d**2).sum(axis=1)
    np.testing.assert_allclose(est[3:40], expected, rtol=1e-12)
