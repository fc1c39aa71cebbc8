"""Where a worker finds the registry: the file or database a batch job reads its partitions from and writes to.

A worker of the cluster opens the registry itself (:meth:`RegistryAddress.open`) and reads only
the plots of its partition, so the driver never ships plot frames.  A GeoPackage is opened with
the journal mode it has (a file in WAL mode stays in WAL mode) and a long busy timeout: SQLite
lets one writer in at a time, and the workers' writes queue for it.  PostGIS is reached through
a connection of the worker's own, so reads and writes run side by side.

Workers on other machines need the same address to work: the same path on a shared disk for a
GeoPackage (SQLite's locks need a local or lock-safe file system), the database URL for PostGIS.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from landreg.registry import Registry

#: How long a worker waits for the GeoPackage's write lock (seconds): the other workers' writes queue for it.
WORKER_BUSY_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class RegistryAddress:
    """How to open a registry again, in another process (picklable).

    Attributes
    ----------
    target : str
        The GeoPackage's absolute path, or the ``postgresql://`` URL.
    options : tuple of (name, value)
        Keyword options of :func:`landreg.registry.open_registry`.
    """

    target: str
    options: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, registry: Any) -> RegistryAddress:
        """The address of an open registry (a ``GeoPackageRegistry`` or a ``PostGISRegistry``)."""
        if registry.backend == "postgis":
            return cls(str(registry.url), (("schema", registry.schema),))
        path = Path(registry.path).resolve()
        return cls(str(path), (("journal_mode", _journal_mode(path)), ("busy_timeout_s", WORKER_BUSY_TIMEOUT_S)))

    def open(self) -> Registry:
        """Open the registry at this address (close it after use: it is a context manager)."""
        from landreg.registry import open_registry

        return open_registry(self.target, **dict(self.options))


def _journal_mode(path: Path) -> str:
    """The journal mode a GeoPackage file is in (``wal`` stays with the file; any other is ``delete``)."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    finally:
        conn.close()
    return "wal" if mode == "wal" else "delete"
