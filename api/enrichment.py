"""Keep derived attributes current after edits: an incremental ``enrich_registry`` off the request path."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from landreg.enrich import enrich_registry

log = logging.getLogger("landreg.api.enrich")


class EnrichmentRefresher:
    """Runs an incremental enrichment in a background thread after writes (coalescing bursts of edits).

    Only plots whose geometry or inputs changed are recomputed, so a run after one
    edit is cheap; edits that arrive while a run is going trigger one more run.
    """

    def __init__(self, registry: Any, *, layers_dir: Path) -> None:
        self.registry = registry
        self.layers_dir = layers_dir
        self._lock = threading.Lock()
        self._dirty = False
        self._thread: threading.Thread | None = None
        self.runs = 0

    def schedule(self) -> None:
        """Ask for a refresh; returns at once."""
        if not (self.layers_dir / "layers.toml").exists():
            return
        with self._lock:
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
            try:
                report = enrich_registry(self.registry, layers_dir=self.layers_dir)
                self.runs += 1
                log.info("enrichment refreshed: %s plots recomputed", report.n_computed)
            except Exception:  # a failed refresh must not take the service down; it is logged
                log.exception("enrichment refresh failed")

    def wait(self, timeout_s: float = 60.0) -> None:
        """Wait for a running refresh to finish (used at shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
