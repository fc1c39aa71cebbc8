"""Errors and warnings of the price analysis.

They live here rather than in :mod:`landreg.errors` so the price package is
self-contained; each error still derives from :class:`landreg.errors.LandregError`
and the nearest built-in.
"""

from __future__ import annotations

from landreg.errors import LandregError


class LandregWarning(UserWarning):
    """Root of the warnings landreg emits on purpose."""


class MixedPriceBasisWarning(LandregWarning):
    """Prices of different bases (raw/serviced, connection fees in/out) were pooled because ``mix=True``."""


class MixedPriceBasisError(LandregError, ValueError):
    """Prices of different bases would be pooled; pass ``mix=True`` to allow it, or pick one basis."""


class InsufficientPriceDataError(LandregError, ValueError):
    """Too few price observations for the requested statistic or model."""


class UnknownBenchmarkError(LandregError, LookupError):
    """A benchmark region that is not in the benchmark table was requested."""
