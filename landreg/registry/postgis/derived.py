"""Derived per-plot attributes (enrichment) in the PostGIS registry (mixed into it).

The same contract as :mod:`landreg.registry.derived`: upsert by plot, load all or some,
delete; frames come back in the same form (``computed_at`` as UTC text, ``layer_versions``
as JSON text, REAL columns as floats, BOOLEAN columns as True/False/None).  The derived values
of a plot are one jsonb object, and each attribute's name and type a row of
``plot_enrichment_columns``: a new attribute never changes the tables.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landreg.errors import PlotNotFoundError
from landreg.registry.codec import format_datetime
from landreg.registry.derived import _KEYS, _NAME, _sql_type, _states_frame, _value


class PostGISDerived:
    """Enrichment-table methods of the PostGIS registry."""

    if TYPE_CHECKING:

        def _connection(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _write_transaction(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _existing_ids(self, ids: Sequence[str]) -> set[str]:
            raise NotImplementedError

    def save_enrichment(self, frame: pd.DataFrame, *, computed_at: dt.datetime | None = None) -> int:
        """Insert or replace the derived attributes of the plots in ``frame`` (one transaction).

        Parameters
        ----------
        frame : DataFrame
            ``plot_id``, ``plot_version``, ``layer_versions`` (dict or JSON text) and any
            derived columns (lower-case names).  Plots not in the frame keep their rows.
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
        derived = [c for c in frame.columns if c not in _KEYS]
        bad = [c for c in derived if not _NAME.match(str(c))]
        if bad:
            raise ValueError(f"derived column {bad[0]!r}: expected lower-case letters, digits and '_'")
        rows = []
        for rec in frame.to_dict(orient="records"):
            values = {c: _value(rec[c]) for c in derived}
            rows.append(
                (
                    str(rec["plot_id"]),
                    int(rec["plot_version"]),
                    str(rec["computed_at"]),
                    str(_value(rec["layer_versions"])),
                    json.dumps(values, ensure_ascii=False, allow_nan=False),
                )
            )
        with self._write_transaction() as conn, conn.cursor() as cur:
            ids = frame["plot_id"].astype(str).tolist()
            unknown = sorted(set(ids) - self._existing_ids(sorted(set(ids))))
            if unknown:
                raise PlotNotFoundError(f"save_enrichment: no plot with id(s) {unknown[:10]} in the registry")
            cur.executemany(
                "INSERT INTO plot_enrichment_columns (name, sql_type) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                [(c, _sql_type(frame[c])) for c in derived],
            )
            cur.executemany(
                "INSERT INTO plot_enrichment (plot_id, plot_version, computed_at, layer_versions, derived) "
                "VALUES (%s, %s, %s::timestamptz, %s, %s::jsonb) ON CONFLICT (plot_id) DO UPDATE SET "
                "plot_version = excluded.plot_version, computed_at = excluded.computed_at, "
                "layer_versions = excluded.layer_versions, derived = plot_enrichment.derived || excluded.derived",
                rows,
            )
        return len(rows)

    def enrichment_states(self, layer_versions: str, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """``plot_id``, ``plot_version`` and ``current`` (stored ``layer_versions`` equal to these), by ``plot_id``.

        See :meth:`landreg.registry.gpkg.GeoPackageRegistry.enrichment_states`; no other column is read.
        """
        select = "SELECT plot_id, plot_version, layer_versions = %s FROM plot_enrichment"
        with self._connection() as conn:
            if plot_ids is None:
                rows = conn.execute(select + " ORDER BY plot_id", (layer_versions,)).fetchall()
            else:
                rows = conn.execute(
                    select + " WHERE plot_id = ANY(%s) ORDER BY plot_id", (layer_versions, list(plot_ids))
                ).fetchall()
        return _states_frame(rows)

    def load_enrichment(self, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Stored derived attributes (all plots, or the given ids), ordered by ``plot_id``.

        Returns
        -------
        DataFrame
            ``plot_id``, ``plot_version``, ``computed_at``, ``layer_versions`` (JSON text) and
            the derived columns; empty with the key columns when nothing was saved yet.
        """
        select = "SELECT plot_id, plot_version, computed_at, layer_versions, derived FROM plot_enrichment"
        with self._connection() as conn:
            columns = conn.execute("SELECT name, sql_type FROM plot_enrichment_columns ORDER BY fid").fetchall()
            if plot_ids is None:
                rows = conn.execute(select + " ORDER BY plot_id").fetchall()
            else:
                rows = conn.execute(select + " WHERE plot_id = ANY(%s) ORDER BY plot_id", (list(plot_ids),)).fetchall()
        if not columns and not rows:
            return pd.DataFrame({n: pd.Series(dtype=object if n != "plot_version" else "int64") for n in _KEYS})
        data: dict[str, Any] = {
            "plot_id": [r[0] for r in rows],
            "plot_version": [r[1] for r in rows],
            "computed_at": [format_datetime(r[2]) for r in rows],
            "layer_versions": [r[3] for r in rows],
        }
        frame = pd.DataFrame(data)
        for name, sql_type in columns:
            values = [r[4].get(name) for r in rows]
            if sql_type == "REAL":
                frame[name] = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
            elif sql_type == "BOOLEAN":
                frame[name] = pd.Series([None if v is None else bool(v) for v in values], dtype=object)
            else:
                frame[name] = pd.Series(values, dtype=object)
        return frame

    def delete_enrichment(self, plot_ids: Sequence[str]) -> int:
        """Remove the stored derived attributes of these plots; returns how many rows went."""
        with self._write_transaction() as conn:
            cur = conn.execute("DELETE FROM plot_enrichment WHERE plot_id = ANY(%s)", (list(plot_ids),))
        return int(cur.rowcount)
