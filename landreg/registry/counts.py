"""Numbers of matching plots kept between requests, valid while the registry is unchanged.

Counting every match of a page's query (``numberMatched``) scans the table; paging through one
query asks the same count again and again.  :class:`CountCache` keeps each count with the
registry's change key — the newest history row id, which every plot write by any writer or
process raises — so a count is reused exactly while it is still right, and recomputed after
any change.  A count inside an open write transaction is never kept (it may be rolled back).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

#: The change key: the newest history row (plot writes only add rows, ids only grow).
CHANGE_KEY_SQL = "SELECT max(fid) FROM plot_versions"


class CountCache:
    """Counts by query (SQL text and parameters) for one change key, least recently used dropped first.

    Parameters
    ----------
    max_entries : int
        How many different queries' counts to keep.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._counts: OrderedDict[Hashable, int] = OrderedDict()
        self._change_key: Any = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def count(self, query_key: Hashable, *, change_key: Any, compute: Callable[[], int]) -> int:
        """The count of ``query_key`` under ``change_key``, from the cache or from ``compute()``.

        Parameters
        ----------
        query_key : hashable
            The counting SQL and its parameters.
        change_key : any
            The registry's change key read before counting (None: do not keep the count).
        compute : callable
            Counts the matches.

        Returns
        -------
        int
        """
        if change_key is None:
            return compute()
        with self._lock:
            if change_key != self._change_key:
                self._counts.clear()
                self._change_key = change_key
            elif query_key in self._counts:
                self._counts.move_to_end(query_key)
                self.hits += 1
                return self._counts[query_key]
        value = compute()
        with self._lock:
            self.misses += 1
            if change_key == self._change_key:
                self._counts[query_key] = value
                while len(self._counts) > self.max_entries:
                    self._counts.popitem(last=False)
        return value


def hashable_params(params: list[Any]) -> tuple[Any, ...]:
    """SQL parameters as a hashable key (lists as tuples, bytes as they are)."""
    return tuple(tuple(p) if isinstance(p, list) else p for p in params)
