"""What the registry's mixins may rely on: the connection, the lock and a few shared helpers."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from landreg.gpkg.connection import write_transaction
from landreg.registry.counts import CountCache

if TYPE_CHECKING:
    import geopandas as gpd

    from landreg.model.entities import Decision
    from landreg.model.enums import ChangeOp
    from landreg.model.plot import Plot


class RegistryState:
    """Declared attributes and helpers of :class:`~landreg.registry.gpkg.GeoPackageRegistry`."""

    path: Path
    extent: tuple[float, float, float, float]
    overlap_tolerance_m2: float
    _conn: sqlite3.Connection
    _lock: threading.RLock
    _counts: CountCache
    validation_chunk_rows: int

    @contextmanager
    def transaction(self) -> Iterator[RegistryState]:
        """Several writes as one: inside ``with registry.transaction():`` all are stored, or none.

        Each write inside becomes a savepoint of one ``BEGIN IMMEDIATE`` transaction, committed
        when the block ends and rolled back when it raises (or when the process dies first).
        """
        with self._lock, write_transaction(self._conn):
            yield self

    # Provided by other parts of the registry (the entity store, the plot writer); declared here,
    # at the end of the method resolution order, so no mixin can shadow the real method.
    def load_decisions(self) -> list[Decision]:
        """Every decision in the registry."""
        raise NotImplementedError

    def load_road_projects(self, *, include_cancelled: bool = False) -> gpd.GeoDataFrame:
        """The road projects (EPSG:25832), without cancelled ones unless asked."""
        raise NotImplementedError

    def _new_version(
        self,
        plot: Plot,
        new: dict[str, Any],
        geom: Any,
        *,
        op: ChangeOp,
        actor: str,
        now_text: str,
        note: str | None = None,
    ) -> None:
        raise NotImplementedError

    def _transaction_time(self) -> tuple[dt.datetime, str]:
        raise NotImplementedError

    def _read_current(self, plot_id: str) -> Plot:
        raise NotImplementedError

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        raise NotImplementedError
