"""A bounded in-memory cache of encoded tiles, kept current with the registry's edits.

When the registry has changed (by any writer or process), the tiles that the changed plots'
old and new outlines reach are dropped and the others kept; a change of the business areas, or
of more than :data:`MAX_TARGETED_PLOTS` plots at once, empties the cache.  It also makes
concurrent requests for one tile share one computation (single flight): the first request
computes it, the others wait for that result instead of reading the registry again.
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
#: Beyond this many plots changed since the cache last looked, it is emptied rather than searched.
MAX_TARGETED_PLOTS = 1000

Box = tuple[float, float, float, float]


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


def changed_plot_boxes(registry: SqlReader, old_key: tuple[Any, ...], new_key: tuple[Any, ...]) -> list[Box] | None:
    """Boxes (EPSG:25832) of every outline, old and new, of the plots changed between two change keys.

    None when the change cannot be told apart by place: business areas changed, the keys are not
    two states of the same history (e.g. an older key after a newer one), or more than
    :data:`MAX_TARGETED_PLOTS` plots changed.  A changed plot's boxes are those of its rows in the
    plots table and of every geometry in its history, which include its outline at ``old_key``.
    """
    areas = 2 if registry.backend == "geopackage" else 1
    if not old_key or not new_key or old_key[areas:] != new_key[areas:]:
        return None
    old_fid, new_fid = old_key[0] or 0, new_key[0] or 0
    if new_fid <= old_fid:
        return None if new_key != old_key else []
    mark = "?" if registry.backend == "geopackage" else "%s"
    ids = registry.read_rows(
        f"SELECT DISTINCT plot_id FROM plot_versions WHERE fid > {mark} AND fid <= {mark} LIMIT {mark}",
        [old_fid, new_fid, MAX_TARGETED_PLOTS + 1],
    )
    if len(ids) > MAX_TARGETED_PLOTS:
        return None
    plot_ids = [row[0] for row in ids]
    if not plot_ids:
        return []
    if registry.backend == "geopackage":
        marks = ",".join("?" * len(plot_ids))
        rows = registry.read_rows(
            "SELECT r.minx, r.miny, r.maxx, r.maxy FROM plots p CROSS JOIN rtree_plots_geom r ON r.id = p.fid "
            f"WHERE p.plot_id IN ({marks}) UNION ALL "
            "SELECT r.minx, r.miny, r.maxx, r.maxy FROM plot_versions v "
            f"CROSS JOIN rtree_plot_versions_geom r ON r.id = v.fid WHERE v.plot_id IN ({marks})",
            plot_ids + plot_ids,
        )
    else:
        rows = registry.read_rows(
            "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM plots "
            "WHERE plot_id = ANY(%s) UNION ALL "
            "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM plot_versions "
            "WHERE plot_id = ANY(%s) AND geom IS NOT NULL",
            [plot_ids, plot_ids],
        )
    return [(float(a), float(b), float(c), float(d)) for a, b, c, d in rows]


def _meets(box: Box, boxes: list[Box]) -> bool:
    return any(b[0] <= box[2] and b[2] >= box[0] and b[1] <= box[3] and b[3] >= box[1] for b in boxes)


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
        self._boxes: dict[Hashable, Box | None] = {}
        self._bytes = 0
        self._change_key: tuple[Any, ...] | None = None
        self._lock = threading.Lock()
        self._flights: dict[tuple[Hashable, tuple[Any, ...]], _Flight] = {}
        self.hits = 0
        self.misses = 0
        self.computed = 0

    def get_or_compute(
        self,
        key: Hashable,
        compute: Callable[[], bytes],
        *,
        change_key: tuple[Any, ...],
        box: Box | None = None,
        changes: Callable[[tuple[Any, ...], tuple[Any, ...]], list[Box] | None] | None = None,
    ) -> bytes:
        """The cached tile, else the result of ``compute()``, run once however many threads ask at the same time.

        Parameters
        ----------
        key : hashable
            The tile (and anything else its bytes depend on).
        compute : callable
            Returns the encoded tile; runs in the first caller's thread, the others wait for it.
        change_key : tuple
            The registry's change key (:func:`registry_change_key`) read before computing.
        box : (minx, miny, maxx, maxy), optional
            Where (EPSG:25832) a changed plot makes this tile stale; None: any change does.
        changes : callable, optional
            ``changes(old_key, new_key)`` gives the boxes of what changed between two keys, or None
            for "anything may have" (:func:`changed_plot_boxes`); without it any change empties the cache.

        Returns
        -------
        bytes
            The tile.  An error raised by ``compute`` is raised in every caller that waited for it.
        """
        cached = self.get(key, change_key=change_key, changes=changes)
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
            self.put(key, flight.tile, change_key=change_key, box=box)
            return flight.tile
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[flight_key]
            flight.done.set()

    def get(
        self,
        key: Hashable,
        *,
        change_key: tuple[Any, ...],
        changes: Callable[[tuple[Any, ...], tuple[Any, ...]], list[Box] | None] | None = None,
    ) -> bytes | None:
        """The cached tile, or None; a registry change since drops the tiles it reaches (all without ``changes``)."""
        with self._lock:
            seen = self._change_key
        if change_key != seen:
            self._advance(seen, change_key, changes)
        with self._lock:
            tile = self._tiles.get(key)
            if tile is None:
                self.misses += 1
                return None
            self._tiles.move_to_end(key)
            self.hits += 1
            return tile

    def _advance(
        self,
        seen: tuple[Any, ...] | None,
        change_key: tuple[Any, ...],
        changes: Callable[[tuple[Any, ...], tuple[Any, ...]], list[Box] | None] | None,
    ) -> None:
        """Move the cache from change key ``seen`` to ``change_key``, dropping the tiles the change reaches."""
        boxes = None if seen is None or changes is None else changes(seen, change_key)
        with self._lock:
            if self._change_key != seen:  # another thread moved it meanwhile
                if self._change_key == change_key:
                    return
                boxes = None
            stale = (
                list(self._tiles)
                if boxes is None
                else [k for k in self._tiles if (b := self._boxes.get(k)) is None or _meets(b, boxes)]
            )
            for k in stale:
                self._bytes -= len(self._tiles.pop(k))
                self._boxes.pop(k, None)
            self._change_key = change_key

    def put(self, key: Hashable, tile: bytes, *, change_key: tuple[Any, ...], box: Box | None = None) -> None:
        """Keep a tile encoded at ``change_key`` (dropped if the registry changed meanwhile).

        ``box`` (EPSG:25832) is where a changed plot makes the tile stale; None: any change does.
        """
        with self._lock:
            if change_key != self._change_key or len(tile) > self.max_bytes:
                return
            old = self._tiles.pop(key, None)
            self._bytes -= len(old) if old is not None else 0
            self._tiles[key] = tile
            self._boxes[key] = box
            self._bytes += len(tile)
            while self._bytes > self.max_bytes:
                dropped_key, dropped = self._tiles.popitem(last=False)
                self._boxes.pop(dropped_key, None)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._tiles)
