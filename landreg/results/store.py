"""The table of stored analysis results in a registry, on either backend.

``analysis_results`` holds one row per live plot and scoring profile: the plot version and
enrichment time the row was computed from, the score with its breakdown (JSON), what the
effective supply needs (status, readiness, decares, the contiguous block of supply plots) and
what decides whether an edit reaches other plots (firms on the plot, which travel times are
known).  ``analysis_results_state`` holds, per profile, the registry change marks the rows are
current for and the whole-registry inputs of the scores (firms, criteria not applicable).

In a GeoPackage both are plain SQLite tables, created on first use and deliberately not entered
in ``gpkg_contents`` (derived data, not a layer for GIS clients); on PostGIS migration 0008
creates them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

RESULTS = "analysis_results"
STATE = "analysis_results_state"

#: Columns of :data:`RESULTS` (name, SQLite type); migration 0008 declares the same on PostGIS.
RESULT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("profile", "TEXT NOT NULL"),
    ("plot_id", "TEXT NOT NULL"),
    ("plot_version", "INTEGER NOT NULL"),
    ("enrichment_at", "TEXT"),
    ("code", "TEXT"),
    ("municipality_no", "TEXT"),
    ("municipality_name", "TEXT"),
    ("business_area_id", "TEXT"),
    ("status", "TEXT"),
    ("readiness", "TEXT"),
    ("area_daa", "REAL"),
    ("score", "REAL"),
    ("excluded", "INTEGER"),
    ("synergy_score", "REAL"),
    ("has_firms", "INTEGER"),
    ("routed_mask", "INTEGER"),
    ("block_id", "INTEGER"),
    ("block_area_daa", "REAL"),
    ("effective_daa", "REAL"),
    ("breakdown", "TEXT"),
)
NAMES = [n for n, _ in RESULT_COLUMNS]

_DDL = (
    f'CREATE TABLE IF NOT EXISTS "{RESULTS}" ('
    + ", ".join(f'"{n}" {t}' for n, t in RESULT_COLUMNS)
    + ", PRIMARY KEY (profile, plot_id))",
    f'CREATE INDEX IF NOT EXISTS "idx_{RESULTS}_block" ON "{RESULTS}"(profile, block_id)',
    # covers the supply sums: they read this index, not the rows with their breakdowns
    f'CREATE INDEX IF NOT EXISTS "idx_{RESULTS}_supply" ON "{RESULTS}"(profile, municipality_no, business_area_id, '
    "status, area_daa, score, effective_daa, municipality_name)",
    f'CREATE TABLE IF NOT EXISTS "{STATE}" (profile TEXT PRIMARY KEY NOT NULL, state TEXT NOT NULL)',
)

#: Finds the enrichment rows written since a time without reading the others.
_ENRICHMENT_INDEX = 'CREATE INDEX IF NOT EXISTS "idx_plot_enrichment_computed_at" ON "plot_enrichment"(computed_at)'


def plain(value: Any) -> Any:
    """A value as the database driver takes it: None for missing, Python int and float."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.integer | np.bool_):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return value


