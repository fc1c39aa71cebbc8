"""Map notices and popups say what is synthetic from the data drawn: nothing for real plots on real layers."""

from __future__ import annotations

import json
import re

from landreg.registry import open_registry
from maps.from_registry import overview_map_from_registry, plot_map_from_registry
from tests.conftest import LAYERS
from tests.landreg.provenance.conftest import (  # noqa: F401 (fixtures)
    mixed_registry_file,
    real_enriched_registry_file,
    real_layers_dir,
    real_registry_file,
)

_ATTRIBUTION = re.compile(r"attributionControl\.addAttribution\((\".*?\")\);")


def _attributions(m) -> list[str]:
    return [json.loads(t) for t in _ATTRIBUTION.findall(m.get_root().render())]


def _payload(m) -> dict:
    from maps.elements import PlotLayer

    return json.loads(next(c for c in m._children.values() if isinstance(c, PlotLayer)).payload)


def test_real_plots_on_real_layers_carry_no_synthetic_notice(real_enriched_registry_file, real_layers_dir):  # noqa: F811
    with open_registry(real_enriched_registry_file) as reg:
        n = len(reg.query_plots())
        plot_map = plot_map_from_registry(reg, layers_dir=real_layers_dir, price_layers=False)
        overview = overview_map_from_registry(reg, layers_dir=real_layers_dir)
    for m in (plot_map, overview):
        lines = _attributions(m)
        assert any("Kartverket" in line for line in lines)
        assert not any("ynthetic" in line for line in lines), lines
    popup = _payload(plot_map)["columns"]["synthetic"]
    codes = popup["codes"] if isinstance(popup, dict) else popup
    assert len(codes) == n and all(c in (-1, None) for c in codes)


def test_mixed_registry_map_counts_its_synthetic_plots(mixed_registry_file):  # noqa: F811
    with open_registry(mixed_registry_file) as reg:
        plots = reg.query_plots()
        m = plot_map_from_registry(reg, layers_dir=LAYERS, price_layers=False)
    synthetic = {
        code
        for code, p in zip(plots["code"], plots["provenance"], strict=True)
        if (p if isinstance(p, dict) else json.loads(p))["*"]["source"] == "synthetic"
    }
    notice = next(line for line in _attributions(m) if line.startswith("Synthetic data — "))
    assert f"plots: {len(synthetic)} of {len(plots)} plots synthetic" in notice
    assert "dem" in notice  # the demonstration plots' terrain came from the synthetic DEM
    data = _payload(m)
    column = data["columns"]["synthetic"]
    values = [None if k < 0 else column["levels"][k] for k in column["codes"]] if isinstance(column, dict) else column
    for code, text in zip(data["columns"]["code"], values, strict=True):
        assert (text is not None and "plots" in text) == (code in synthetic)
