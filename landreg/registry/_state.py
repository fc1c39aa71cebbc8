"""What the registry's mixins may rely on: the connection, the lock and a few shared helpers."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from landreg.gpkg.connection import write_transaction

if TYPE_CHECKING:
    from landreg.model.plot import Plot


class RegistryState:
    """Declared attributes and helpers of :class:`~landreg.registry.gpkg.GeoPackageRegistry`."""

    path: Path
    extent: tuple[float, float, float, float]
    overlap_tolerance_m2: float
    _conn: sqlite3.Connection
    _lock: threading.RLock

    @contextmanager
    def transaction(self) -> Iterator[RegistryState]:
        """Several writes as one: inside ``with registry.transaction():`` all are stored, or none.

        Each write inside becomes a savepoint of one ``BEGIN IMMEDIATE`` transaction, committed
        when the block ends and rolled back when it raises (or when the process dies first).
        """
        with self._lock, write_transaction(self._conn):
            yield self

    def _transaction_time(self) -> tuple[dt.datetime, str]:
        raise NotImplementedError

    def _read_current(self, plot_id: str) -> Plot:
        raise NotImplementedError

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        raise NotImplementedError
