"""``landreg summary`` says what is synthetic, derived from the registry's data: nothing for real plots."""

from __future__ import annotations

import json

from landreg import open_registry
from tests.conftest import LAYERS
from tests.landreg.cli._invoke import invoke
from tests.landreg.provenance.conftest import mixed_registry_file, real_registry_file  # noqa: F401 (fixtures)


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
