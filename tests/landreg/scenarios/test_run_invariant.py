"""Every bundled scenario: trips never get longer when roads are added, whatever else the scenario changes."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from landreg.registry import open_registry
from landreg.scenarios import list_scenarios, run_registry_scenario
from tests.landreg.layers.conftest import LAYERS_DIR


@pytest.fixture(scope="module")
def registry(demo_registry_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("scen") / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    reg = open_registry(path)
    yield reg
    reg.close()


def _road_scenarios(reg) -> list[str]:
    decisions = reg.load_decisions()
    ids = list(reg.load_road_projects()["project_id"])
    names = [s["name"] for s in list_scenarios(decisions, road_project_ids=ids) if "<" not in s["name"]]
    roads = [n for n in names if n.startswith("road")]
    others = [n for n in names if not n.startswith("road")]
    return roads + [f"{other}+roads:all" for other in others]  # each road alone, and all roads with each decision


def test_no_scenario_with_a_road_project_lengthens_a_trip(registry):
    names = _road_scenarios(registry)
    assert any(n.startswith("road:") for n in names) and any("+roads:all" in n for n in names)
    for name in names:
        report = run_registry_scenario(registry, name, layers_dir=LAYERS_DIR)
        base = report.plots  # the scenario's own decision changes destinations the same way before and after
        if "+" in name:
            without_roads = run_registry_scenario(registry, name.split("+")[0], layers_dir=LAYERS_DIR).plots
            columns = [c for c in base.columns if c.endswith("_min_after")]
            for col in columns:
                before, after = without_roads[col].to_numpy(float), base[col].to_numpy(float)
                longer = np.flatnonzero(after > before + 1e-6)
                assert len(longer) == 0, (name, col, (after - before)[longer][:5])
        else:
            changes = base[[c for c in base.columns if c.endswith("_min_change")]].to_numpy(float)
            assert not (np.nan_to_num(changes, nan=0.0) > 1e-6).any(), (name, np.nanmax(changes))
            assert (np.nan_to_num(changes, nan=0.0) < -0.1).any(), name  # and the road helps someone
