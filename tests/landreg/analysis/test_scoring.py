"""Scoring: the weighted sum and its breakdown, hard limits, ranks, profiles, sensitivity."""

from __future__ import annotations

import json

import numpy as np
import pytest

from landreg.scoring import (
    Criterion,
    InvalidWeightsError,
    Limit,
    ScoringProfile,
    UnknownProfileError,
    list_profiles,
    load_profile,
    parse_weights,
    rank_stability,
    score_plots,
    transform_values,
)

from .conftest import small_frame, square


def _profile(**kw) -> ScoringProfile:
    criteria = {
        "price": Criterion(
            name="price", label="asking price", column="price_nok_m2", transform="inverse", lo=0, hi=1000, missing=0.5
        ),
        "size": Criterion(name="size", label="plot size", column="area_daa", transform="positive", lo=0, hi=40),
        "slope": Criterion(
            name="slope", label="terrain slope", column="slope_mean_deg", transform="ideal", ideal=2, tolerance=4
        ),
    }
    return ScoringProfile(
        name="test",
        version="t1",
        criteria=criteria,
        weights=kw.pop("weights", {"price": 2, "size": 1, "slope": 1}),
        **kw,
    )


def _plots():
    return small_frame(
        [
            # 10 daa, price 200..400 -> 300, slope 3
            {
                "code": "A",
                "municipality_no": "5001",
                "price_min_nok_m2": 200,
                "price_max_nok_m2": 400,
                "slope_mean_deg": 3.0,
                "geometry": square(0, 0, 100),
            },
            # 40 daa, no price, slope 2
            {
                "code": "B",
                "municipality_no": "5001",
                "price_min_nok_m2": None,
                "price_max_nok_m2": None,
                "slope_mean_deg": 2.0,
                "geometry": square(1000, 0, 200),
            },
            # 2.5 daa, price 900, slope 9 (beyond tolerance)
            {
                "code": "C",
                "municipality_no": "5029",
                "price_min_nok_m2": 900,
                "price_max_nok_m2": None,
                "slope_mean_deg": 9.0,
                "geometry": square(3000, 0, 50),
            },
        ]
    )


def test_transforms_by_hand():
    inv = Criterion(name="p", label="p", column="p", transform="inverse", lo=100, hi=300)
    np.testing.assert_allclose(
        transform_values(np.array([50, 100, 150, 300, 400, np.nan]), criterion=inv), [1, 1, 0.75, 0, 0, np.nan]
    )
    ideal = Criterion(name="s", label="s", column="s", transform="ideal", ideal=5, tolerance=10)
    np.testing.assert_allclose(transform_values(np.array([5, 0, 15, 20]), criterion=ideal), [1, 0.5, 0, 0])


def test_weighted_sum_and_breakdown_by_hand():
    result = score_plots(_plots(), profile=_profile())
    f = result.frame.set_index("code")
    # weights 2:1:1 -> 0.5, 0.25, 0.25
    # A: price 1 - 300/1000 = 0.7; size 10/40 = 0.25; slope 1 - |3-2|/4 = 0.75
    assert f.loc["A", "contrib_price"] == pytest.approx(35.0)
    assert f.loc["A", "contrib_size"] == pytest.approx(6.25)
    assert f.loc["A", "contrib_slope"] == pytest.approx(18.75)
    assert f.loc["A", "score"] == pytest.approx(60.0)
    # B: price missing -> 0.5 (reported), size 1, slope 1 -> 25 + 25 + 25
    assert f.loc["B", "score"] == pytest.approx(75.0)
    assert f.loc["B", "missing_criteria"] == ("price",) and f.loc["A", "missing_criteria"] == ()
    # C: price 0.1, size 2.5/40, slope 0 -> 5 + 1.5625 + 0
    assert f.loc["C", "score"] == pytest.approx(6.5625)
    contrib = f[[c for c in f.columns if c.startswith("contrib_")]].sum(axis=1)
    np.testing.assert_allclose(contrib.to_numpy(), f["score"].to_numpy())
    assert f["rank"].to_dict() == {"A": 2.0, "B": 1.0, "C": 3.0}
    assert f["percentile"].to_dict() == pytest.approx({"A": 200 / 3, "B": 100.0, "C": 100 / 3})
    assert f["municipality_rank"].to_dict() == {"A": 2.0, "B": 1.0, "C": 1.0}
    assert set(f["profile_version"]) == {"t1"}
    explained = result.explain(result.frame.index[0])
    assert [p["criterion"] for p in explained["contributions"]] == ["price", "slope", "size"]
    json.dumps(result.to_dict())


def test_hard_limit_excludes_with_reason():
    profile = _profile(limits={"slope_mean_deg": Limit(max=8), "price_nok_m2": Limit(max=500, allow_missing=True)})
    f = score_plots(_plots(), profile=profile).frame.set_index("code")
    assert not f.loc["A", "excluded"] and not f.loc["B", "excluded"]
    assert f.loc["C", "excluded"]
    assert np.isnan(f.loc["C", "score"]) and np.isnan(f.loc["C", "rank"])
    assert f.loc["C", "exclusion_reasons"] == [
        "terrain slope: 9.0 above the maximum 8.0 (slope_mean_deg)",
        "asking price: 900.0 above the maximum 500.0 (price_nok_m2)",
    ]
    assert f.loc["B", "rank"] == 1 and f.loc["A", "rank"] == 2


def test_named_profiles_and_user_weights():
    assert {"logistics", "manufacturing", "office", "general"} <= set(list_profiles())
    p = load_profile("logistics")
    assert p.version and abs(sum(p.normalised_weights().values()) - 1) < 1e-12
    q = load_profile("logistics", weights=parse_weights("price=0,size=40"))
    assert "price" not in q.active and q.weights["size"] == 40 and q.name == "logistics+user"
    assert q.fingerprint() != p.fingerprint() and load_profile("logistics").fingerprint() == p.fingerprint()
    assert load_profile("office").criteria["size"].transform == "ideal"
    with pytest.raises(UnknownProfileError):
        load_profile("nope")
    with pytest.raises(InvalidWeightsError):
        load_profile("general", weights={"colour": 3})
    with pytest.raises(InvalidWeightsError):
        parse_weights("price")


def test_score_is_reproducible_from_its_record(demo_plots):
    plots, _ = demo_plots
    a = score_plots(plots, profile="manufacturing")
    b = score_plots(plots, profile=ScoringProfile.model_validate(a.profile.model_dump()))
    np.testing.assert_array_equal(a.frame["score"].to_numpy(), b.frame["score"].to_numpy())
    assert a.frame["profile_fingerprint"].iloc[0] == b.profile.fingerprint()


def test_sensitivity_seeded_and_bounded(demo_plots):
    plots, _ = demo_plots
    result = score_plots(plots, profile="logistics")
    s1 = rank_stability(result, n_draws=120, seed=3)
    s2 = rank_stability(result, n_draws=120, seed=3)
    assert s1.frame.equals(s2.frame)
    f = s1.frame
    assert ((f["rank_min"] <= f["rank_mean"]) & (f["rank_mean"] <= f["rank_max"])).all()
    assert f["stability"].between(0, 1).all() and (f["pct_p05"] <= f["pct_p95"]).all()
    still = rank_stability(result, n_draws=20, spread=0.0, seed=1).frame
    assert (still["rank_std"] == 0).all() and (still["stability"] >= 0.99).all()
    json.dumps(s1.to_dict())
