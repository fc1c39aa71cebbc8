"""The core stays free of the web and map layers; the published schema matches the model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from landreg.model import plot_json_schema

ROOT = Path(__file__).resolve().parents[1]


def test_core_does_not_load_web_or_map_packages():
    code = (
        "import sys, landreg, landreg.cli, landreg.registry, landreg.io;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'fastapi', 'starlette', 'folium', 'api', 'maps', 'uvicorn'});"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def test_published_plot_schema_is_generated_from_the_model():
    committed = json.loads((ROOT / "schemas" / "plot.schema.json").read_text(encoding="utf-8"))
    assert committed == plot_json_schema(), "run `landreg schema -o schemas/plot.schema.json`"
    props = committed["properties"]["properties"]["properties"]
    assert {"plot_id", "code", "area_m2", "status", "valid_from", "valid_to", "version"} <= set(props)
    assert set(props["status"]["$ref"].split("/")[-1:]) == {"PlotStatus"}
