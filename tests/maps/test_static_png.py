"""Static PNG maps for reports (Agg, no pyplot)."""

from __future__ import annotations

import pytest

from landreg.analysis import area_statistics
from landreg.analysis import run_registry_scenario as scenario_report
from maps import overview_png, plot_map_png, save_map_png, scenario_png


@pytest.mark.parametrize("color_by", ["score", "price", "status"])
def test_plot_png(scores, context, tmp_path, color_by):
    fig = plot_map_png(scores, color_by=color_by, context=context)
    path = save_map_png(fig, tmp_path / f"plots_{color_by}", dpi=60)
    assert path.suffix == ".png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    legend = fig.axes[0].get_legend()
    assert legend is not None and len(legend.get_texts()) >= 2
    n = len(scores.frame)
    assert f"plots: {n} of {n} plots synthetic" in fig.get_supxlabel() and "Kartverket" in fig.get_supxlabel()


def test_overview_and_scenario_png(scores, context, registry, layers_dir, tmp_path):
    stats = area_statistics(scores, areas=context.get("business_areas"))
    assert save_map_png(overview_png(context, area_stats=stats), tmp_path / "overview.png", dpi=60).stat().st_size
    report = scenario_report(registry, "torgard-terminal-built", layers_dir=layers_dir)
    plots = registry.query_plots().merge(
        report.plots.drop(columns=["code", "municipality_no", "business_area_id", "area_daa"]), on="plot_id"
    )
    fig = scenario_png(plots, context=context)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "status changed" in labels
    with pytest.raises(ValueError, match="color_by"):
        plot_map_png(scores, color_by="height")
