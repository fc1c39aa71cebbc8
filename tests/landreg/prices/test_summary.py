"""Price summaries: hand-computed medians, quartiles and area-weighted means."""

from __future__ import annotations

import pytest

from landreg.prices import summarize_prices


def _row(table, **keys):
    mask = True
    for k, v in keys.items():
        mask = mask & (table[k] == v)
    (i,) = table.index[mask]
    return table.loc[i]


def test_summary_by_municipality_hand_computed(tiny_observations):
    table = summarize_prices(tiny_observations, by="municipality", kind="asking")
    a = _row(table, municipality="A", price_class="serviced, fees included")
    # prices 1000, 2000 (2020), 1100, 2200 (2021); areas 10 000 m² (p1) and 40 000 m² (p2)
    assert a["n_observations"] == 4
    assert a["n_plots"] == 2
    assert a["area_daa"] == pytest.approx(50.0)
    assert a["median_nok_m2"] == pytest.approx(1550.0)
    assert a["q25_nok_m2"] == pytest.approx(1075.0)
    assert a["q75_nok_m2"] == pytest.approx(2050.0)
    # (1000*1e4 + 2000*4e4 + 1100*1e4 + 2200*4e4) / (2*1e4 + 2*4e4)
    assert a["mean_area_weighted_nok_m2"] == pytest.approx(1890.0)
    b = _row(table, municipality="B", price_class="serviced, fees included")
    assert b["median_nok_m2"] == pytest.approx(420.0)
    assert b["area_daa"] == pytest.approx(90.0)


def test_summary_keeps_price_classes_and_kinds_apart(tiny_observations):
    table = summarize_prices(tiny_observations, by="municipality")
    raw = _row(table, municipality="A", price_class="raw, fees excluded")
    assert raw["n_observations"] == 1 and raw["median_nok_m2"] == 700.0
    tx = _row(table, municipality="A", kind="transaction")
    assert tx["median_nok_m2"] == 900.0
    assert len(table) == 4  # A serviced asking, A raw asking, A transaction, B serviced asking


def test_summary_by_year_and_filters(tiny_observations):
    table = summarize_prices(tiny_observations, by="year", kind="asking", basis="serviced")
    assert table["year"].tolist() == [2020, 2021]
    assert table["median_nok_m2"].tolist() == [1000.0, 1100.0]


def test_summary_rejects_unknown_grouping(tiny_observations):
    with pytest.raises(ValueError, match="by must be one of"):
        summarize_prices(tiny_observations, by="colour")
