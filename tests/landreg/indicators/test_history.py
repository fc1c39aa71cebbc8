"""Indicators at a past date, and uptake and years of supply from a history built through the registry's API."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest
from scipy import stats

from landreg.indicators import compute_indicators
from tests.landreg.indicators.conftest import small_frame

#: code -> (change, year the source gives or None for the day it is recorded)
SALES = {
    "IND-000": ({"status": "sold"}, 2018),
    "IND-001": ({"status": "sold"}, 2021),
    "IND-004": ({"status": "sold"}, 2023),
    "IND-005": ({"status": "reserved", "occupants": [{"name": "Kjøl og Frys AS", "nace": "46.39"}]}, 2024),
    "IND-006": ({"status": "sold"}, None),
}


def _tick() -> dt.datetime:
    """A time strictly between two recorded versions (the registry stamps versions to the millisecond)."""
    time.sleep(0.01)
    t = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    return t


def _record_sales(registry, codes) -> None:
    for code in codes:
        change, year = SALES[code]
        plot = registry.get_plot_by_code(code)
        changes = dict(change)
        if year is not None:
            field = "status" if change["status"] == "sold" else "occupants"
            changes["provenance"] = {field: {"source": "Trondheim kommune, salgsvedtak", "date": f"{year}-06-15"}}
        registry.update_plot(plot.plot_id, changes, expected_version=plot.version, actor="test")
    plot = registry.get_plot_by_code("IND-007")
    if plot.status != "reserved":  # reserved, not sold: no uptake
        registry.update_plot(plot.plot_id, {"status": "reserved"}, expected_version=plot.version, actor="test")


def _areas_daa() -> dict[str, float]:
    frame = small_frame()
    return dict(zip(frame["code"], frame.geometry.area / 1000.0, strict=True))


def _expected_rates(codes, *, as_of: dt.date, first_year: int, municipality: str | None = None):
    """Per year, averages over the last 5 and 10 complete years and the slope, from the construction."""
    areas = _areas_daa()
    muni = dict(zip(small_frame()["code"], small_frame()["municipality_no"], strict=True))
    per_year = {y: 0.0 for y in range(first_year, as_of.year + 1)}
    for code in codes:
        if municipality is None or muni[code] == municipality:
            year = SALES[code][1] or as_of.year
            per_year[year] += areas[code]
    out = {}
    for n in (5, 10):
        span = [y for y in range(as_of.year - n, as_of.year) if y >= first_year]
        out[n] = (sum(per_year[y] for y in span) / len(span), len(span))
    span10 = [y for y in range(as_of.year - 10, as_of.year) if y >= first_year]
    slope = stats.linregress(span10, [per_year[y] for y in span10]).slope
    return per_year, out, slope


def test_uptake_and_years_of_supply_from_the_history(small_registry):
    _record_sales(small_registry, SALES)
    report = compute_indicators(small_registry)
    today = report.as_of.date()
    areas = _areas_daa()
    for scope, key, muni in (
        ("region", "region", None),
        ("municipality", "5001", "5001"),
        ("municipality", "5028", "5028"),
    ):
        got = report.scope(scope, key)
        per_year, averages, slope = _expected_rates(SALES, as_of=today, first_year=2018, municipality=muni)
        assert got.figure("uptake_daa_per_year").value == pytest.approx({str(y): v for y, v in per_year.items()})
        available = sum(
            a
            for c, a in areas.items()
            if c not in SALES
            and c != "IND-007"
            and (muni is None or small_frame().set_index("code").loc[c, "municipality_no"] == muni)
        )
        assert got.figure("available_now_daa").value == pytest.approx(available)
        for n in (5, 10):
            avg, observed = averages[n]
            fig = got.figure(f"uptake_avg_{n}y_daa_per_year")
            assert fig.value == pytest.approx(avg) and fig.detail["years_observed"] == observed
            years = got.figure(f"years_of_supply_{n}y")
            assert years.value == (pytest.approx(available / avg) if avg else None)
        assert got.figure("uptake_trend_daa_per_year2").value == pytest.approx(slope)
    assert report.scope("region").figure("uptake_daa_per_year").detail["n_events"] == len(SALES)


def test_as_of_in_the_past_gives_the_past_figures(small_registry):
    areas = _areas_daa()
    before = _tick()
    _record_sales(small_registry, ["IND-000", "IND-001"])
    middle = _tick()
    _record_sales(small_registry, ["IND-004", "IND-005", "IND-006"])
    past, mid, now = (compute_indicators(small_registry, as_of=t) for t in (before, middle, None))
    total = sum(areas.values())
    region = past.scope("region")
    assert region.figure("available_now_daa").value == pytest.approx(total)
    assert region.figure("sold_daa").value == 0.0 and region.figure("reserved_daa").value == 0.0
    assert region.figure("uptake_daa_per_year").detail["n_events"] == 0
    assert region.figure("uptake_avg_10y_daa_per_year").value is None
    sold_mid = areas["IND-000"] + areas["IND-001"]
    assert mid.scope("region").figure("sold_daa").value == pytest.approx(sold_mid)
    assert mid.scope("region").figure("uptake_daa_per_year").detail["n_events"] == 2
    assert mid.scope("business_area", "b").figure("sold_daa").value == 0.0
    sold_now = sold_mid + areas["IND-004"] + areas["IND-006"]
    assert now.scope("region").figure("sold_daa").value == pytest.approx(sold_now)
    assert now.scope("region").figure("reserved_daa").value == pytest.approx(areas["IND-005"] + areas["IND-007"])
    # the largest available block of area a: IND-000..002 touch (18 daa) until two of them are sold
    assert past.scope("business_area", "a").figure("largest_available_block_daa").value == pytest.approx(
        areas["IND-000"] + areas["IND-001"] + areas["IND-002"]
    )
    assert now.scope("business_area", "a").figure("largest_available_block_daa").value == pytest.approx(
        max(areas["IND-002"], areas["IND-003"])
    )
    # effective decares at the past date use the same enrichment (outlines unchanged)
    assert past.scope("region").figure("effective_daa").value > now.scope("region").figure("effective_daa").value > 0


def test_a_plot_added_sold_is_no_uptake(small_registry):
    frame = small_frame().iloc[:1].copy()
    frame["code"] = "IND-100"
    frame["status"] = "sold"
    frame["geometry"] = frame.geometry.translate(0, 500)
    small_registry.add_plots(frame, actor="test")
    report = compute_indicators(small_registry)
    assert report.scope("region").figure("uptake_daa_per_year").detail["n_events"] == 0
    assert report.scope("region").figure("sold_daa").value == pytest.approx(frame.geometry.area.sum() / 1000)
    assert np.isclose(sum(report.scope("region").figure("uptake_daa_per_year").value.values()), 0.0)


def _rounded(value):
    """Floats rounded to 9 digits, inside dicts and lists too (sums in another order differ in the last bits)."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def _figures(report) -> dict:
    """Every figure's value and synthetic counts per scope (the reference time and history dates left out)."""
    out = {}
    for scope in report.scopes:
        for fig in scope.figures:
            out[(scope.scope, scope.key, fig.id)] = (fig.value, fig.synthetic.to_dict(), fig.note)
    return out


def test_indicators_as_of_a_past_time_equal_those_of_a_registry_rebuilt_to_then(small_registry, tmp_path):
    from tests.landreg.indicators.conftest import build_small_registry

    _record_sales(small_registry, ["IND-000", "IND-001", "IND-004"])
    then = _tick()
    _record_sales(small_registry, ["IND-005", "IND-006"])
    past = compute_indicators(small_registry, as_of=then)
    rebuilt = build_small_registry(tmp_path / "rebuilt.gpkg")  # the same plots, and only the changes made by then
    try:
        _record_sales(rebuilt, ["IND-000", "IND-001", "IND-004"])
        again = compute_indicators(rebuilt)
    finally:
        rebuilt.close()
    got, want = _figures(past), _figures(again)
    assert got.keys() == want.keys()
    for key, (value, synthetic, note) in want.items():
        assert _rounded(got[key][0]) == _rounded(value), key
        assert got[key][1] == synthetic and got[key][2] == note, key
    region = past.scope("region")
    assert region.figure("uptake_daa_per_year").detail["n_events"] == 3
    assert region.figure("years_of_supply_10y").value == pytest.approx(
        again.scope("region").figure("years_of_supply_10y").value
    )
