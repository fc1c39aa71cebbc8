"""Supply over time: decares by status at each year end, from one sweep of the history, equal the as_of figures."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest

from landreg.indicators import compute_indicators, compute_registry_indicators, read_history
from landreg.indicators.supply_history import SUPPLY_STATUSES, sweep_history, year_end
from landreg.registry import open_registry
from tests.landreg.indicators.conftest import LAYERS
from tests.landreg.indicators.test_history import _record_sales, _tick


def _stamp(day: dt.datetime) -> str:
    return day.strftime("%Y-%m-%dT%H:%M:%S.") + f"{day.microsecond // 1000:03d}Z"


def _record_history_over_years(path) -> None:
    """Give the demo registry's history the times its sources date: plots added in 2010, each sale on its date.

    The registry stamps every version with the time it is recorded, so a history that spans years is
    written into the GeoPackage directly: version 1 of every plot recorded on 3 March 2010 (before the
    first dated sale), each later version on the date its source gives for the change (noon), each
    version superseded when the next is recorded.
    """
    reg = open_registry(path)
    try:
        history = read_history(reg, as_of=None)
        times: dict[tuple[str, int], dt.datetime] = {}
        for plot_id, version, prov in zip(history["plot_id"], history["version"], history["provenance"], strict=True):
            when = dt.datetime(2010, 3, 3, 9, 0, tzinfo=dt.UTC)
            if version > 1:
                given = (prov.get("status") or {}).get("date")
                assert given, "every later version of the demo is a dated sale"
                when = dt.datetime.fromisoformat(given[:10]).replace(hour=12, tzinfo=dt.UTC)
            times[(str(plot_id), int(version))] = when
        with reg._conn:  # the registry's connection knows the GeoPackage's SQL functions its triggers call
            for (plot_id, version), when in times.items():
                after = times.get((plot_id, version + 1))
                reg._conn.execute(
                    "UPDATE plot_versions SET recorded_at = ?, superseded_at = ? WHERE plot_id = ? AND version = ?",
                    (_stamp(when), None if after is None else _stamp(after), plot_id, version),
                )
    finally:
        reg.close()


@pytest.fixture(scope="module")
def demo_over_years(demo_registry_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("supply") / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    _record_history_over_years(path)
    reg = open_registry(path)
    yield reg
    reg.close()


def _series_of(report, scope) -> dict:
    return report.scope(scope.scope, scope.key).figure("supply_daa_by_year").value


def test_supply_at_each_year_end_equals_the_indicators_as_of_then(demo_over_years):
    report = compute_registry_indicators(demo_over_years, layers_dir=LAYERS)
    region = report.scope("region").figure("supply_daa_by_year")
    assert list(region.value) == [str(y) for y in range(2010, report.as_of.year + 1)]
    assert region.value["2010"]["sold_daa"] == 0.0 and region.value["2010"]["available_now_daa"] > 0
    sold = [region.value[str(y)]["sold_daa"] for y in range(2010, 2026)]
    assert sold == sorted(sold) and sold[-1] > sold[0]  # the dated sales accumulate
    for year in (2016, 2020, 2025):
        then = compute_registry_indicators(demo_over_years, layers_dir=LAYERS, as_of=year_end(year))
        for scope in then.scopes:
            point = _series_of(report, scope)[str(year)]
            for status in (*SUPPLY_STATUSES, "years_of_supply_5y"):
                want = scope.figure(status).value
                assert point[status] == (None if want is None else pytest.approx(want, abs=1e-9)), (scope.key, status)
        assert then.scope("region").figure("years_of_supply_5y").value is not None or year < 2016
    # the last point is the report's own figures at its time
    last = region.value[str(report.as_of.year)]
    for status in SUPPLY_STATUSES:
        assert last[status] == pytest.approx(report.scope("region").figure(status).value, abs=1e-9)
    # a scope with no plot at a year end counts zero there; every scope has every year
    for scope in report.scopes:
        assert list(_series_of(report, scope)) == list(region.value)
    # demo plots and sales are synthetic, and the figure says so
    assert region.synthetic_share == 1.0 and {c.what for c in region.synthetic.counts} >= {"plots", "status"}


def test_the_sweep_at_any_time_equals_the_registry_read_as_of_then(small_registry):
    before = _tick()
    _record_sales(small_registry, ["IND-000", "IND-001"])
    plot = small_registry.get_plot_by_code("IND-004")
    small_registry.end_plot(plot.plot_id, expected_version=plot.version, actor="test")
    middle = _tick()
    _record_sales(small_registry, ["IND-006"])
    after = _tick()
    ends = [before, middle, after]
    sweep = sweep_history(read_history(small_registry, as_of=None), ends=ends)
    history = read_history(small_registry, as_of=None)
    region = np.zeros(len(history), dtype=np.int64)
    area_b = np.where(history["business_area_id"].astype(str) == "b", 0, -1)
    got_region = sweep.decares(region, n_groups=1)[0]
    got_b = sweep.decares(area_b, n_groups=1)[0]
    for i, t in enumerate(ends):
        report = compute_indicators(small_registry, as_of=t)
        for k, status in enumerate(SUPPLY_STATUSES):
            assert got_region[k, i] == pytest.approx(report.scope("region").figure(status).value, abs=1e-9)
            assert got_b[k, i] == pytest.approx(report.scope("business_area", "b").figure(status).value, abs=1e-9)
    assert got_region[SUPPLY_STATUSES.index("sold_daa")].tolist() == sorted(got_region[4].tolist())
    assert got_b[:, 1].sum() < got_b[:, 0].sum()  # IND-004 (area b) ended: read by no later as_of


def test_available_from_moves_a_plot_from_later_to_now_at_the_year_end_on_or_after_it():
    recorded = pd.Timestamp("2019-05-01T10:00:00Z")
    history = pd.DataFrame(
        {
            "recorded": [recorded, recorded, recorded, pd.Timestamp("2021-02-01T00:00:00Z")],
            "superseded_at": [None, None, "2021-02-01T00:00:00.000Z", None],
            "valid_to": [None, None, None, None],
            "status": ["available", "available", "reserved", "sold"],
            "available_from": ["2021-06-01", "2020-12-31", None, None],
            "area_m2": [1000.0, 2000.0, 4000.0, 4000.0],
        }
    )
    ends = [year_end(y) for y in (2018, 2019, 2020, 2021, 2022)]
    got = sweep_history(history, ends=ends).decares(np.zeros(4, dtype=np.int64), n_groups=1)[0]
    now, later, reserved, _, sold = (got[SUPPLY_STATUSES.index(s)] for s in SUPPLY_STATUSES)
    assert now.tolist() == [0.0, 0.0, 2.0, 3.0, 3.0]  # 2 daa from 31.12.2020, 1 daa from 2021
    assert later.tolist() == [0.0, 3.0, 1.0, 0.0, 0.0]
    assert reserved.tolist() == [0.0, 4.0, 4.0, 0.0, 0.0] and sold.tolist() == [0.0, 0.0, 0.0, 4.0, 4.0]


def _flat(series: dict, years=None) -> dict:
    return {(y, k): v for y, point in series.items() if years is None or y in years for k, v in point.items()}


def test_a_report_of_one_municipality_or_a_past_date_holds_the_same_series(demo_over_years):
    report = compute_registry_indicators(demo_over_years, layers_dir=LAYERS)
    trondheim = report.scope("municipality", "5001").figure("supply_daa_by_year").value
    alone = compute_registry_indicators(demo_over_years, layers_dir=LAYERS, municipality_no=["Trondheim"])
    assert _flat(alone.scope("region").figure("supply_daa_by_year").value) == pytest.approx(_flat(trondheim))
    past = compute_registry_indicators(demo_over_years, layers_dir=LAYERS, as_of=dt.datetime(2019, 7, 1, tzinfo=dt.UTC))
    then = past.scope("region").figure("supply_daa_by_year")
    assert list(then.value) == [str(y) for y in range(2010, 2020)] and not then.note
    whole = report.scope("region").figure("supply_daa_by_year").value
    before = set(then.value) - {"2019"}  # year ends before the report's date
    assert _flat(then.value, before) == pytest.approx(_flat(whole, before))
    assert then.value["2019"]["sold_daa"] == pytest.approx(past.scope("region").figure("sold_daa").value)
