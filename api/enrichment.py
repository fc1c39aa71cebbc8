"""Keep derived attributes current after edits: an incremental ``enrich_registry`` off the request path."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from landreg.enrich import EnrichReport, enrich_registry
from landreg.registry.base import AnalysisSource

log = logging.getLogger("landreg.api.enrich")


class EnrichmentRefresher:
    """Runs an incremental enrichment in a background thread after writes (coalescing bursts of edits).

    Only plots whose geometry or inputs changed are recomputed, so a run after one
    edit is cheap; edits that arrive while a run is going trigger one more run.
    """

    def __init__(self, registry: AnalysisSource, *, layers_dir: Path) -> None:
        self.registry = registry
        self.layers_dir = layers_dir
        self._lock = threading.Lock()
        self._dirty = False
        self._plot_ids: set[str] = set()
        self._everything = False
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.last_report: EnrichReport | None = None

    def schedule(self, plot_ids: Iterable[str] | None = None) -> None:
        """Ask for a refresh of the plots an edit touched (None: every plot that needs one); returns at once.

        A refresh of given plots reads only them and their stored attributes, so its cost follows
        the edit, not the size of the registry.
        """
        if not (self.layers_dir / "layers.toml").exists():
            return
        with self._lock:
            if plot_ids is None:
                self._everything = True
            else:
                self._plot_ids.update(plot_ids)
            self._dirty = True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="landreg-enrich", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    return
                self._dirty = False
                plot_ids = None if self._everything else sorted(self._plot_ids)
                self._plot_ids, self._everything = set(), False
            try:
                report = enrich_registry(self.registry, layers_dir=self.layers_dir, plot_ids=plot_ids)
                self.last_report = report
                self.runs += 1
                log.info("enrichment refreshed: %s plots recomputed", report.n_computed)
            except Exception:  # a failed refresh must not take the service down; it is logged
                log.exception("enrichment refresh failed")

    def wait(self, timeout_s: float = 60.0) -> None:
        """Wait for a running refresh to finish (used at shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
