"""A bounded in-memory cache of encoded tiles, emptied whenever the registry changes.

It also makes concurrent requests for one tile share one computation (single flight): the first
request computes it, the others wait for that result instead of reading the registry again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
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


@dataclass
class _Flight:
    """One tile being computed, and what its waiters receive."""

    done: threading.Event = field(default_factory=threading.Event)
    tile: bytes | None = None
    error: BaseException | None = None


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
        self._flights: dict[tuple[Hashable, tuple[Any, ...]], _Flight] = {}
        self.hits = 0
        self.misses = 0
        self.computed = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], bytes], *, change_key: tuple[Any, ...]) -> bytes:
        """The cached tile, else the result of ``compute()``, run once however many threads ask at the same time.

        Parameters
        ----------
        key : hashable
            The tile (and anything else its bytes depend on).
        compute : callable
            Returns the encoded tile; runs in the first caller's thread, the others wait for it.
        change_key : tuple
            The registry's change key (:func:`registry_change_key`) read before computing.

        Returns
        -------
        bytes
            The tile.  An error raised by ``compute`` is raised in every caller that waited for it.
        """
        cached = self.get(key, change_key=change_key)
        if cached is not None:
            return cached
        flight_key = (key, change_key)
        with self._lock:
            flight = self._flights.get(flight_key)
            owner = flight is None
            if flight is None:
                flight = self._flights[flight_key] = _Flight()
        if not owner:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            assert flight.tile is not None
            return flight.tile
        try:
            with self._lock:
                self.computed += 1
            flight.tile = compute()
            self.put(key, flight.tile, change_key=change_key)
            return flight.tile
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[flight_key]
            flight.done.set()

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
