"""The indicators read the registry's history in one query and count synthetic shares once per plot."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from landreg.indicators import compute_indicators, read_history
from landreg.indicators.synthetic import SyntheticIndex
from landreg.provenance import summarize_synthetic
from tests.landreg.indicators.conftest import build_small_registry, small_frame


def _history_plot_by_plot(registry) -> pd.DataFrame:
    frames = [registry.plot_history(pid) for pid in registry.query_plots(include_ended=True)["plot_id"]]
    return pd.DataFrame(pd.concat(frames, ignore_index=True)).sort_values(["plot_id", "version"])


def test_history_in_one_read_equals_the_history_of_each_plot(small_registry):
    first = small_registry.get_plot_by_code("IND-000")
    small_registry.update_plot(first.plot_id, {"status": "sold"}, expected_version=first.version, actor="test")
    second = small_registry.get_plot_by_code("IND-004")
    small_registry.end_plot(second.plot_id, expected_version=second.version, actor="test")
    got = read_history(small_registry, as_of=dt.datetime.now(dt.UTC))
    want = _history_plot_by_plot(small_registry).reset_index(drop=True)
    assert len(got) == len(want) == len(small_frame()) + 2
    for col in ("plot_id", "version", "code", "status", "recorded_at", "op", "actor", "changed_fields", "valid_to"):
        assert got[col].tolist() == want[col].tolist(), col
    assert np.allclose(got["area_m2"].to_numpy(float), want["area_m2"].to_numpy(float))
    assert [dict(p) for p in got["provenance"]] == [dict(p) for p in want["provenance"]]
    before = read_history(small_registry, as_of=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert before.empty


def _statements(registry, work) -> int:
    """How many SQL statements ``work`` runs on the GeoPackage registry's connection."""
    seen: list[str] = []
    registry._conn.set_trace_callback(seen.append)
    try:
        work()
    finally:
        registry._conn.set_trace_callback(None)
    return len(seen)


def test_the_number_of_queries_does_not_grow_with_the_plots(tmp_path):
    small = build_small_registry(tmp_path / "small.gpkg")
    large = build_small_registry(tmp_path / "large.gpkg")
    try:
        more = small_frame()
        more["code"] = more["code"].str.replace("IND", "MORE")
        more["geometry"] = more.geometry.translate(0, 1000)
        large.add_plots(more, actor="test")
        from landreg.enrich import enrich_registry
        from tests.landreg.indicators.conftest import LAYERS

        enrich_registry(large, layers_dir=LAYERS)
        assert large.count_plots() == 2 * small.count_plots()
        n_small = _statements(small, lambda: compute_indicators(small))
        n_large = _statements(large, lambda: compute_indicators(large))
    finally:
        small.close()
        large.close()
    assert n_large == n_small


def test_the_synthetic_index_counts_as_summarize_synthetic(demo_registry):
    plots = demo_registry.query_plots()
    frame = pd.DataFrame(plots.drop(columns="geometry"))
    index = SyntheticIndex(frame)
    rng = np.random.default_rng(17)
    groups = ["plots", "status", "prices", "zoning", "readiness", "owners", "firms"]
    for mask in (np.ones(len(frame), bool), np.zeros(len(frame), bool), rng.random(len(frame)) < 0.3):
        for chosen in (groups, ["prices"], ["firms", "status"]):
            want = summarize_synthetic(frame[mask], groups=chosen)
            assert index.summary(mask, groups=chosen) == want


def test_indicators_of_the_demo_registry_are_quick(demo_registry):
    compute_indicators(demo_registry)  # warm: imports and caches of the first call
    import time

    start = time.process_time()  # CPU time: other work on a shared machine does not count
    report = compute_indicators(demo_registry)
    cpu_s = time.process_time() - start
    assert report.scope("region").figure("available_now_daa").value > 0
    # reading each plot's history on its own took over 3 s of CPU here; now about 0.5 s
    assert cpu_s < 1.5, f"compute_indicators took {cpu_s:.2f} s of CPU on the demo registry"


@pytest.mark.parametrize("n_plots", [0])
def test_an_empty_registry_has_an_empty_history(tmp_path, n_plots):
    from landreg.registry import open_registry

    reg = open_registry(tmp_path / "empty.gpkg", create=True)
    try:
        history = read_history(reg, as_of=dt.datetime.now(dt.UTC))
    finally:
        reg.close()
    assert len(history) == n_plots and "recorded" in history.columns
