"""Errors and warnings of the price analysis (defined with the others in :mod:`landreg.errors`)."""

from __future__ import annotations

from landreg.errors import (
    InsufficientPriceDataError,
    LandregWarning,
    MixedPriceBasisError,
    MixedPriceBasisWarning,
    UnknownBenchmarkError,
)

__all__ = [
    "InsufficientPriceDataError",
    "LandregWarning",
    "MixedPriceBasisError",
    "MixedPriceBasisWarning",
    "UnknownBenchmarkError",
]
