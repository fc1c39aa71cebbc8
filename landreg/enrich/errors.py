"""Errors of the enrichment step (defined with the others in :mod:`landreg.errors`)."""

from __future__ import annotations

from landreg.errors import UnreachablePlotError

__all__ = ["UnreachablePlotError"]
