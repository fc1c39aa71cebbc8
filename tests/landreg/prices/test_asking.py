"""The asking price of a plot lives with the other price functions and feeds scoring and hot spots."""

from __future__ import annotations

import numpy as np
import pandas as pd

import landreg.scoring
from landreg.prices import price_nok_m2
from landreg.scoring.criteria import derive_criterion_columns


def test_asking_price_is_the_middle_of_the_range_or_the_bound_given():
    frame = pd.DataFrame(
        {"price_min_nok_m2": [800.0, None, 900.0, None], "price_max_nok_m2": [1200.0, 700.0, None, None]}
    )
    got = price_nok_m2(frame)
    assert np.array_equal(got, [1000.0, 700.0, 900.0, np.nan], equal_nan=True)
    assert np.isnan(price_nok_m2(pd.DataFrame({"name": ["Tulluan"]}))).all()


def test_scoring_reads_the_price_from_the_prices_package():
    frame = pd.DataFrame({"price_min_nok_m2": [500.0], "price_max_nok_m2": [700.0], "area_m2": [10_000.0]})
    assert derive_criterion_columns(frame)["price_nok_m2"].tolist() == [600.0]
    assert not hasattr(landreg.scoring, "price_nok_m2")
