"""Clusters: contiguity, co-location, density clusters, hot spots against esda, cluster scores."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from landreg.clusters import (
    cluster_scores,
    contiguous_blocks,
    fdr_threshold,
    find_density_clusters,
    knn_neighbours,
    local_colocation_quotients,
    local_gistar,
    local_moran,
    price_hotspots,
    related_codes,
)

from .conftest import small_frame, square


def test_contiguity_merges_exactly_the_touching_plots():
    plots = small_frame(
        [
            {"code": "a", "geometry": square(0, 0)},  # touches b along an edge
            {"code": "b", "geometry": square(100, 0)},  # touches c at a corner
            {"code": "c", "geometry": square(200, 100)},
            {"code": "d", "geometry": square(0, 108)},  # 8 m gap to a
            {"code": "e", "geometry": square(1000, 0)},  # alone
        ]
    )
    labels = contiguous_blocks(plots, gap_m=0).to_numpy()
    assert labels[0] == labels[1] == labels[2]
    assert len({labels[0], labels[3], labels[4]}) == 3
    with_gap = contiguous_blocks(plots, gap_m=10).to_numpy()
    assert with_gap[3] == with_gap[0] and with_gap[4] != with_gap[0]
    plots["business_area_id"] = ["x", "x", "y", "x", "x"]
    grouped = contiguous_blocks(plots, gap_m=0, group_by="business_area_id").to_numpy()
    assert grouped[0] == grouped[1] and grouped[2] != grouped[1]


def test_local_colocation_quotient_by_hand():
    # four firms on a line, 100 m apart: A at 0, B at 100 and 200, C at 300; k = 2
    xy = np.array([[0, 0], [100, 0], [200, 0], [300, 0]], dtype=float)
    is_a = np.array([True, False, False, False])
    is_b = np.array([False, True, True, False])
    got = local_colocation_quotients(xy, is_a=is_a, is_b=is_b, k=2)
    # neighbours of A: B1 (100 m), B2 (200 m); bandwidth 200 m -> weights exp(-0.125), exp(-0.5); both B
    # N_B,i = 1; N_B / (N - 1) = 2 / 3 -> LCLQ = 1.5
    assert got[0] == pytest.approx(1.5)
    assert np.isnan(got[1:]).all()
    is_b2 = np.array([False, True, False, True])
    w1, w2 = np.exp(-0.125), np.exp(-0.5)
    expected = (w1 / (w1 + w2)) / (2 / 3)
    assert local_colocation_quotients(xy, is_a=is_a, is_b=is_b2, k=2)[0] == pytest.approx(expected)


def test_related_industries_for_a_steel_trader():
    codes = related_codes(["46.72"])
    assert {"24", "25", "46.72", "52"} <= set(codes)
    assert "62" not in codes


def _weights(neighbours):
    from libpysal.weights import W

    return W({i: list(map(int, row)) for i, row in enumerate(neighbours)}, silence_warnings=True)


def test_local_moran_and_gistar_equal_esda():
    import esda

    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 5000, size=(60, 2))
    y = rng.lognormal(7, 0.4, size=60) + xy[:, 0] / 10
    nb = knn_neighbours(xy, k=6)
    moran_i, p1, quad = local_moran(y, neighbours=nb, permutations=499, seed=11)
    g, gz, p2 = local_gistar(y, neighbours=nb, permutations=499, seed=12)
    with warnings.catch_warnings():
        # esda's conditional randomisation announces a future change of its default alternative hypothesis;
        # only the statistics (not esda's p-values) are compared here
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="esda")
        w = _weights(nb)
        w.transform = "r"
        ref = esda.Moran_Local(y, w, permutations=0)
        wb = _weights(nb)
        wb.transform = "b"
        ref_g = esda.G_Local(y, wb, star=True, transform="R", permutations=0)
    np.testing.assert_allclose(moran_i, ref.Is, rtol=1e-10)
    np.testing.assert_array_equal(quad, ref.q)
    np.testing.assert_allclose(g, ref_g.Gs, rtol=1e-10)
    np.testing.assert_allclose(gz, ref_g.Zs, rtol=1e-10)
    # seeded permutations: the same seed gives the same p-values, another seed different ones
    np.testing.assert_array_equal(local_moran(y, neighbours=nb, permutations=499, seed=11)[1], p1)
    assert not np.array_equal(local_moran(y, neighbours=nb, permutations=499, seed=5)[1], p1)
    assert ((p1 > 0) & (p1 <= 0.5 + 1e-12)).all() and ((p2 > 0) & (p2 <= 0.5 + 1e-12)).all()
    assert fdr_threshold(p1, alpha=0.05) == pytest.approx(esda.fdr(p1, 0.05))


def test_price_hotspots_on_demo(demo_plots):
    plots, _ = demo_plots
    a = price_hotspots(plots, permutations=99, seed=4)
    b = price_hotspots(plots, permutations=99, seed=4)
    assert a.frame["moran_p"].equals(b.frame["moran_p"]) and a.frame["gi_class"].equals(b.frame["gi_class"])
    assert set(a.frame["gi_class"]) <= {"hot", "cold", "not_significant"}
    assert (a.frame["gi_class"] != "not_significant").any()
    json.dumps(a.to_dict())


def test_density_clusters_weighted_by_land():
    plots = small_frame(
        [{"code": str(i), "geometry": square(i * 120, 0, 100)} for i in range(4)]
        + [{"code": "far", "geometry": square(9000, 0, 100)}]
    )
    found = find_density_clusters(plots, eps_m=150, min_weight=25, weight=plots["area_m2"].to_numpy() / 1000)
    labels = found.labels.to_numpy()
    # each plot holds 10 daa; the chain has 20-30 daa within 150 m, the far plot 10 daa: noise
    assert len(set(labels[:4])) == 1 and labels[0] >= 0 and labels[4] == -1
    assert found.clusters["weight"].iloc[0] == pytest.approx(40.0)


def test_cluster_scores_small_area():
    occ = [{"name": "Steel AS", "nace": "46.72", "employees": 10}]
    plots = small_frame(
        [
            {"code": "a", "business_area_id": "x", "status": "available", "occupants": [], "geometry": square(0, 0)},
            {"code": "b", "business_area_id": "x", "status": "available", "occupants": [], "geometry": square(100, 0)},
            {"code": "c", "business_area_id": "x", "status": "sold", "occupants": occ, "geometry": square(200, 0)},
            {"code": "d", "business_area_id": "x", "status": "locked", "occupants": [], "geometry": square(0, 300)},
            {
                "code": "e",
                "business_area_id": "y",
                "status": "available",
                "occupants": [{"name": "Soft AS", "nace": "62.01", "employees": 5}],
                "geometry": square(5000, 0),
            },
        ]
    )
    plots["plot_id"] = plots["code"]
    result = cluster_scores(plots, industry_nace=["25"])
    x = result.areas.set_index("area_id").loc["x"]
    assert x["total_daa"] == pytest.approx(40) and x["available_daa"] == pytest.approx(20)
    assert x["locked_daa"] == pytest.approx(10) and x["largest_block_daa"] == pytest.approx(20)
    assert x["occupancy"] == pytest.approx(0.25) and x["n_firms"] == 1
    assert x["related_share"] == 1.0 and x["colocation_quotient"] == pytest.approx(2.0)
    assert x["top_divisions"] == ["46"]
    per_plot = result.plots.set_index("code")
    assert per_plot.loc["a", "block_id"] == per_plot.loc["b", "block_id"] >= 0
    assert per_plot.loc["c", "block_id"] == -1 and pd.isna(per_plot.loc["c", "block_area_daa"])
    assert per_plot.loc["a", "synergy_score"] > per_plot.loc["e", "synergy_score"]
    json.dumps(result.to_dict())
