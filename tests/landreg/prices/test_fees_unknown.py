"""An unknown treatment of connection fees (a stored NULL) stays unknown, end to end.

It is its own like-for-like class ("fees unknown"), never read as "fees included".
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from landreg.prices import (
    InsufficientPriceDataError,
    MixedPriceBasisError,
    current_asking_prices,
    fees_flags,
    load_price_observations,
    most_common_price_class,
    price_index,
    select_prices,
)
from landreg.registry import open_registry
from landreg.testing import make_plot_frame

FLAGS = [True, False, None, None]  # plot 3 and 4: not recorded


@pytest.fixture
def registry(tmp_path):
    """Four serviced plots whose fee flags are True, False, NULL, NULL, each with two asking prices."""
    reg = open_registry(tmp_path / "registry.gpkg", create=True)
    frame = make_plot_frame(4, seed=3)
    frame["price_basis"] = "serviced"
    frame["connection_fees_included"] = pd.Series(FLAGS, dtype=object)
    ids = reg.add_plots(frame, actor="test")
    for i, (pid, flag) in enumerate(zip(ids, FLAGS, strict=True)):
        rows = [
            {"observed_on": f"{year}-05-01", "kind": "asking", "price_nok_m2": 1000.0 + 100 * i + year - 2020}
            for year in (2020, 2021)
        ]
        reg.add_price_observations(
            pid, [dict(r, basis="serviced", connection_fees_included=flag) for r in rows], actor="test"
        )
    yield reg
    reg.close()


def _expected_flags(registry) -> dict[str, bool | None]:
    plots = registry.query_plots()  # codes T-000000 ... T-000003 in the order of FLAGS
    return {pid: FLAGS[int(code[-6:])] for pid, code in zip(plots["plot_id"], plots["code"], strict=True)}


def test_price_history_keeps_null_as_unknown(registry):
    history = registry.price_history()
    assert str(history["connection_fees_included"].dtype) == "boolean"
    expected = _expected_flags(registry)
    got = [None if f is pd.NA else bool(f) for f in history["connection_fees_included"]]
    assert got == [expected[pid] for pid in history["plot_id"]]
    assert got.count(None) == 4


def test_registry_with_null_fee_flags_gives_fees_unknown_classes(registry):
    obs = load_price_observations(registry)
    counts = obs.groupby("price_class").size().to_dict()
    assert counts == {"serviced, fees included": 2, "serviced, fees excluded": 2, "serviced, fees unknown": 4}
    asking = current_asking_prices(registry.query_plots())
    assert sorted(asking["price_class"]) == sorted(
        ["serviced, fees included", "serviced, fees excluded", "serviced, fees unknown", "serviced, fees unknown"]
    )


def test_unknown_is_never_pooled_with_included(registry):
    obs = load_price_observations(registry)
    assert len(select_prices(obs, fees="included")) == 2
    assert len(select_prices(obs, connection_fees_included=True)) == 2
    assert len(select_prices(obs, fees="unknown")) == 4
    with pytest.raises(MixedPriceBasisError, match="fees unknown"):
        price_index(obs.loc[obs["price_class"] != "serviced, fees excluded"], kind="asking", method="median")
    table = price_index(obs, kind="asking", fees="unknown", method="median")
    assert table["n_observations"].tolist() == [2, 2]


def test_most_common_class_counts_unknown_as_a_class(registry):
    obs = load_price_observations(registry)
    chosen = most_common_price_class(obs, kind="asking")
    assert (chosen.basis, chosen.fees, chosen.n_prices) == ("serviced", "unknown", 4)
    assert chosen.label == "serviced, fees unknown"
    # a tie (2 included, 2 excluded) goes to the first in the order included, excluded, unknown
    assert most_common_price_class(select_prices(obs, fees="excluded"), kind="asking").fees == "excluded"
    assert most_common_price_class(obs.loc[obs["price_class"] != "serviced, fees unknown"]).fees == "included"
    with pytest.raises(InsufficientPriceDataError, match="kind='transaction'"):
        most_common_price_class(obs, kind="transaction")


def test_price_table_round_trips_unknown(registry):
    pid = registry.query_plots()["plot_id"].iloc[0]
    table = pd.DataFrame(
        {
            "plot_id": [pid, pid],
            "observed_on": ["2022-01-01", "2023-01-01"],
            "kind": "asking",
            "price_nok_m2": [1500.0, 1600.0],
            "basis": "serviced",
            "connection_fees_included": pd.array([pd.NA, False], dtype="boolean"),
        }
    )
    assert registry.add_price_table(table, actor="test") == 2
    mine = registry.price_history(pid)
    last = mine.sort_values("observed_on").tail(2)["connection_fees_included"]
    assert [None if v is pd.NA else bool(v) for v in last] == [None, False]


def test_fees_flags_are_three_valued():
    flags = fees_flags([True, 0, 1, None, np.nan, pd.NA, 1.0, 0.0])
    assert flags.tolist() == [True, False, True, pd.NA, pd.NA, pd.NA, True, False]
    for bad in ("yes", 2, 0.5):
        with pytest.raises(ValueError, match=repr(bad)):
            fees_flags([bad])


def _independent_index(db, *, fees_sql: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Serviced asking prices read with SQL (``fees_sql`` picks the fee class), and their yearly index.

    Median index: ``100 * median_t / median_base``.  Time-dummy index: least squares (numpy)
    of log price on year dummies, log area, zoning and municipality dummies; ``100 * exp(d_t)``.
    """
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT p.observed_on, p.price_nok_m2, q.area_m2, q.zoning, q.municipality_no "
            "FROM plot_prices p JOIN plots q ON q.plot_id = p.plot_id "
            f"WHERE p.kind = 'asking' AND p.basis = 'serviced' AND {fees_sql}"
        ).fetchall()
    data = pd.DataFrame(rows, columns=["observed_on", "price", "area_m2", "zoning", "municipality_no"])
    data["year"] = data["observed_on"].str[:4].astype(int)
    years = sorted(data["year"].unique())
    medians = data.groupby("year")["price"].median()
    median_index = 100.0 * medians / medians.loc[years[0]]
    columns = [np.ones(len(data)), np.log(data["area_m2"].to_numpy(float))]
    columns += [(data["year"] == y).to_numpy(float) for y in years[1:]]
    for col in ("zoning", "municipality_no"):
        columns += [(data[col] == v).to_numpy(float) for v in sorted(data[col].unique())[1:]]
    coef, *_ = np.linalg.lstsq(np.column_stack(columns), np.log(data["price"].to_numpy(float)), rcond=None)
    dummy_index = 100.0 * np.exp(np.concatenate([[0.0], coef[2 : 2 + len(years) - 1]]))
    return (
        pd.DataFrame({"year": years, "index": median_index.loc[years].to_numpy()}),
        pd.DataFrame({"year": years, "index": dummy_index}),
    )


