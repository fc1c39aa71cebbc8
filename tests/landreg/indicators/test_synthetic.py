"""How much of each figure rests on synthetic data: none for a real registry, the exact share for a mixed one."""

from __future__ import annotations

import pytest

from landreg.indicators import compute_indicators
from tests.landreg.indicators.conftest import build_small_registry, small_frame

STATUS_FIGURES = ("available_now_daa", "largest_available_block_daa", "needs_new_road_daa")


def test_a_real_registry_has_no_synthetic_share(tmp_path):
    reg = build_small_registry(tmp_path / "real.gpkg")
    try:
        report = compute_indicators(reg)
    finally:
        reg.close()
    assert not report.synthetic.any_synthetic
    for scope in report.scopes:
        for fig in scope.figures:
            assert fig.synthetic_share == 0.0, (scope.key, fig.id)
            assert not fig.synthetic.any_synthetic


def test_a_mixed_registry_gives_the_share_of_synthetic_plots(tmp_path):
    fake = ("IND-000", "IND-004", "IND-005")
    reg = build_small_registry(tmp_path / "mixed.gpkg", synthetic_codes=fake)
    try:
        report = compute_indicators(reg, layers={"quick_clay": True, "quick_clay_coverage": True, "flood": False})
    finally:
        reg.close()
    frame = small_frame()
    for scope, key, column in (
        ("region", "region", None),
        ("business_area", "a", "business_area_id"),
        ("business_area", "b", "business_area_id"),
    ):
        codes = frame["code"] if column is None else frame.loc[frame[column] == key, "code"]
        expected = sum(c in fake for c in codes) / len(codes)
        for fid in STATUS_FIGURES:
            assert report.scope(scope, key).figure(fid).synthetic_share == pytest.approx(expected), (key, fid)
        # effective decares rest on the plots and on every layer of the enrichment: 2 of the 3 named are synthetic
        assert report.scope(scope, key).figure("effective_daa").synthetic_share == pytest.approx(max(expected, 2 / 3))
        # the quick-clay figure rests on a synthetic layer: wholly synthetic; flood rests on a real one
        assert report.scope(scope, key).figure("quick_clay_daa").synthetic_share == 1.0
        assert report.scope(scope, key).figure("flood_daa").synthetic_share == pytest.approx(expected)
    assert report.synthetic.get("plots").n_synthetic == len(fake)
    assert "3 of 8" in report.synthetic.text("en")
