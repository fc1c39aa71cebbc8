"""Saved searches and alerts: a firm saves its site-search criteria and is told when new land fits.

A search is saved unconfirmed (:func:`save_search`) and confirmed by the link sent to it
(:func:`confirm_search`, double opt-in). After every registry change :func:`scan_saved_searches`
queues notices for sites that newly match; :func:`deliver_due` sends them (e-mail, signed webhook),
retrying with back-off; :func:`search_feed` is each search's Atom feed.
"""

from __future__ import annotations

from landreg.alerts.delivery import SIGNATURE_HEADER, DeliveryReport, deliver_due, sign_body
from landreg.alerts.dispatcher import AlertDispatcher
from landreg.alerts.feed import ATOM_MEDIA_TYPE, ATOM_NS, search_feed
from landreg.alerts.matching import ScanReport, matching_sites, scan_after_changes, scan_saved_searches
from landreg.alerts.model import OutboxMessage, SavedSearch
from landreg.alerts.searches import confirm_search, save_search, unsubscribe_search
from landreg.alerts.settings import AlertSettings
from landreg.alerts.store import AlertStore

__all__ = [
    "ATOM_MEDIA_TYPE",
    "ATOM_NS",
    "SIGNATURE_HEADER",
    "AlertDispatcher",
    "AlertSettings",
    "AlertStore",
    "DeliveryReport",
    "OutboxMessage",
    "SavedSearch",
    "ScanReport",
    "confirm_search",
    "deliver_due",
    "matching_sites",
    "save_search",
    "scan_after_changes",
    "scan_saved_searches",
    "search_feed",
    "sign_body",
    "unsubscribe_search",
]
