"""Indicators of the public indicator site: supply, uptake, prices, roads and hazards, computed by the core.

Per region, municipality and business area, from the registry and its history (any past date
with ``as_of``); each figure carries its definition (bokmål and English), its date and how much
of it rests on synthetic data.
"""

from __future__ import annotations

from landreg.indicators.compute import compute_indicators, compute_registry_indicators, plots_as_of
from landreg.indicators.definitions import DEFINITIONS, definition_of
from landreg.indicators.model import SCOPES, Figure, IndicatorReport, ScopeIndicators, synthetic_share
from landreg.indicators.uptake import UptakeRates, read_history, uptake_events, uptake_rates

__all__ = [
    "DEFINITIONS",
    "SCOPES",
    "Figure",
    "IndicatorReport",
    "ScopeIndicators",
    "UptakeRates",
    "compute_indicators",
    "compute_registry_indicators",
    "definition_of",
    "plots_as_of",
    "read_history",
    "synthetic_share",
    "uptake_events",
    "uptake_rates",
]