class ResultsTable:
    """SQL on the stored results of one registry (``?`` placeholders on both backends).

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        An open registry.
    """

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self.postgis = registry.backend == "postgis"

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgis else sql

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a read query."""
        if self.postgis:
            with self.registry._connection() as conn:
                return [tuple(r) for r in conn.execute(self._sql(sql), list(params)).fetchall()]
        with self.registry._lock:
            return [tuple(r) for r in self.registry._conn.execute(sql, tuple(params)).fetchall()]

    def exists(self) -> bool:
        """Whether the tables are there (always on a migrated PostGIS schema)."""
        if self.postgis:
            return True
        return bool(self.read("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (RESULTS,)))

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write on the registry's own transaction (its write lock held); creates the tables when missing."""
        with self.registry._write_transaction() as conn:
            if not self.postgis:
                for statement in _DDL:
                    conn.execute(statement)
                if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'plot_enrichment'").fetchone():
                    conn.execute(_ENRICHMENT_INDEX)
            yield conn

    def execute(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run ``sql`` once per row on the transaction's connection."""
        if not rows:
            return
        if self.postgis:
            with conn.cursor() as cur:
                cur.executemany(self._sql(sql), [list(r) for r in rows])
        else:
            conn.executemany(sql, [tuple(r) for r in rows])

    def change_marks(self) -> dict[str, Any]:
        """What tells whether the stored results are current: the last history row, enrichment and area marks."""
        (max_fid,) = self.read("SELECT max(fid) FROM plot_versions")[0]
        if self.postgis or self.read("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plot_enrichment'"):
            n, latest = self.read("SELECT count(*), max(computed_at) FROM plot_enrichment")[0]
        else:
            n, latest = 0, None
        areas = list(self.read("SELECT max(fid), count(*) FROM business_areas")[0])
        if not self.postgis:
            areas += list(self.read("SELECT last_change FROM gpkg_contents WHERE table_name = 'business_areas'")[0])
        return {
            "max_fid": max_fid,
            "enrichment": [int(n), None if latest is None else str(latest)],
            "areas": [None if a is None else str(a) for a in areas],
        }

    def load_state(self, profile: str) -> dict[str, Any] | None:
        """The stored state of ``profile``, or None when nothing is stored for it."""
        if not self.exists():
            return None
        rows = self.read(f'SELECT state FROM "{STATE}" WHERE profile = ?', (profile,))
        return json.loads(rows[0][0]) if rows else None

    def save_state(self, conn: Any, profile: str, state: dict[str, Any]) -> None:
        """Insert or replace the state of ``profile`` (inside :meth:`transaction`)."""
        text = json.dumps(state, ensure_ascii=False, sort_keys=True)
        self.execute(
            conn,
            f'INSERT INTO "{STATE}" (profile, state) VALUES (?, ?) '
            "ON CONFLICT (profile) DO UPDATE SET state = excluded.state",
            [(profile, text)],
        )

    def upsert(self, conn: Any, rows: Sequence[Sequence[Any]]) -> None:
        """Insert or replace result rows (values in :data:`NAMES` order)."""
        quoted = ", ".join(f'"{n}"' for n in NAMES)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in NAMES if n not in ("profile", "plot_id"))
        self.execute(
            conn,
            f'INSERT INTO "{RESULTS}" ({quoted}) VALUES ({", ".join("?" * len(NAMES))}) '
            f"ON CONFLICT (profile, plot_id) DO UPDATE SET {updates}",
            rows,
        )

    def delete(self, conn: Any, profile: str, plot_ids: Sequence[str] | None = None) -> None:
        """Remove the rows of these plots (every row of the profile when None)."""
        if plot_ids is None:
            self.execute(conn, f'DELETE FROM "{RESULTS}" WHERE profile = ?', [(profile,)])
        else:
            self.execute(
                conn, f'DELETE FROM "{RESULTS}" WHERE profile = ? AND plot_id = ?', [(profile, p) for p in plot_ids]
            )

    def rows(
        self, profile: str, columns: Sequence[str], *, plot_ids: Sequence[str] | None = None
    ) -> list[tuple[Any, ...]]:
        """Stored rows of ``profile`` (the given plots, or all), ordered by ``plot_id``."""
        select = f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{RESULTS}" WHERE profile = ?'
        if plot_ids is None:
            return self.read(select + " ORDER BY plot_id", (profile,))
        out: list[tuple[Any, ...]] = []
        ids = list(plot_ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            out += self.read(select + f" AND plot_id IN ({','.join('?' * len(part))})", (profile, *part))
        return sorted(out, key=lambda r: r[columns.index("plot_id")] if "plot_id" in columns else 0)

    def block_members(self, profile: str, block_ids: Sequence[int]) -> list[str]:
        """Plot ids of the stored blocks ``block_ids``."""
        out: list[str] = []
        ids = [int(b) for b in block_ids]
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            sql = f'SELECT plot_id FROM "{RESULTS}" WHERE profile = ? AND block_id IN ({",".join("?" * len(part))})'
            out += [r[0] for r in self.read(sql, (profile, *part))]
        return out
