"""Analysis results kept in the registry (scores with breakdowns, supply inputs) and updated after edits.

* :mod:`~landreg.results.store` holds the tables on either backend;
* :mod:`~landreg.results.refresh` rescores only the plots an edit reaches;
* :mod:`~landreg.results.read` answers supply from the stored rows;
* :mod:`~landreg.results.chunked` scores a registry a page of plots at a time;
* :mod:`~landreg.results.ordered` makes the full scored rows again, best first, a page at a time.
"""

from __future__ import annotations

from landreg.results.chunked import score_registry_in_pages
from landreg.results.read import stored_supply, supports_stored_results
from landreg.results.refresh import refresh_results

__all__ = ["refresh_results", "score_registry_in_pages", "stored_supply", "supports_stored_results"]
