"""Site search and relocation: requirements -> ranked sites with reasons; land freed by a moving firm."""

from __future__ import annotations

from landreg.search.requirements import SiteRequirements
from landreg.search.search import SearchResult, search_sites

__all__ = ["SearchResult", "SiteRequirements", "search_sites"]
