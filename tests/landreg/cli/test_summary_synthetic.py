"""``landreg summary`` says what is synthetic, derived from the registry's data: nothing for real plots."""

from __future__ import annotations

import json

from landreg import open_registry
from tests.conftest import LAYERS
from tests.landreg.cli._invoke import invoke
from tests.landreg.provenance.conftest import (  # noqa: F401 (fixtures)
    mixed_registry_file,
    real_enriched_registry_file,
    real_layers_dir,
    real_registry_file,
)


def test_summary_of_real_imported_plots_has_no_synthetic_notice(real_registry_file):  # noqa: F811
    result = invoke("summary", "--registry", real_registry_file, "--layers", LAYERS)
    assert result.exit_code == 0, result.output
    assert "synthetic" not in result.output.lower()
    assert "live plots" in result.output


def test_summary_of_a_mixed_registry_counts_the_synthetic_plots(mixed_registry_file):  # noqa: F811
    with open_registry(mixed_registry_file) as reg:
        plots = reg.query_plots()
    stars = [(p if isinstance(p, dict) else json.loads(p)).get("*", {}) for p in plots["provenance"]]
    synthetic = sum(star.get("source") == "synthetic" for star in stars)
    result = invoke("summary", "--registry", mixed_registry_file, "--layers", LAYERS)
    assert result.exit_code == 0, result.output
    assert f"plots: {synthetic} of {len(plots)} plots synthetic" in result.output
    assert "layers: " in result.output and "dem" in result.output  # the demo plots were enriched from a synthetic DEM


def test_analysis_and_query_of_real_plots_print_no_notice(real_enriched_registry_file, real_layers_dir):  # noqa: F811
    env = {"LANDREG_LAYERS_DIR": str(real_layers_dir)}
    for args in (("score", "--status", "all"), ("supply",), ("query",)):
        result = invoke(*args, "--registry", real_enriched_registry_file, env=env)
        assert result.exit_code == 0, result.output
        assert "ynthetic" not in result.output, args


def test_analysis_and_query_of_a_mixed_registry_count_synthetic_plots(mixed_registry_file, tmp_path):  # noqa: F811
    with open_registry(mixed_registry_file) as reg:
        plots = reg.query_plots()
    stars = [(p if isinstance(p, dict) else json.loads(p)).get("*", {}) for p in plots["provenance"]]
    synthetic = sum(star.get("source") == "synthetic" for star in stars)
    out = tmp_path / "scores.json"
    result = invoke(
        "score",
        "--status",
        "all",
        "--registry",
        mixed_registry_file,
        "-o",
        out,
        env={"LANDREG_LAYERS_DIR": str(LAYERS)},
    )
    assert result.exit_code == 0, result.output
    assert f"plots: {synthetic} of {len(plots)} plots synthetic" in result.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    counts = {c["what"]: c for c in payload["synthetic"]["counts"]}
    assert counts["plots"]["n_synthetic"] == synthetic and "dem" in counts["layers"]["synthetic_items"]
    result = invoke("query", "--registry", mixed_registry_file)
    assert f"plots: {synthetic} of {len(plots)} plots synthetic" in result.output
