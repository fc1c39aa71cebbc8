"""Dated plot changes from a layer: plots are added as they were, then changed with dated provenance."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from landreg.errors import ConfigurationError
from landreg.indicators import compute_indicators, read_history, uptake_events
from landreg.layers import load_layer
from landreg.layers.changes import apply_plot_changes, plots_before_changes, read_plot_changes
from landreg.provenance.entries import entry_is_synthetic, entry_of
from landreg.registry import open_registry
from tests.landreg.indicators.conftest import small_frame


def _changes(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["plot_id", "changed_on", "before", "source", "note"])


def test_a_plot_with_dated_changes_is_added_as_it_was_and_changed_in_date_order(tmp_path):
    plots = small_frame()
    plots["plot_id"] = [f"00000000-0000-4000-8000-{k:012d}" for k in range(len(plots))]
    plots.loc[0, "status"] = "sold"
    plots.loc[0, "occupants"] = json.dumps([{"name": "Kjøl og Frys AS", "nace": "46.39"}], ensure_ascii=False)
    plots.loc[0, "last_verified"] = "2025-03-01"
    pid = plots.loc[0, "plot_id"]
    table = _changes(
        [
            (
                pid,
                "2019-05-02",
                json.dumps({"status": "reserved", "occupants": []}),
                "Melhus kommune, salgsvedtak",
                None,
            ),
            (pid, "2017-01-10", json.dumps({"status": "available"}), "synthetic", "reserved (demonstration)"),
        ]
    )
    changes = read_plot_changes(table, layer_id="sales")
    assert list(changes["changed_on"]) == [dt.date(2017, 1, 10), dt.date(2019, 5, 2)]
    first = plots_before_changes(plots, changes)
    assert first.loc[0, "status"] == "available" and first.loc[0, "occupants"] == "[]"
    with open_registry(tmp_path / "r.gpkg", create=True) as reg:
        reg.add_plots(first, actor="test")
        assert apply_plot_changes(reg, plots, changes, actor="test") == 2
        history = reg.plot_history(pid)
        assert list(history["status"]) == ["available", "reserved", "sold"]
        now = reg.get_plot(pid)
        assert now.occupants[0].name == "Kjøl og Frys AS" and str(now.last_verified) == "2025-03-01"
        status = entry_of(now.model_dump(mode="json")["provenance"], "status")
        assert status["date"] == "2019-05-02" and status["source"] == "Melhus kommune, salgsvedtak"
        reserved = entry_of(history.iloc[1]["provenance"], "status")
        assert reserved["date"] == "2017-01-10" and entry_is_synthetic(reserved)
        events = uptake_events(read_history(reg, as_of=dt.datetime.now(dt.UTC)))
        assert list(events["date"]) == [dt.date(2019, 5, 2)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("x", "not a date", '{"status": "available"}', "synthetic", None), "is not a date"),
        (("x", "2020-01-01", "[]", "synthetic", None), "must be a JSON object"),
        (("x", "2020-01-01", '{"status": "available"}', None, None), "needs its source"),
    ],
)
def test_a_bad_change_row_is_refused_with_its_row_number(row, message):
    with pytest.raises(ConfigurationError, match=f"layer 'sales', row 1: .*{message}"):
        read_plot_changes(_changes([row]), layer_id="sales")


def test_a_change_of_an_unknown_plot_is_refused():
    changes = read_plot_changes(
        _changes([("nope", "2020-01-01", '{"status": "available"}', "synthetic", None)]), layer_id="s"
    )
    with pytest.raises(ConfigurationError, match="plots layer does not hold"):
        plots_before_changes(small_frame().assign(plot_id="a"), changes)


def test_the_demo_registry_holds_dated_synthetic_sales(demo_registry_file, layers_dir):
    sales = load_layer("sales", layers_dir=layers_dir)
    plots = load_layer("demo_plots", layers_dir=layers_dir)
    assert set(sales["plot_id"]) == set(plots.loc[plots["status"] == "sold", "plot_id"])
    assert set(sales["source"]) == {"synthetic"}
    with open_registry(demo_registry_file) as reg:
        events = uptake_events(read_history(reg, as_of=dt.datetime.now(dt.UTC)))
        report = compute_indicators(reg)
    assert len(events) == len(sales)
    assert sorted(events["date"].astype(str)) == sorted(pd.to_datetime(sales["changed_on"]).dt.date.astype(str))
    assert 2011 <= events["year"].min() and events["year"].max() <= 2025
    region = report.scope("region")
    per_year = region.figure("uptake_daa_per_year").value
    assert sum(per_year.values()) == pytest.approx(events["area_daa"].sum())
    for n in (5, 10):
        assert region.figure(f"uptake_avg_{n}y_daa_per_year").value > 0
        years = region.figure(f"years_of_supply_{n}y")
        assert years.value == pytest.approx(
            region.figure("available_now_daa").value / region.figure(f"uptake_avg_{n}y_daa_per_year").value
        )
        # the sales are synthetic, and the figures say so
        assert years.synthetic_share == 1.0
        assert years.synthetic.get("status").n_synthetic == years.synthetic.get("status").n_total > 0
