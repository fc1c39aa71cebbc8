"""The price index on a two-year example computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from landreg.prices import InsufficientPriceDataError, build_price_observations, price_index
from tests.landreg.prices.conftest import make_history, make_plots


@pytest.fixture
def two_years():
    plots = make_plots([("p1", 100, "A", "industry"), ("p2", 200, "A", "industry"), ("p3", 300, "B", "office")])
    history = make_history(
        [
            ("p1", "2020-01-01", "asking", 1000.0, "serviced", True),
            ("p2", "2020-01-01", "asking", 2000.0, "serviced", True),
            ("p3", "2020-01-01", "asking", 400.0, "serviced", True),
            ("p1", "2021-01-01", "asking", 1200.0, "serviced", True),  # x 1.2
            ("p2", "2021-01-01", "asking", 2000.0, "serviced", True),  # x 1.0
            ("p3", "2021-01-01", "asking", 500.0, "serviced", True),  # x 1.25
        ]
    )
    return build_price_observations(plots, history)


def test_median_index(two_years):
    table = price_index(two_years, method="median")
    assert table["year"].tolist() == [2020, 2021]
    # medians 1000 and 1200
    assert table["index"].tolist() == pytest.approx([100.0, 120.0])
    assert table["n_observations"].tolist() == [3, 3]


def test_time_dummy_index_is_geometric_mean_of_ratios(two_years):
    # Balanced panel, and the controls (log area, municipality) separate the three plots:
    # the year coefficient is the mean log price change, so the index is (1.2 * 1.0 * 1.25) ** (1/3).
    table = price_index(two_years, method="time_dummy")
    assert table["index"].tolist() == pytest.approx([100.0, 100.0 * 1.5 ** (1 / 3)])
    assert np.isnan(table["ci_low"].iloc[0])


def test_index_other_base_year(two_years):
    table = price_index(two_years, method="median", base_year=2021)
    assert table["index"].tolist() == pytest.approx([100.0 * 1000 / 1200, 100.0])


def test_index_base_year_without_data(two_years):
    with pytest.raises(InsufficientPriceDataError, match="base year 2015"):
        price_index(two_years, base_year=2015)
