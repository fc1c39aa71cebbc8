"""Hazard shares equal shapely overlays; "not checked" never reads as "clear"."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from landreg.crs import STORAGE_CRS
from landreg.enrich import HazardLayer, compute_hazard_shares

X, Y = 566_000.0, 7_020_000.0


def _frame(geoms):
    return gpd.GeoDataFrame(geometry=list(geoms), crs=STORAGE_CRS)


def test_shares_equal_overlay_areas_and_statuses():
    rng = np.random.default_rng(5)
    xs, ys = X + rng.uniform(0, 900, 60), Y + rng.uniform(0, 900, 60)
    plots = _frame(shapely.box(xs, ys, xs + rng.uniform(20, 80, 60), ys + rng.uniform(20, 80, 60)))
    zones = _frame(
        [
            shapely.Point(X + 300, Y + 300).buffer(150),
            shapely.Point(X + 400, Y + 350).buffer(120),
            shapely.Point(X + 800, Y + 700).buffer(90),
        ]
    )  # the first two overlap
    coverage = _frame([shapely.box(X - 10, Y - 10, X + 700, Y + 1100)])
    out = compute_hazard_shares(plots, [HazardLayer("qc", zones, coverage)])
    union = zones.union_all()
    cov = coverage.union_all()
    for i, g in enumerate(plots.geometry):
        share = g.intersection(union).area / g.area
        status = out["qc_status"].iloc[i]
        if share > 0:
            assert status == "inside"
            assert out["qc_share"].iloc[i] == pytest.approx(share, rel=1e-9)
        elif cov.contains(g):
            assert status == "clear" and out["qc_share"].iloc[i] == 0.0
        else:
            assert status == "not_checked" and np.isnan(out["qc_share"].iloc[i])
    assert set(out["qc_status"]) == {"inside", "clear", "not_checked"}


def test_unmapped_plot_is_not_checked_never_clear():
    zones = _frame([shapely.box(X, Y, X + 10, Y + 10)])
    coverage = _frame([shapely.box(X - 100, Y - 100, X + 100, Y + 100)])
    plots = _frame(
        [
            shapely.box(X + 50, Y + 50, X + 80, Y + 80),  # mapped, no zone: clear
            shapely.box(X + 90, Y + 50, X + 120, Y + 80),  # partly outside the mapped area
            shapely.box(X + 500, Y + 500, X + 530, Y + 530),  # wholly unmapped
            shapely.box(X + 5, Y + 5, X + 25, Y + 25),
        ]
    )  # a quarter in the zone
    out = compute_hazard_shares(
        plots, [HazardLayer("qc", zones, coverage), HazardLayer("everywhere", zones), HazardLayer("missing", None)]
    )
    assert out["qc_status"].tolist() == ["clear", "not_checked", "not_checked", "inside"]
    assert out["qc_share"].iloc[3] == pytest.approx(25 / 400)
    assert out["qc_share"].iloc[1:3].isna().all()
    assert out["everywhere_status"].tolist() == ["clear", "clear", "clear", "inside"]  # no coverage: mapped everywhere
    assert out["missing_status"].tolist() == ["not_checked"] * 4 and out["missing_share"].isna().all()


def test_touching_edge_is_not_inside():
    zones = _frame([shapely.box(X, Y, X + 10, Y + 10)])
    plots = _frame([shapely.box(X + 10, Y, X + 20, Y + 10)])
    out = compute_hazard_shares(plots, [HazardLayer("z", zones)])
    assert out["z_status"].iloc[0] == "clear" and out["z_share"].iloc[0] == 0.0
