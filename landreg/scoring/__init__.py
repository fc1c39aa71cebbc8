"""Attractiveness scoring: criteria, transforms, named profiles, scores with breakdowns, rank stability.

* :mod:`~landreg.scoring.profiles` loads the versioned criteria and profiles of ``profiles.toml``;
* :mod:`~landreg.scoring.criteria` derives raw criterion columns and maps them onto 0..1;
* :mod:`~landreg.scoring.context` holds what a score takes from the whole registry;
* :mod:`~landreg.scoring.score` gives scores 0–100, contributions, exclusions, ranks and percentiles;
* :mod:`~landreg.scoring.sensitivity` runs the Monte Carlo over the weights.
"""

from __future__ import annotations

from landreg.scoring.context import ScoringContext, unscoreable_columns
from landreg.scoring.criteria import derive_criterion_columns, hazard_safety, transform_values
from landreg.scoring.errors import (
    FirmNotFoundError,
    InvalidWeightsError,
    MissingColumnError,
    UnknownProfileError,
    UnknownScenarioError,
)
from landreg.scoring.profiles import Criterion, Limit, ScoringProfile, list_profiles, load_profile, parse_weights
from landreg.scoring.score import SCORE_COLUMNS, ScoreResult, rank_scores, score_plots
from landreg.scoring.sensitivity import SensitivityResult, rank_stability

__all__ = [
    "SCORE_COLUMNS",
    "Criterion",
    "FirmNotFoundError",
    "InvalidWeightsError",
    "Limit",
    "MissingColumnError",
    "ScoreResult",
    "ScoringContext",
    "ScoringProfile",
    "SensitivityResult",
    "UnknownProfileError",
    "UnknownScenarioError",
    "derive_criterion_columns",
    "hazard_safety",
    "list_profiles",
    "load_profile",
    "parse_weights",
    "rank_scores",
    "rank_stability",
    "score_plots",
    "transform_values",
    "unscoreable_columns",
]
