"""After a registry change: the sites that newly match each saved search, queued as notices.

Each confirmed search is run again (:func:`landreg.search.search_sites`, the same search as the
site-search page) and its sites compared with the ones it already knows (matching when it was
confirmed, or announced since). Sites it does not know yet are recorded and one notice per
channel is queued, in one transaction, so a site is never announced twice to one search.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from landreg.alerts.messages import site_summary
from landreg.alerts.model import SavedSearch
from landreg.alerts.searches import new_message
from landreg.alerts.store import AlertStore
from landreg.registry.codec import format_datetime
from landreg.search import SiteRequirements, search_sites

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource, Registry

log = logging.getLogger("landreg.alerts")


@dataclass
class ScanReport:
    """What a scan found: new sites per search id, and searches that could not be run (with why)."""

    searches: int = 0
    new_sites: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def _inputs(registry: AnalysisSource) -> tuple[Any, Any]:
    from landreg.analysis import load_enriched_plots

    return load_enriched_plots(registry), registry.load_business_areas()


def matching_sites(
    registry: AnalysisSource, search: SavedSearch, *, inputs: tuple[Any, Any] | None = None
) -> list[dict]:
    """The sites that meet a saved search's criteria now (their summaries, best first).

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        The registry to search.
    search : SavedSearch
        Whose criteria to use.
    inputs : tuple, optional
        Enriched plots and business areas already read (for several searches at once).
    """
    plots, areas = inputs or _inputs(registry)
    result = search_sites(plots, requirements=SiteRequirements(**search.criteria), areas=areas)
    records = result.sites.drop(columns="geometry").to_dict(orient="records")
    return [site_summary(r) for r in records]


@contextmanager
def scan_after_changes(registry: Registry) -> Iterator[Registry]:
    """``registry`` for a ``with`` block; when the block changed plots (and searches wait), scan afterwards.

    Used by the command line: an edit, import or decision queues its notices as it ends
    (``landreg alerts run`` delivers them). A failed scan is logged, never fails the edit.
    """
    store = AlertStore(registry)
    try:
        before = store.change_marker() if store.has_active_searches() else None
    except Exception:  # a registry this cannot read (e.g. being created) has nothing to announce
        before = None
    yield registry
    if before is None:
        return
    try:
        if store.change_marker() != before:
            scan_saved_searches(registry)
    except Exception as exc:
        log.warning("saved searches not scanned after the change (run `landreg alerts run`): %s", exc)


def scan_saved_searches(registry: Registry) -> ScanReport:
    """Find the new and newly matching sites of every confirmed search and queue their notices.

    A search that cannot be run (e.g. the registry is not enriched) is logged and skipped;
    the scan never raises for one search.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        The registry with the plots and the saved searches.

    Returns
    -------
    ScanReport
    """
    store = AlertStore(registry)
    searches = store.active_searches()
    report = ScanReport(searches=len(searches))
    if not searches:
        return report
    inputs = _inputs(registry)
    for search in searches:
        try:
            sites = matching_sites(registry, search, inputs=inputs)
        except Exception as exc:  # one broken search must not stop the others' notices
            log.warning("saved search %s could not be run: %s", search.search_id, exc)
            report.failed[search.search_id] = str(exc)
            continue
        known = store.known_site_ids(search.search_id)
        new = [s for s in sites if s["site_id"] not in known]
        if not new:
            continue
        channels = [c for c, target in (("email", search.email), ("webhook", search.webhook_url)) if target]
        messages = [new_message(search, channel=c, kind="sites", payload={"sites": new}) for c in channels]
        store.announce(search.search_id, new, now=format_datetime(dt.datetime.now(dt.UTC)), messages=messages)
        report.new_sites[search.search_id] = [s["site_id"] for s in new]
        log.info("saved search %s: %d new site(s) queued", search.search_id, len(new))
    return report
