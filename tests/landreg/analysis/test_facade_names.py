"""The facade over a registry names every function one way: what it does to the registry."""

from __future__ import annotations

import inspect

from landreg import analysis, scenarios

FACADE = (
    "load_enriched_plots",
    "score_registry",
    "search_registry",
    "score_registry_clusters",
    "find_registry_price_hotspots",
    "compute_registry_supply",
    "list_registry_scenarios",
    "run_registry_scenario",
    "summarize_registry_prices",
    "build_registry_scoring_context",
)
OLD = ("registry_supply", "scenario_on_registry", "registry_cluster_scores", "registry_price_hotspots", "price_summary")


def test_every_function_over_a_registry_is_named_verb_registry():
    for name in FACADE:
        func = getattr(analysis, name)
        assert next(iter(inspect.signature(func).parameters)) == "registry", name
    assert analysis.run_registry_scenario is scenarios.run_registry_scenario
    assert not [name for name in OLD if hasattr(analysis, name)]


def test_listed_scenarios_are_the_ones_a_registry_can_run(demo_registry):
    names = [s["name"] for s in analysis.list_registry_scenarios(demo_registry)]
    assert "torgard-terminal-built" in names
