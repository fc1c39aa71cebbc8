"""Effective supply by hand."""

from __future__ import annotations

import json

import pytest

from landreg.scoring import Criterion, ScoringProfile, score_plots
from landreg.supply import SupplyParams, effective_supply

from .conftest import small_frame, square


def test_effective_decares_by_hand():
    plots = small_frame(
        [
            # 10 daa available build-ready, touching b -> block 20 daa
            {
                "code": "a",
                "municipality_no": "5001",
                "business_area_id": "x",
                "status": "available",
                "readiness": "build_ready",
                "score_in": 80.0,
                "geometry": square(0, 0),
            },
            # 10 daa available, raw
            {
                "code": "b",
                "municipality_no": "5001",
                "business_area_id": "x",
                "status": "available",
                "readiness": "raw",
                "score_in": 50.0,
                "geometry": square(100, 0),
            },
            # 2.5 daa available, serviced, alone -> contiguity 2.5 / 10
            {
                "code": "c",
                "municipality_no": "5029",
                "business_area_id": "y",
                "status": "available",
                "readiness": "serviced",
                "score_in": 60.0,
                "geometry": square(2000, 0, 50),
            },
            # 10 daa locked: not supply
            {
                "code": "d",
                "municipality_no": "5029",
                "business_area_id": "y",
                "status": "locked",
                "readiness": "zoned",
                "score_in": 90.0,
                "geometry": square(4000, 0),
            },
        ]
    )
    crit = {"s": Criterion(name="s", label="s", column="score_in", transform="positive", lo=0, hi=100)}
    scores = score_plots(plots, profile=ScoringProfile(name="t", version="1", criteria=crit, weights={"s": 1}))
    result = effective_supply(
        plots,
        scores=scores,
        uptake_daa_per_year=5.0,
        uptake_by_municipality={"5001": 2.0},
        params=SupplyParams(min_block_daa=10, gap_m=0, attractive_score=60),
    )
    eff = result.plots.set_index("code")["effective_daa"]
    assert eff["a"] == pytest.approx(10 * 0.80 * 1.0 * 1.0)
    assert eff["b"] == pytest.approx(10 * 0.50 * 0.4 * 1.0)
    assert eff["c"] == pytest.approx(2.5 * 0.60 * 0.85 * 0.25)
    assert eff["d"] == 0
    region = result.region
    assert region["supply_daa"] == pytest.approx(22.5) and region["locked_daa"] == pytest.approx(10)
    assert region["effective_daa"] == pytest.approx(8 + 2 + 0.31875)
    assert region["attractive_daa"] == pytest.approx(12.5)
    assert region["years_nominal"] == pytest.approx(4.5)
    assert region["years_effective"] == pytest.approx(10.31875 / 5)
    m = result.municipalities.set_index("municipality_no")
    assert m.loc["5001", "effective_daa"] == pytest.approx(10) and m.loc["5001", "years_effective"] == 5
    assert m.loc["5029", "supply_daa"] == pytest.approx(2.5) and m.loc["5029", "locked_daa"] == pytest.approx(10)
    assert result.areas.set_index("business_area_id").loc["x", "supply_daa"] == pytest.approx(20)
    json.dumps(result.to_dict())
    assert "22 daa in supply" in result.to_text() or "23 daa in supply" in result.to_text()
