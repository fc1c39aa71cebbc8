"""Derived per-plot attributes (enrichment: road access, terrain, hazards) stored in the registry.

One row per plot in the attributes table ``plot_enrichment``: the plot id, the
plot version the values were computed from, when, from which layer versions
(JSON text) and the derived columns.  The table is created lazily on the
first save (``CREATE TABLE IF NOT EXISTS`` plus its ``gpkg_contents`` row,
inside the write transaction); derived columns are added with ``ALTER TABLE``
as they first appear, typed from the frame (REAL, INTEGER, BOOLEAN, TEXT).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from landreg.errors import PlotNotFoundError
from landreg.gpkg.connection import write_transaction
from landreg.registry._state import RegistryState
from landreg.registry.codec import format_datetime

ENRICHMENT = "plot_enrichment"
KEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("plot_id", "TEXT NOT NULL UNIQUE"),
    ("plot_version", "INTEGER NOT NULL"),
    ("computed_at", "DATETIME NOT NULL"),
    ("layer_versions", "TEXT NOT NULL"),
)
_KEYS = [n for n, _ in KEY_COLUMNS]
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_CHUNK = 900


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    if pd.api.types.is_float_dtype(series):
        return "REAL"
    return "TEXT"


def _value(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return v


def _column_values(series: pd.Series) -> list[Any]:
    """A column's values as :func:`_value` gives them, converted a column at a time for plain numeric columns."""
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else ""
    if kind == "f":
        values = series.to_numpy()
        out = values.astype(object)
        out[np.isnan(values)] = None
        return list(out)
    if kind in ("i", "u"):
        return series.to_numpy().tolist()
    if kind == "b":
        return series.to_numpy().astype(np.int64).tolist()
    return [_value(v) for v in series]


