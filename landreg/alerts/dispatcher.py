"""Alerts off the request path: a background thread that scans after writes and delivers the outbox.

The service calls :meth:`AlertDispatcher.schedule` after every successful write; the thread
waits for ``before_scan`` (the enrichment refresh, so new plots have their travel times), scans
the saved searches when the plots changed since its last scan, delivers what is due and, while
messages wait for a retry, sleeps until the next one is due. A burst of writes leads to one more
scan, never to a wait for the writer.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from landreg.alerts.delivery import deliver_due
from landreg.alerts.matching import scan_saved_searches
from landreg.alerts.settings import AlertSettings
from landreg.alerts.store import AlertStore
from landreg.registry.codec import parse_datetime

if TYPE_CHECKING:
    from landreg.registry.base import Registry

log = logging.getLogger("landreg.alerts")


class AlertDispatcher:
    """Scan and deliver in one background thread (started on demand, ended by :meth:`stop`).

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        The open registry (shared with the service).
    settings : AlertSettings
        Delivery settings.
    before_scan : callable, optional
        Called before each scan (e.g. wait for the enrichment refresh).
    """

    def __init__(
        self, registry: Registry, *, settings: AlertSettings, before_scan: Callable[[], None] | None = None
    ) -> None:
        self.registry = registry
        self.settings = settings
        self.before_scan = before_scan
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._scan = False
        self._last_marker: tuple[Any, ...] | None = None
        self._thread: threading.Thread | None = None
        self.passes = 0

    def schedule(self, *, scan: bool = True) -> None:
        """Ask for a scan (``scan``) and a delivery pass; returns at once."""
        if self._stopped.is_set():
            return
        with self._lock:
            self._scan = self._scan or scan
            self._idle.clear()
            self._wake.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="landreg-alerts", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            with self._lock:
                self._wake.clear()
                scan, self._scan = self._scan, False
            self._one_pass(scan=scan)
            self.passes += 1
            wait_s = self._seconds_to_next_due()
            with self._lock:
                if not self._wake.is_set() and wait_s is None:
                    self._idle.set()
                    self._thread = None
                    return
                if not self._wake.is_set():
                    self._idle.set()  # idle until the next retry is due
            self._wake.wait(timeout=wait_s)
            self._idle.clear()

    def _one_pass(self, *, scan: bool) -> None:
        try:
            if scan:
                if self.before_scan is not None:
                    self.before_scan()
                self._scan_if_changed()
            deliver_due(self.registry, settings=self.settings)
        except Exception:  # the service must go on; the next write or retry tries again
            log.exception("alert scan or delivery failed")

    def _scan_if_changed(self) -> None:
        """Scan unless the plots are as at the last scan (a POST that changed nothing, e.g. a site search)."""
        store = AlertStore(self.registry)
        if not store.has_active_searches():
            return
        marker = store.change_marker()
        if marker != self._last_marker:
            scan_saved_searches(self.registry)
            self._last_marker = marker

    def _seconds_to_next_due(self) -> float | None:
        try:
            due = parse_datetime(AlertStore(self.registry).next_due())
        except Exception:
            log.exception("alert outbox could not be read")
            return None
        if due is None:
            return None
        return max(0.05, (due - dt.datetime.now(dt.UTC)).total_seconds())

    def wait_idle(self, timeout_s: float = 60.0) -> bool:
        """Wait until no scan or delivery is running or asked for (retries may still be pending)."""
        return self._idle.wait(timeout_s)

    def stop(self, timeout_s: float = 30.0) -> None:
        """End the thread (after the pass it is in); nothing waiting in the outbox is lost."""
        self._stopped.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
