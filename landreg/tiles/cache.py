"""A bounded in-memory cache of encoded tiles, emptied whenever the registry changes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from landreg.registry.base import SqlReader

#: Default budget of a :class:`TileCache`, in bytes of encoded tiles.
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024


def registry_change_key(registry: SqlReader) -> tuple[Any, ...]:
    """A value that changes whenever plots or business areas change, by any writer or process.

    Every plot write adds a history row (whose id only grows), and replacing the business areas
    changes their ids, count or change time, so one cheap query tells whether tiles are stale.
    """
    if registry.backend == "geopackage":
        sql = (
            "SELECT (SELECT max(fid) FROM plot_versions), "
            "(SELECT last_change FROM gpkg_contents WHERE table_name = 'plots'), "
            "(SELECT last_change FROM gpkg_contents WHERE table_name = 'business_areas'), "
            "(SELECT max(fid) FROM business_areas), (SELECT count(*) FROM business_areas)"
        )
    else:
        sql = (
            "SELECT (SELECT max(fid) FROM plot_versions), (SELECT max(fid) FROM business_areas), "
            "(SELECT count(*) FROM business_areas)"
        )
    return registry.read_row(sql) or ()


class TileCache:
    """Encoded tiles by (collection, z, x, y), valid for one registry change key.

    Parameters
    ----------
    max_bytes : int
        Budget for the tiles kept; the least recently used go first.
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._tiles: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._change_key: tuple[Any, ...] | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, *, change_key: tuple[Any, ...]) -> bytes | None:
        """The cached tile, or None (a registry change since it was stored empties the cache)."""
        with self._lock:
            if change_key != self._change_key:
                self._tiles.clear()
                self._bytes = 0
                self._change_key = change_key
            tile = self._tiles.get(key)
            if tile is None:
                self.misses += 1
                return None
            self._tiles.move_to_end(key)
            self.hits += 1
            return tile

    def put(self, key: Hashable, tile: bytes, *, change_key: tuple[Any, ...]) -> None:
        """Keep a tile encoded at ``change_key`` (dropped if the registry changed meanwhile)."""
        with self._lock:
            if change_key != self._change_key or len(tile) > self.max_bytes:
                return
            old = self._tiles.pop(key, None)
            self._bytes -= len(old) if old is not None else 0
            self._tiles[key] = tile
            self._bytes += len(tile)
            while self._bytes > self.max_bytes:
                _, dropped = self._tiles.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._tiles)
