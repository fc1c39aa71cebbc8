"""Errors of scoring, clusters, supply, scenarios and site search (defined in :mod:`landreg.errors`)."""

from __future__ import annotations

from landreg.errors import (
    FirmNotFoundError,
    InvalidWeightsError,
    MissingColumnError,
    UnknownProfileError,
    UnknownScenarioError,
)

__all__ = [
    "FirmNotFoundError",
    "InvalidWeightsError",
    "MissingColumnError",
    "UnknownProfileError",
    "UnknownScenarioError",
]
