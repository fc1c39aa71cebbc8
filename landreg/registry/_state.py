"""What the registry's mixins may rely on: the connection, the lock and a few shared helpers."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from landreg.model.plot import Plot


class RegistryState:
    """Declared attributes and helpers of :class:`~landreg.registry.gpkg.GeoPackageRegistry`."""

    path: Path
    extent: tuple[float, float, float, float]
    overlap_tolerance_m2: float
    _conn: sqlite3.Connection
    _lock: threading.RLock

    def _transaction_time(self) -> tuple[dt.datetime, str]:
        raise NotImplementedError

    def _read_current(self, plot_id: str) -> Plot:
        raise NotImplementedError

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        raise NotImplementedError
