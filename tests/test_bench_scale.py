"""The scale benchmark runs end to end on a small registry (its large sizes run only from ``bench/``)."""

from __future__ import annotations

import json

from bench.bench_scale import report, run

#: The slow steps (commands, servers, dask) are left out here; the rest runs as in the benchmark.
SKIPPED = {"map", "score", "enrich", "http_edits", "server_memory", "history"}


def test_the_scale_benchmark_measures_a_small_registry_and_reports_it(demo_registry_file, tmp_path):
    figures = run((200,), backends=("gpkg",), skip=SKIPPED, out_dir=tmp_path, write=False, template=demo_registry_file)

    stored = json.loads((tmp_path / "05_scale.json").read_text())
    assert stored["runs"].keys() == {"200/gpkg"}
    steps = figures["runs"]["200/gpkg"]["steps"]
    assert steps["import"]["exit"] == 0, steps["import"]["stderr_tail"]
    assert steps["derived"]["plots"] == 200
    errors = {name: s["error"] for name, s in steps.items() if "error" in s}
    assert not errors
    assert steps["bbox"]["plots_per_page"] > 0
    for z in (10, 13, 16):
        assert steps["tiles"][f"z{z}"]["empty"] == 0  # the sampled tiles hold plots
        assert steps["tiles"][f"z{z}"]["p95_ms"] >= steps["tiles"][f"z{z}"]["p50_ms"] > 0
    assert steps["edit"]["edits"] > 0 and steps["edit"]["p50_ms"] > 0
    assert steps["supply"]["attribute_edit_s"] > 0
    assert all(steps[name] == {"skipped": True} for name in SKIPPED - {"history"})

    text = report(figures)
    assert "| vector tile z16, p95 |" in text and "skipped (--skip)" in text
    assert "History size after 10 edits per plot: not measured in this run." in text