class DerivedStore(RegistryState):
    """Enrichment-table methods of the GeoPackage registry (mixed into it)."""

    def _enrichment_columns(self) -> list[str]:
        rows = self._conn.execute(f'PRAGMA table_info("{ENRICHMENT}")').fetchall()
        return [r[1] for r in rows]

    def _ensure_enrichment_table(self, frame: pd.DataFrame) -> None:
        """Create the table and add missing columns (call inside a write transaction)."""
        keys = ",\n  ".join(f'"{n}" {t}' for n, t in KEY_COLUMNS)
        self._conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{ENRICHMENT}" (\n'
            f"  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n  {keys}\n)"
        )
        self._conn.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (?, 'attributes', ?, ?)",
            (ENRICHMENT, ENRICHMENT, "Derived attributes per plot: road access, terrain, hazards (landreg enrich)"),
        )
        have = set(self._enrichment_columns())
        for name in frame.columns:
            if name in have:
                continue
            if not _NAME.match(str(name)):
                raise ValueError(f"derived column {name!r}: expected lower-case letters, digits and '_'")
            self._conn.execute(f'ALTER TABLE "{ENRICHMENT}" ADD COLUMN "{name}" {_sql_type(frame[name])}')

    def save_enrichment(self, frame: pd.DataFrame, *, computed_at: dt.datetime | None = None) -> int:
        """Insert or replace the derived attributes of the plots in ``frame`` (one transaction).

        Parameters
        ----------
        frame : DataFrame
            ``plot_id``, ``plot_version``, ``layer_versions`` (dict or JSON text)
            and any derived columns (lower-case names).  Plots not in the
            frame keep their rows.
        computed_at : datetime, optional
            Defaults to now (UTC); a ``computed_at`` column overrides both.

        Returns
        -------
        int
            Rows written.

        Raises
        ------
        PlotNotFoundError
            When a ``plot_id`` is not in the registry; nothing is written.
        """
        missing = [c for c in ("plot_id", "plot_version", "layer_versions") if c not in frame.columns]
        if missing:
            raise ValueError(f"save_enrichment needs columns {missing}; got {list(frame.columns)}")
        frame = frame.reset_index(drop=True)
        if "computed_at" not in frame.columns:
            frame = frame.assign(computed_at=format_datetime(computed_at or dt.datetime.now(dt.UTC)))
        cols = list(frame.columns)
        quoted = ", ".join(f'"{c}"' for c in cols)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != "plot_id")
        sql = (
            f'INSERT INTO "{ENRICHMENT}" ({quoted}) VALUES ({", ".join("?" * len(cols))}) '
            f"ON CONFLICT(plot_id) DO UPDATE SET {updates}"
        )
        rows = list(zip(*(_column_values(frame[c]) for c in cols), strict=True))
        with self._lock, write_transaction(self._conn):
            ids = frame["plot_id"].astype(str).tolist()
            known = self._existing_ids(sorted(set(ids)))
            unknown = sorted(set(ids) - known)
            if unknown:
                raise PlotNotFoundError(f"save_enrichment: no plot with id(s) {unknown[:10]} in the registry")
            self._ensure_enrichment_table(frame)
            self._conn.executemany(sql, rows)
            self._conn.execute(
                "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
                (ENRICHMENT,),
            )
        return len(rows)

    def enrichment_states(self, layer_versions: str, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Which plots have stored derived attributes, of which version, from these layers (no other column read).

        Parameters
        ----------
        layer_versions : str
            The layer versions and parameters (JSON text) of an enrichment run.
        plot_ids : sequence of str, optional
            Only these plots (default every row).

        Returns
        -------
        DataFrame
            ``plot_id``, ``plot_version`` and ``current`` (the row's ``layer_versions`` equal
            ``layer_versions``), ordered by ``plot_id``.
        """
        select = f'SELECT plot_id, plot_version, layer_versions = ? FROM "{ENRICHMENT}"'
        with self._lock:
            if not self._enrichment_columns():
                rows: list[Any] = []
            elif plot_ids is None:
                rows = self._conn.execute(select + " ORDER BY plot_id", (layer_versions,)).fetchall()
            else:
                rows, ids = [], list(plot_ids)
                for i in range(0, len(ids), _CHUNK):
                    part = ids[i : i + _CHUNK]
                    rows += self._conn.execute(
                        select + f" WHERE plot_id IN ({','.join('?' * len(part))})", [layer_versions, *part]
                    ).fetchall()
                rows.sort(key=lambda r: r[0])
        return _states_frame(rows)

    def load_enrichment(self, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Stored derived attributes (all plots, or the given ids), ordered by ``plot_id``.

        Returns
        -------
        DataFrame
            ``plot_id``, ``plot_version``, ``computed_at``, ``layer_versions``
            (JSON text) and the derived columns; empty with the key columns when
            nothing was saved yet.
        """
        with self._lock:
            cols = [c for c in self._enrichment_columns() if c != "fid"]
            if not cols:
                return pd.DataFrame({n: pd.Series(dtype=object if n != "plot_version" else "int64") for n in _KEYS})
            select = f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)} FROM "{ENRICHMENT}"'
            if plot_ids is None:
                rows = self._conn.execute(select + " ORDER BY plot_id").fetchall()
            else:
                rows = []
                ids = list(plot_ids)
                for i in range(0, len(ids), _CHUNK):
                    part = ids[i : i + _CHUNK]
                    rows += self._conn.execute(
                        select + f" WHERE plot_id IN ({','.join('?' * len(part))})", part
                    ).fetchall()
                rows.sort(key=lambda r: r[cols.index("plot_id")])
            types = dict((r[1], r[2]) for r in self._conn.execute(f'PRAGMA table_info("{ENRICHMENT}")').fetchall())
        frame = pd.DataFrame(rows, columns=cols)
        for c in cols:
            if types.get(c) == "REAL":
                frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
            elif types.get(c) == "BOOLEAN":
                frame[c] = frame[c].map(lambda v: None if v is None else bool(v)).astype(object)
        return frame

    def delete_enrichment(self, plot_ids: Sequence[str]) -> int:
        """Remove the stored derived attributes of these plots; returns how many rows went."""
        ids = list(plot_ids)
        removed = 0
        with self._lock, write_transaction(self._conn):
            if not self._enrichment_columns():
                return 0
            for i in range(0, len(ids), _CHUNK):
                part = ids[i : i + _CHUNK]
                cur = self._conn.execute(
                    f'DELETE FROM "{ENRICHMENT}" WHERE plot_id IN ({",".join("?" * len(part))})', part
                )
                removed += cur.rowcount
        return removed


def _states_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """The frame of :meth:`enrichment_states` from (plot_id, plot_version, current) rows."""
    return pd.DataFrame(
        {
            "plot_id": pd.Series([r[0] for r in rows], dtype=object),
            "plot_version": pd.Series([r[1] for r in rows], dtype="int64"),
            "current": pd.Series([bool(r[2]) for r in rows], dtype=bool),
        }
    )
