"""The hedonic model recovers known coefficients from data generated with them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landreg.prices import compare_asking_to_model, fit_price_model

TRUE = {
    "const": 7.0,
    "log_area": -0.15,
    "access_min": -0.012,
    "slope_deg": -0.03,
    "zoning[office]": 0.40,
    "zoning[port]": 0.20,
    "municipality_no[5028]": -0.50,
    "municipality_no[5029]": -0.90,
    "year[2021]": 0.04,
    "year[2022]": 0.08,
    "year[2023]": 0.12,
}


def _synthetic(seed=42, n_plots=200, with_enrichment=True):
    rng = np.random.default_rng(seed)
    plots = pd.DataFrame(
        {
            "plot_id": [f"p{i}" for i in range(n_plots)],
            "area_m2": np.exp(rng.uniform(8, 12, n_plots)),
            "zoning": rng.choice(["industry", "office", "port"], n_plots, p=[0.5, 0.3, 0.2]),
            "municipality_no": rng.choice(["5001", "5028", "5029"], n_plots, p=[0.5, 0.3, 0.2]),
            "municipality_name": "X",
            "x": rng.uniform(550_000, 600_000, n_plots),
            "y": rng.uniform(7_000_000, 7_050_000, n_plots),
            "motorway_junction_travel_time_s": rng.uniform(2, 40, n_plots) * 60.0,
            "slope_deg": rng.uniform(0, 10, n_plots),
        }
    )
    rows = []
    for year in (2020, 2021, 2022, 2023):
        frame = plots.assign(year=year)
        mu = (
            TRUE["const"]
            + TRUE["log_area"] * np.log(frame["area_m2"])
            + TRUE["access_min"] * frame["motorway_junction_travel_time_s"] / 60
            + TRUE["slope_deg"] * frame["slope_deg"]
            + frame["zoning"].map({"industry": 0.0, "office": 0.40, "port": 0.20})
            + frame["municipality_no"].map({"5001": 0.0, "5028": -0.50, "5029": -0.90})
            + {2020: 0.0, 2021: 0.04, 2022: 0.08, 2023: 0.12}[year]
        )
        frame["price_nok_m2"] = np.exp(mu + rng.normal(0, 0.05, n_plots))
        rows.append(frame)
    obs = pd.concat(rows, ignore_index=True).assign(kind="asking", basis="serviced", connection_fees_included=True)
    if not with_enrichment:
        obs = obs.drop(columns=["motorway_junction_travel_time_s", "slope_deg"])
    return obs


def test_recovers_known_coefficients():
    model = fit_price_model(_synthetic(), permutations=99)
    est = model.coefficients.set_index("term")["estimate"]
    assert model.access_column == "motorway_junction_travel_time_s"
    assert model.slope_column == "slope_deg"
    assert model.reference_levels == {"zoning": "industry", "municipality_no": "5001", "year": "2020"}
    for term, value in TRUE.items():
        tol = {"access_min": 0.001, "slope_deg": 0.003, "log_area": 0.01}.get(term, 0.03)
        assert est[term] == pytest.approx(value, abs=tol), term
    assert model.n == 800 and model.n_dropped == 0
    assert model.r2 > 0.95 and model.adj_r2 <= model.r2
    stats = model.fit_statistics()
    assert {"n", "r2", "adj_r2", "aic", "moran_i", "moran_p_value"} <= set(stats.columns)
    assert model.moran is not None and 0 < model.moran.p_value <= 1
    assert model.moran.n == 200  # one mean residual per plot


def test_works_without_enrichment():
    model = fit_price_model(_synthetic(with_enrichment=False), permutations=9)
    assert model.access_column is None and model.slope_column is None
    terms = set(model.coefficients["term"])
    assert "access_min" not in terms and "slope_deg" not in terms and "log_area" in terms


def test_predicted_vs_asking_flags():
    obs = _synthetic()
    model = fit_price_model(obs, permutations=9)
    plots = obs[obs["year"] == 2023].head(3).copy()
    predicted = model.predict(plots)
    plots["price_nok_m2"] = predicted * np.array([1.3, 0.7, 1.0])
    unseen = plots.iloc[[0]].assign(municipality_no="9999", plot_id="new")
    table = compare_asking_to_model(model, pd.concat([plots, unseen], ignore_index=True), tolerance=0.15)
    assert table["flag"].tolist() == ["over", "under", "in line", "not predicted"]
    assert table["ratio"].iloc[:3].tolist() == pytest.approx([1.3, 0.7, 1.0])


def test_enrichment_frame_indexed_like_plots_is_joined():
    from landreg.prices import build_price_observations
    from landreg.prices.model import find_access_column, find_slope_column
    from tests.landreg.prices.conftest import make_history, make_plots

    plots = make_plots([("p1", 100, "A", "industry"), ("p2", 200, "B", "office")])
    enriched = pd.DataFrame({"slope_mean_deg": [2.0, 5.0], "port_travel_time_s": [600.0, np.nan]}, index=plots.index)
    history = make_history([("p2", "2021-01-01", "asking", 900.0, "raw", False)])
    obs = build_price_observations(plots, history, enriched=enriched)
    assert obs.loc[0, "slope_mean_deg"] == 5.0 and np.isnan(obs.loc[0, "port_travel_time_s"])
    assert find_slope_column(obs) == "slope_mean_deg"
    assert find_access_column(obs) is None  # all NaN for the observed plot
