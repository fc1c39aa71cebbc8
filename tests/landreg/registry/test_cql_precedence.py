"""CQL2 text binds NOT tighter than AND and AND tighter than OR, on both backends.

Each filter's answer from the registry is compared with the same condition evaluated
independently over the plot frame with pandas and shapely.
"""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from landreg.registry import PlotQuery
from landreg.registry.cql import parse_filter
from landreg.testing import TRONDHEIM_ORIGIN_25832, make_plot_frame

X0, Y0 = TRONDHEIM_ORIGIN_25832
#: A box (EPSG:25832) over part of the grid: its edges lie in the gaps between plots (each
#: plot fills 40-90 % of its 100 m cell from the cell's lower-left corner).
AREA = shapely.box(X0 + 195, Y0 + 195, X0 + 595, Y0 + 495)
AREA_WKT = AREA.wkt


@pytest.fixture
def frame():
    return make_plot_frame(100, seed=7, municipality_no=None)


@pytest.fixture
def stored(registry, frame):
    registry.add_plots(frame, actor="fixture")
    return registry


def _codes(registry, text: str) -> set[str]:
    query = PlotQuery(filter_ast=parse_filter(text), filter_crs="EPSG:25832")
    return set(registry.query_plots(query)["code"])


def _expected(frame: pd.DataFrame, mask: pd.Series) -> set[str]:
    assert 0 < mask.sum() < len(frame), "the test data must separate the readings"
    return set(frame.loc[mask, "code"])


def test_and_binds_tighter_than_or(stored, frame):
    available = frame["status"] == "available"
    office = frame["zoning"] == "office"
    dear = frame["price_min_nok_m2"] > 1500
    text = "status = 'available' OR zoning = 'office' AND price_min_nok_m2 > 1500"

    expected = _expected(frame, available | (office & dear))
    assert _expected(frame, (available | office) & dear) != expected  # the left-to-right reading differs here
    assert _codes(stored, text) == expected
    assert _codes(stored, "status = 'available' OR (zoning = 'office' AND price_min_nok_m2 > 1500)") == expected
    assert _codes(stored, "zoning = 'office' AND price_min_nok_m2 > 1500 OR status = 'available'") == expected


def test_and_binds_tighter_than_or_with_a_spatial_predicate(stored, frame):
    inside = shapely.intersects(frame.geometry.values, AREA)
    sold = frame["status"] == "sold"
    road = frame["requires_new_road"]
    text = f"requires_new_road = true OR S_INTERSECTS(geometry, {AREA_WKT}) AND status = 'sold'"

    expected = _expected(frame, (inside & sold) | road)
    assert _expected(frame, (road | inside) & sold) != expected
    assert _codes(stored, text) == expected


def test_not_binds_tighter_than_and(stored, frame):
    sold = frame["status"] == "sold"
    industry = frame["zoning"] == "industry"
    expected = _expected(frame, ~sold & industry)
    assert _expected(frame, ~(sold & industry)) != expected
    assert _codes(stored, "NOT status = 'sold' AND zoning = 'industry'") == expected


def test_not_of_a_negation_is_the_condition(stored, frame):
    available = frame["status"] == "available"
    expected = _expected(frame, available)
    assert _codes(stored, "NOT (NOT (status = 'available'))") == expected
    assert _codes(stored, "NOT (NOT (NOT (NOT (status = 'available'))))") == expected


def test_not_of_a_parenthesised_condition(stored, frame):
    sold = frame["status"] == "sold"
    road = frame["requires_new_road"]
    dear = frame["price_min_nok_m2"] > 1000
    assert _codes(stored, "NOT (status = 'sold' AND requires_new_road = true)") == _expected(frame, ~(sold & road))
    assert _codes(stored, "NOT (status = 'sold' OR price_min_nok_m2 > 1000) AND requires_new_road = false") == (
        _expected(frame, ~(sold | dear) & ~road)
    )


def test_parentheses_still_group_expressions_and_conditions(stored, frame):
    dear = frame["price_min_nok_m2"] > 1600
    sold = frame["status"] == "sold"
    text = "((price_min_nok_m2) > 1600) AND (((status = 'sold')))"
    assert _codes(stored, text) == _expected(frame, dear & sold)
