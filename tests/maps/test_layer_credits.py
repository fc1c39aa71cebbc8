"""Maps credit the real sources of every layer they draw, also of a synthetic layer with real features."""

from __future__ import annotations

import json
import re
import shutil

from landreg.layers import load_manifest
from landreg.registry import open_registry
from maps.from_registry import overview_map_from_registry
from maps.sources import load_map_context
from tests.conftest import LAYERS

_ATTRIBUTION = re.compile(r"attributionControl\.addAttribution\((\".*?\")\);")


def _attributions(m) -> list[str]:
    return [json.loads(t) for t in _ATTRIBUTION.findall(m.get_root().render())]


def test_manifest_credits_are_the_copyright_notices_of_the_attribution():
    specs = {s.id: s for s in load_manifest(LAYERS).layers}
    areas = specs["business_areas"]
    assert areas.synthetic  # generated outlines, firms and notes ...
    assert "© OpenStreetMap contributors" in areas.credits  # ... and real OSM outlines
    for spec in specs.values():
        assert all(c.startswith("©") and c in spec.attribution for c in spec.credits), spec.id
        if not spec.synthetic:
            assert spec.credits == (spec.attribution,), spec.id


def test_overview_map_of_the_demo_registry_credits_openstreetmap(demo_registry_file):
    with open_registry(demo_registry_file) as reg:
        areas = reg.load_business_areas()
        m = overview_map_from_registry(reg, layers_dir=LAYERS, web_tiles=False)
    osm_outlines = sum("OpenStreetMap" in p["geometry"]["source"] for p in areas["provenance"])
    assert osm_outlines >= 12
    lines = _attributions(m)
    assert "© OpenStreetMap contributors" in lines, lines
    assert any(line.startswith("Synthetic data — ") for line in lines), lines  # the generated ones


def test_credits_follow_the_manifest_of_the_layers_drawn(tmp_path):
    """Change the business areas' attribution in a copy of the manifest: the map credits what it says."""
    text = (LAYERS / "layers.toml").read_text(encoding="utf-8")
    old = next(s for s in load_manifest(LAYERS).layers if s.id == "business_areas").attribution
    assert f'attribution = "{old}"' in text
    text = text.replace(f'attribution = "{old}"', 'attribution = "© Example Mapping AS; generated outlines"', 1)
    for spec in load_manifest(LAYERS).layers:
        shutil.copy(spec.path, tmp_path / spec.path.name)
    (tmp_path / "layers.toml").write_text(text, encoding="utf-8")
    ctx = load_map_context(layers_dir=tmp_path, layer_ids=("business_areas", "quick_clay"))
    assert ctx.attribution(["business_areas"]) == ["© Example Mapping AS"]
    assert ctx.attribution(["quick_clay"]) == []  # wholly synthetic: no credit, only the notice
