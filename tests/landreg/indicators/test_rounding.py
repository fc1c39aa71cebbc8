"""The report's JSON and CSV round each number by its unit; the figures keep full precision."""

from __future__ import annotations

import json

import pytest

from landreg.indicators import compute_indicators
from landreg.indicators.rounding import rounded


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)


def test_json_and_csv_numbers_are_rounded_by_unit(demo_registry):
    report = compute_indicators(demo_registry)
    plain = report.to_dict()
    assert all(len(repr(x).split(".")[-1]) <= 4 for x in _floats(plain))
    exact = report.to_dict(exact=True)
    assert any(len(repr(x).split(".")[-1]) > 6 for x in _floats(exact))  # the figures themselves are not rounded
    region = {f["id"]: f for f in plain["scopes"][0]["figures"]}
    fig = report.scope("region").figure("available_now_daa")
    assert region["available_now_daa"]["value"] == round(fig.value, 3) == pytest.approx(fig.value, abs=5e-4)
    years = report.scope("region").figure("years_of_supply_10y")
    assert region["years_of_supply_10y"]["value"] == round(years.value, 1)
    frame = report.to_frame()
    assert frame.loc[frame["figure"] == "available_now_daa", "value"].iloc[0] == round(fig.value, 3)
    json.dumps(plain, allow_nan=False)  # plain JSON: no NaN or infinity


@pytest.mark.parametrize(
    ("value", "unit", "want"),
    [
        (1234.56789, "daa", 1234.568),
        (12.187236, "years", 12.2),
        (1137.5, "NOK/m²", 1138),
        (
            {"median_nok_m2": 1290.4, "n_plots": 3, "daa": 1.23456},
            "NOK/m²",
            {"median_nok_m2": 1290, "n_plots": 3, "daa": 1.235},
        ),
        ({"2024": 10.00049}, "daa", {"2024": 10.0}),
        (float("nan"), "daa", None),
        (-0.0001, "daa", 0.0),
    ],
)
def test_rounded(value, unit, want):
    assert rounded(value, unit=unit) == want