@pytest.mark.parametrize(
    ("fees", "fees_sql"),
    [
        ("included", "p.connection_fees_included = 1"),
        ("excluded", "p.connection_fees_included = 0"),
        ("unknown", "p.connection_fees_included IS NULL"),
    ],
)
def test_demo_index_equals_an_independent_recomputation(bundled_registry, fees, fees_sql):
    reg = open_registry(bundled_registry)
    try:
        obs = load_price_observations(reg)
    finally:
        reg.close()
    if fees == "unknown":
        chosen = select_prices(obs, fees="unknown")
    else:
        chosen = select_prices(obs, connection_fees_included=fees == "included")
    median_ref, dummy_ref = _independent_index(bundled_registry, fees_sql=fees_sql)
    median = price_index(chosen, kind="asking", basis="serviced", method="median")
    dummy = price_index(chosen, kind="asking", basis="serviced", method="time_dummy")
    assert median["year"].tolist() == median_ref["year"].tolist()
    assert median["n_observations"].sum() == len(select_prices(chosen, kind="asking", basis="serviced"))
    assert median["index"].to_numpy() == pytest.approx(median_ref["index"].to_numpy())
    assert dummy["index"].to_numpy() == pytest.approx(dummy_ref["index"].to_numpy(), rel=1e-9)
