"""Compact plot history: a version stores what changed, with a full snapshot every few versions.

A history row is either a *snapshot* (``base_version`` NULL: every column and the geometry, as
every row was before compact history, so older registries read unchanged) or a *delta*
(``base_version`` names the snapshot it builds on).  A delta keeps only the key columns of
:data:`KEPT_COLUMNS`; the values of the fields it changed are its ``after`` record (in storage
form) and its geometry is stored only when the geometry changed.  A plot's state at a version
is its snapshot with the ``after`` records of the deltas up to that version applied in order,
and the newest geometry among them.  Every :data:`SNAPSHOT_EVERY_VERSIONS`-th version is a
snapshot again, so rebuilding one version reads at most that many rows.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from landreg.registry.codec import PLOT_COLUMNS

_COLS = frozenset(n for n, _ in PLOT_COLUMNS)

#: A new snapshot is stored when a plot's version is this many versions past its last snapshot.
SNAPSHOT_EVERY_VERSIONS = 16
#: Columns every history row stores: the keys (never NULL) and the fields each version sets.
KEPT_COLUMNS: tuple[str, ...] = ("plot_id", "code", "version", "municipality_no", "status", "updated_at", "updated_by")


def next_base_version(previous_version: int, previous_base: int | None) -> int | None:
    """The snapshot the version after ``previous_version`` builds on, or None when it is a snapshot itself.

    Parameters
    ----------
    previous_version : int
        The version being replaced.
    previous_base : int or None
        Its ``base_version`` (None when it is a snapshot).

    Returns
    -------
    int or None
    """
    base = previous_version if previous_base is None else previous_base
    if previous_version + 1 - base >= SNAPSHOT_EVERY_VERSIONS:
        return None
    return base


def delta_before(before: Mapping[str, Any] | None, *, base_version: int | None) -> Mapping[str, Any] | None:
    """The ``before`` record a history row stores: none for a delta (the previous version holds it)."""
    return before if base_version is None else None


def history_values(new_vals: Mapping[str, Any], *, base_version: int | None) -> dict[str, Any]:
    """The column values (storage form) a history row stores: all of them for a snapshot, the keys for a delta."""
    if base_version is None:
        return dict(new_vals)
    return {c: (new_vals[c] if c in KEPT_COLUMNS else None) for c in new_vals}


def rebuild_versions(rows: Iterable[Mapping[str, Any]], *, with_before: bool = True) -> list[dict[str, Any]]:
    """Full rows of one plot's history from its stored rows (oldest first, starting at a snapshot).

    Parameters
    ----------
    rows : iterable of mapping
        Stored history rows with ``geom``, the plot columns, ``changed_fields``, ``after`` (JSON
        text) and ``base_version``, ordered by version.
    with_before : bool
        Fill the ``before`` record of each delta from the version before it (history views need
        it; a past state does not).

    Returns
    -------
    list of dict
        Each row with every plot column and the geometry of its version; the history columns as stored.

    Raises
    ------
    ValueError
        When the first row is a delta (its snapshot was not given).
    """
    out: list[dict[str, Any]] = []
    state: dict[str, Any] | None = None
    for row in rows:
        if row.get("base_version") is None:
            state = dict(row)
        else:
            if state is None:
                raise ValueError(f"history of plot {row.get('plot_id')!r} starts at a delta (version {row['version']})")
            after = _json(row.get("after")) or {}
            changed = _json(row.get("changed_fields")) or []
            previous = state
            state = {
                **state,
                **{k: v for k, v in row.items() if k not in _COLS and k != "geom"},
                **{c: row[c] for c in KEPT_COLUMNS if c in row},
                **{c: after[c] for c in after if c in _COLS},
            }
            if "geometry" in changed:
                state["geom"] = row["geom"]
            if with_before and state.get("before") is None:
                state["before"] = json.dumps(
                    {c: previous[c] for c in changed if c in _COLS}, ensure_ascii=False, separators=(",", ":")
                )
        out.append(state)
    return out


def fill_before(names: Sequence[str], rows: Sequence[Sequence[Any]], *, stored: Any = None) -> list[list[Any]]:
    """Full history rows of one plot (oldest first) with the ``before`` of delta rows filled from the version before.

    ``stored`` turns a column value as read into its stored text (e.g. compact JSON); default as read.
    """
    at = {n: i for i, n in enumerate(names)}
    out = [list(r) for r in rows]
    for prev, row in itertools.pairwise(out):
        if row[at["base_version"]] is None or row[at["before"]] is not None:
            continue
        changed = _json(row[at["changed_fields"]]) or []
        values = {c: prev[at[c]] for c in changed if c in _COLS}
        if stored is not None:
            values = {c: stored(c, v) for c, v in values.items()}
        row[at["before"]] = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return out


def rebuild_rows(names: Sequence[str], rows: Iterable[Sequence[Any]], *, with_before: bool = True) -> list[list[Any]]:
    """:func:`rebuild_versions` over SQL rows of the columns ``names`` (which include ``base_version``)."""
    full = rebuild_versions((dict(zip(names, r, strict=True)) for r in rows), with_before=with_before)
    return [[f[n] for n in names] for f in full]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
