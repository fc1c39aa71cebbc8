"""Decisions and scenarios: apply decision outcomes, road projects and relocations to copies; report changes.

* :mod:`~landreg.scenarios.spec` names scenarios (``torgard-terminal-built``, ``road:<id>``, ...);
* :mod:`~landreg.scenarios.apply` changes copies of the plots;
* :mod:`~landreg.scenarios.network` gives the enrichment a copy of the roads with projects joined;
* :mod:`~landreg.scenarios.run` runs baseline and scenario and compares them;
* :mod:`~landreg.scenarios.report` holds the report.
"""

from __future__ import annotations

from landreg.scenarios.apply import apply_decisions, clear_new_road_flags, plots_of_firm, release_firm
from landreg.scenarios.network import road_access, roads_with_projects, select_destinations
from landreg.scenarios.report import ScenarioReport
from landreg.scenarios.run import run_registry_scenario, run_scenario
from landreg.scenarios.spec import PRESETS, ScenarioSpec, list_scenarios, parse_scenario

__all__ = [
    "PRESETS",
    "ScenarioReport",
    "ScenarioSpec",
    "apply_decisions",
    "clear_new_road_flags",
    "list_scenarios",
    "parse_scenario",
    "plots_of_firm",
    "release_firm",
    "road_access",
    "roads_with_projects",
    "run_registry_scenario",
    "run_scenario",
    "select_destinations",
]
