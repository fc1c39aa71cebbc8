"""Moran's I equals esda's on the same weights; the permutation test is seeded."""

from __future__ import annotations

import numpy as np
import pytest

from landreg.prices import knn_weights, morans_i


@pytest.fixture
def sample():
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 10_000, (120, 2))
    values = xy[:, 0] / 2_000 + rng.normal(0, 1, 120)  # a trend: positive autocorrelation
    return xy, values


def test_equals_esda(sample):
    import esda

    xy, values = sample
    w = knn_weights(xy, k=6)
    ours = morans_i(values, weights=w, permutations=199, seed=1)
    ref = esda.Moran(values, w, permutations=0)
    assert ours.moran_i == pytest.approx(ref.I, rel=1e-12)
    assert ours.expected_i == pytest.approx(ref.EI)
    assert ours.moran_i > 0.3 and ours.p_value == pytest.approx(1 / 200)


def test_seeded_and_random_data_not_significant():
    rng = np.random.default_rng(9)
    xy, values = rng.uniform(0, 1000, (100, 2)), rng.normal(size=100)
    a = morans_i(values, xy, k=5, permutations=499, seed=3)
    b = morans_i(values, xy, k=5, permutations=499, seed=3)
    assert a == b
    assert a.p_value > 0.01
    assert a.n == 100 and a.k == 5 and a.n_components >= 1
