"""Errors of scoring, clusters, supply, scenarios and site search (all derive from :class:`LandregError`)."""

from __future__ import annotations

from landreg.errors import LandregError


class UnknownProfileError(LandregError, LookupError):
    """No scoring profile (or criterion) with the requested name."""


class InvalidWeightsError(LandregError, ValueError):
    """User weights name unknown criteria, are negative, or sum to zero."""


class MissingColumnError(LandregError, KeyError):
    """A frame lacks a column an analysis needs (e.g. not enriched)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownScenarioError(LandregError, LookupError):
    """A scenario name does not match a decision outcome, road project or preset."""


class FirmNotFoundError(LandregError, LookupError):
    """No plot has an occupant with the requested firm name."""
