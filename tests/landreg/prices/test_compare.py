"""Group comparison with a seeded bootstrap interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landreg.prices import InsufficientPriceDataError, compare_groups, compare_prices


def _group(prices, area=1.0):
    return pd.DataFrame(
        {
            "price_nok_m2": prices,
            "area_m2": area,
            "basis": "serviced",
            "connection_fees_included": True,
            "kind": "asking",
        }
    )


def test_difference_and_ratio_hand_computed(tiny_observations):
    result = compare_groups(tiny_observations, by="municipality", a="A", b="B", kind="asking", basis="serviced")
    assert result.value_a_nok_m2 == pytest.approx(1550.0)
    assert result.value_b_nok_m2 == pytest.approx(420.0)
    assert result.difference_nok_m2 == pytest.approx(-1130.0)
    assert result.ratio == pytest.approx(420 / 1550)
    assert result.n_a == 4 and result.n_b == 2


def test_bootstrap_is_seeded_and_covers_the_difference():
    rng = np.random.default_rng(3)
    a, b = _group(rng.normal(1000, 50, 80)), _group(rng.normal(1200, 50, 60))
    first = compare_prices(a, b, seed=7, n_boot=500, statistic="mean")
    again = compare_prices(a, b, seed=7, n_boot=500, statistic="mean")
    assert first == again
    assert first.ci_low_nok_m2 < first.difference_nok_m2 < first.ci_high_nok_m2
    assert 150 < first.ci_low_nok_m2 and first.ci_high_nok_m2 < 250
    assert compare_prices(a, b, seed=8, n_boot=500, statistic="mean").ci_low_nok_m2 != first.ci_low_nok_m2


def test_area_weighted_statistic():
    a = _group([100.0, 300.0])
    a["area_m2"] = [3.0, 1.0]  # (100*3 + 300*1) / 4 = 150
    b = _group([200.0, 200.0])
    result = compare_prices(a, b, statistic="area_weighted_mean", n_boot=20)
    assert result.value_a_nok_m2 == pytest.approx(150.0)
    assert result.difference_nok_m2 == pytest.approx(50.0)
    assert list(result.to_frame().columns)[:3] == ["label_a", "label_b", "statistic"]


def test_unknown_group(tiny_observations):
    with pytest.raises(InsufficientPriceDataError, match="groups with prices"):
        compare_groups(tiny_observations, by="municipality", a="A", b="Nowhere", kind="asking", basis="serviced")
