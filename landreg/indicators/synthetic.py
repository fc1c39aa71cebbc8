"""What is synthetic in the rows a figure used, counted once per row and summed per figure.

:func:`landreg.provenance.summarize_synthetic` parses every row's provenance each time it is
called; the indicators ask it for the same plots hundreds of times (every figure of every
scope), so :class:`SyntheticIndex` decides once per row and field group whether the row holds a
value, whether that value is synthetic and its source, and then counts any subset of rows
with array sums.  The counts are those :func:`summarize_synthetic` gives for the same rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from landreg.provenance import SyntheticCount, SyntheticSummary
from landreg.provenance.entries import (
    FIELD_GROUPS,
    entry_is_synthetic,
    entry_of,
    entry_source,
    has_value,
    parse_provenance,
)


class SyntheticIndex:
    """Per row and field group: holds a value, is synthetic, its source.

    Parameters
    ----------
    rows : DataFrame
        Plots (or plot versions) with ``provenance`` and field columns.
    groups : sequence of str, optional
        Field groups to index (default all of :data:`~landreg.provenance.entries.FIELD_GROUPS`).

    Raises
    ------
    ValueError
        When ``rows`` has no ``provenance`` column.
    """

    def __init__(self, rows: pd.DataFrame, *, groups: Sequence[str] | None = None) -> None:
        if "provenance" not in rows.columns:
            raise ValueError(
                "the plots carry no 'provenance' column, so what is synthetic cannot be told; "
                "pass the plots as read from the registry"
            )
        self.n_rows = len(rows)
        provs = [_entries(v) for v in rows["provenance"]]
        self._valued: dict[str, np.ndarray] = {}
        self._synthetic: dict[str, np.ndarray] = {}
        self._source: dict[str, np.ndarray] = {}
        presence: dict[str, list[bool]] = {}
        for group in groups if groups is not None else list(FIELD_GROUPS):
            fields = FIELD_GROUPS[group]
            for f in fields:
                if f not in presence:
                    values = rows[f] if f in rows.columns else [None] * self.n_rows
                    presence[f] = [has_value({f: v}, f) for v in values]
            valued = np.zeros(self.n_rows, dtype=bool)
            synthetic = np.zeros(self.n_rows, dtype=bool)
            source = np.empty(self.n_rows, dtype=object)
            for i, prov in enumerate(provs):
                present = [f for f in fields if presence[f][i]]
                if not present:
                    continue
                entries = [entry_of(prov, f) for f in present]
                fake = [e for e in entries if entry_is_synthetic(e)]
                valued[i], synthetic[i] = True, bool(fake)
                source[i] = entry_source(fake[0] if fake else entries[0])
            self._valued[group], self._synthetic[group], self._source[group] = valued, synthetic, source

    def summary(self, mask: np.ndarray | None, *, groups: Sequence[str]) -> SyntheticSummary:
        """The synthetic counts of the rows in ``mask`` (all rows when None) for ``groups``.

        Parameters
        ----------
        mask : ndarray of bool, optional
            Which rows were used.
        groups : sequence of str
            Field groups the figure used (each indexed).

        Returns
        -------
        SyntheticSummary
            Equal to :func:`landreg.provenance.summarize_synthetic` over the same rows and groups.
        """
        used = np.ones(self.n_rows, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        counts = []
        for group in groups:
            rows = used & self._valued[group]
            n_total = int(rows.sum())
            if not n_total:
                continue
            sources = Counter(str(s) for s in self._source[group][rows])
            n_syn = int((rows & self._synthetic[group]).sum())
            counts.append(SyntheticCount(group, n_syn, n_total, "plots", dict(sorted(sources.items()))))
        return SyntheticSummary(tuple(counts))

    def synthetic_rows(self) -> list[bool]:
        """Per row: whether any value of an indexed group is synthetic."""
        flags = np.zeros(self.n_rows, dtype=bool)
        for group, valued in self._valued.items():
            flags |= valued & self._synthetic[group]
        return [bool(f) for f in flags]


def _entries(value: Any) -> Mapping[str, Mapping[str, Any]]:
    """A provenance whose entries can be read as they are: a dict of plain dicts is used without a copy.

    Reading an entry gives the same answer as on :func:`parse_provenance`'s copy (which only drops
    ``None`` values, read as missing either way); any other form is parsed.
    """
    if isinstance(value, dict) and all(type(e) is dict and None not in e.values() for e in value.values()):
        return value
    return parse_provenance(value)
