"""Reading plots: by id or code, queries with paging, counts, history (mixed into the registry)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.errors import PlotNotFoundError
from landreg.gpkg.geometry import decode_geometries
from landreg.model.plot import JSON_FIELDS, Plot
from landreg.registry._state import RegistryState
from landreg.registry.codec import (
    BOOL_FIELDS,
    NUMERIC_FIELDS,
    PLOT_COLUMNS,
    format_datetime,
    from_storage_value,
    is_missing,
    rows_to_frame,
    rows_to_records,
)
from landreg.registry.counts import CHANGE_KEY_SQL, hashable_params
from landreg.registry.cql import compile_filter
from landreg.registry.history import rebuild_rows
from landreg.registry.history_gpkg import as_of_table
from landreg.registry.query import PlotQuery, where_clause
from landreg.registry.tables import HISTORY_COLUMNS, PLOTS, VERSIONS

COLS = [n for n, _ in PLOT_COLUMNS]
SELECT = f"SELECT geom, {', '.join(COLS)} FROM"
_COLS = COLS
_SELECT = SELECT
_HIST = [n for n, _ in HISTORY_COLUMNS]


@dataclass(frozen=True)
class RecordPage:
    """A page of plots as plain records (EPSG:25832 geometries), the number of all matches and the next page's key."""

    records: list[dict[str, Any]]
    geometries: np.ndarray
    number_matched: int
    #: The page key (``PlotQuery.after_fid``) of the next page, or None when this page is the last.
    next_after_fid: int | None = None


def row_to_plot(row: Sequence[Any]) -> Plot:
    """A ``SELECT geom, <plot columns>`` row as a :class:`Plot`."""
    return record_to_plot(*rows_to_records([row], ["geom", *COLS]))


def record_to_plot(records: list[dict[str, Any]], geometries: np.ndarray) -> Plot:
    """The one plot of :func:`~landreg.registry.codec.rows_to_records` output (no frame: an edit reads one row)."""
    rec = {k: v for k, v in records[0].items() if not is_missing(v)}
    return Plot.model_validate({**rec, "geometry": geometries[0]})


class PlotReads(RegistryState):
    """Read methods of the GeoPackage registry."""

    def get_plot(self, plot_id: str, *, as_of: dt.datetime | None = None) -> Plot:
        """One plot by id, as it is now or as it was recorded at ``as_of``.

        Raises
        ------
        PlotNotFoundError
        """
        with self._lock:
            if as_of is None:
                return self._read_current(plot_id)
            found = self._conn.execute(
                f'SELECT version, base_version FROM "{VERSIONS}" WHERE plot_id = ? AND recorded_at <= ? '
                "ORDER BY version DESC LIMIT 1",
                (plot_id, format_datetime(as_of)),
            ).fetchone()
            if found is None:
                raise PlotNotFoundError(f"no plot with id {plot_id!r} existed at {format_datetime(as_of)}")
            version, base = found
            first = version if base is None else base
            rows = self._history_rows(plot_id, first=first, last=version, with_before=False)
        return row_to_plot(rows[-1][: 1 + len(_COLS)])

    def _history_rows(
        self, plot_id: str, *, first: int = 1, last: int | None = None, with_before: bool = True
    ) -> list[list[Any]]:
        """Full history rows (``geom``, plot columns, history columns) of versions ``first`` … ``last``.

        ``first`` must be a snapshot (version 1 always is); deltas are rebuilt on it.
        """
        rows = self._conn.execute(
            f'SELECT geom, {", ".join(_COLS + _HIST)} FROM "{VERSIONS}" '
            "WHERE plot_id = ? AND version >= ? AND version <= ? ORDER BY version",
            (plot_id, first, last if last is not None else 2**62),
        ).fetchall()
        return rebuild_rows(["geom", *_COLS, *_HIST], rows, with_before=with_before)

    def get_plot_by_code(self, code: str) -> Plot:
        """The live plot with this code (or the most recent ended one)."""
        with self._lock:
            row = self._conn.execute(
                f'{_SELECT} "{PLOTS}" WHERE code = ? ORDER BY (valid_to IS NULL) DESC, fid DESC LIMIT 1', (code,)
            ).fetchone()
        if row is None:
            raise PlotNotFoundError(f"no plot with code {code!r}")
        return row_to_plot(row)

    def query_plots(self, query: PlotQuery | None = None, **criteria: Any) -> gpd.GeoDataFrame:
        """Plots matching ``query`` (or keyword criteria of :class:`PlotQuery`) as a GeoDataFrame (EPSG:25832).

        A ``bbox`` or ``intersects`` geometry uses the GeoPackage R-tree for
        candidates and an exact, vectorised shapely test for the answer.
        """
        return self.query_page(query or PlotQuery.build(**criteria))[0]

    def count_plots(self, query: PlotQuery | None = None, **criteria: Any) -> int:
        """How many plots match (ignores ``limit``, ``offset`` and the page key ``after_fid``)."""
        query = replace(query or PlotQuery.build(**criteria), after_fid=None)
        with self._lock:
            fids = self._spatial_matches(query)
            if fids is not None:
                return len(fids)
            return self._count(query)

    def query_page(self, query: PlotQuery) -> tuple[gpd.GeoDataFrame, int]:
        """One page of matching plots and the number of all matches (for paged clients)."""
        rows, total, _ = self._page_rows(query)
        return rows_to_frame(rows, ["geom", *COLS]), total

    def query_records(self, query: PlotQuery) -> RecordPage:
        """Like :meth:`query_page`, as plain records and a geometry array, with the next page's key."""
        rows, total, next_key = self._page_rows(query)
        records, geoms = rows_to_records(rows, ["geom", *COLS])
        return RecordPage(records, geoms, total, next_key)

    def _page_rows(self, query: PlotQuery) -> tuple[list[Any], int, int | None]:
        """The page's rows (``geom``, the plot columns, then ``fid``), the number of all matches, the next key."""
        whole = replace(query, after_fid=None)
        with self._lock:
            table = self._plot_table(query)
            fids = self._spatial_matches(whole)
            if fids is not None:
                rest = fids if query.after_fid is None else fids[fids > query.after_fid]
                stop = None if query.limit is None else query.offset + query.limit
                page = [int(f) for f in rest[query.offset : stop]]
                rows = []
                for part in range(0, len(page), 900):
                    chunk = page[part : part + 900]
                    rows += self._conn.execute(
                        f'SELECT geom, {", ".join(COLS)}, fid FROM "{table}" '
                        f"WHERE fid IN ({','.join('?' * len(chunk))}) ORDER BY fid",
                        chunk,
                    ).fetchall()
                more = stop is not None and len(rest) > stop
                return rows, len(fids), (page[-1] if more and page else None)
            sql, params = self._query_sql(query, select=f"geom, {', '.join(COLS)}, fid")
            sql += " ORDER BY fid"
            if query.limit is not None or query.offset:
                sql += " LIMIT ? OFFSET ?"  # one row more than the page tells whether another page follows
                params += [query.limit + 1 if query.limit is not None else -1, query.offset]
            rows = self._conn.execute(sql, params).fetchall()
            more = query.limit is not None and len(rows) > query.limit
            rows = rows[: query.limit] if more else rows
            next_key = int(rows[-1][-1]) if more and rows else None
            if query.limit is None and not query.offset and query.after_fid is None:
                return rows, len(rows), None
            return rows, self._count(whole), next_key

    def _count(self, query: PlotQuery) -> int:
        """How many plots match ``query`` (no spatial criterion), kept while the registry is unchanged."""
        sql, params = self._query_sql(query, select="count(*)")
        change_key = None
        if not self._conn.in_transaction:  # a count seen inside a write may be rolled back: never kept
            change_key = self._conn.execute(CHANGE_KEY_SQL).fetchone()[0]
        return self._counts.count(
            (sql, hashable_params(params)),
            change_key=change_key,
            compute=lambda: int(self._conn.execute(sql, params).fetchone()[0]),
        )

    def _spatial_matches(self, query: PlotQuery) -> np.ndarray | None:
        """Sorted fids matching a query with a bbox/intersects geometry, or None for a query without one.

        Candidates come from the R-tree (and every other criterion in SQL); the
        exact geometric test runs vectorised over them.
        """
        shape = query.intersects
        if shape is None and query.bbox is not None:
            shape = shapely.box(*query.bbox)
        if shape is None:
            return None
        sql, params = self._query_sql(query, select="fid, geom")  # R-tree window and the other criteria
        rows = self._conn.execute(sql + " ORDER BY fid", params).fetchall()
        if not rows:
            return np.empty(0, dtype=np.int64)
        fids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        geoms = decode_geometries([r[1] for r in rows])
        shapely.prepare(shape)
        return fids[shapely.intersects(shape, geoms)]

    def _query_sql(self, query: PlotQuery, *, select: str) -> tuple[str, list[Any]]:
        """SQL of every criterion; a ``bbox``/``intersects`` adds only its R-tree window (see ``_spatial_matches``)."""
        table = self._plot_table(query)
        now_text = format_datetime(query.as_of) if query.as_of is not None else None
        where, params = where_clause(query, table=table, rtree=f"rtree_{table}_geom", now_text=now_text)
        if query.filter_ast is not None:
            compiled = compile_filter(query.filter_ast, filter_crs=query.filter_crs, table=table)
            where += f" AND {compiled.sql}"
            params += list(compiled.params)
        return f'SELECT {select} FROM "{table}" WHERE {where}', params

    def _plot_table(self, query: PlotQuery) -> str:
        """The table a query reads: the plots, or the history (rebuilt where it holds deltas) as of a time."""
        if query.as_of is None:
            return PLOTS
        return as_of_table(self._conn, format_datetime(query.as_of))

    def plots_extent(self) -> tuple[float, float, float, float] | None:
        """Bounds (minx, miny, maxx, maxy) of the stored plots in EPSG:25832, or None when empty."""
        with self._lock:
            row = self._conn.execute(
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", (PLOTS,)
            ).fetchone()
        return None if row is None or row[0] is None else (row[0], row[1], row[2], row[3])

    def plot_positions(self, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Id, version and the centre of the bounds of every live plot (or of these ids), geometries left unread.

        The bounds come from the GeoPackage R-tree, so a batch job can plan spatial partitions of a
        million plots without decoding one geometry.

        Parameters
        ----------
        plot_ids : sequence of str, optional
            Only these plots (the live ones among them); default every live plot.

        Returns
        -------
        DataFrame
            ``plot_id``, ``version``, ``x_m`` and ``y_m`` (EPSG:25832; NaN for an empty geometry), by row id.
        """
        sql = (
            f'SELECT p.plot_id, p.version, (r.minx + r.maxx) / 2, (r.miny + r.maxy) / 2 FROM "{PLOTS}" AS p '
            f'LEFT JOIN "rtree_{PLOTS}_geom" AS r ON r.id = p.fid WHERE p.valid_to IS NULL'
        )
        with self._lock:
            if plot_ids is None:
                rows = self._conn.execute(sql + " ORDER BY p.fid").fetchall()
            else:
                ids, rows = sorted(set(plot_ids)), []
                for i in range(0, len(ids), 900):
                    part = ids[i : i + 900]
                    rows += self._conn.execute(
                        sql + f" AND p.plot_id IN ({','.join('?' * len(part))})", part
                    ).fetchall()
        return positions_frame(rows)

    def plot_history(self, plot_id: str) -> gpd.GeoDataFrame:
        """Every version of a plot, oldest first, with op, actor, time, changed fields, before and after."""
        with self._lock:
            rows = self._history_rows(plot_id)
        if not rows:
            raise PlotNotFoundError(f"no plot with id {plot_id!r}")
        frame = rows_to_frame(rows, ["geom", *_COLS, *_HIST]).drop(columns="base_version")
        for col in ("changed_fields", "before", "after"):
            frame[col] = [json.loads(v) if v is not None else None for v in frame[col]]
        # Rows written by an add or a split/merge child store no "after": it is the row itself.
        frame["after"] = [
            after if after is not None else {c: row[1 + _COLS.index(c)] for c in changed if c in _COLS}
            for after, changed, row in zip(frame["after"], frame["changed_fields"], rows, strict=True)
        ]
        return frame

    def plot_versions(self, *, as_of: dt.datetime | None = None) -> pd.DataFrame:
        """Every version of every plot (ended ones too) recorded up to ``as_of``, in one read, without geometry.

        Parameters
        ----------
        as_of : datetime, optional
            Only versions recorded at or before this time (UTC when naive); default all.

        Returns
        -------
        DataFrame
            The plot columns and ``op``, ``actor``, ``recorded_at``, ``superseded_at``,
            ``changed_fields`` and ``note`` of each version, ordered by ``plot_id`` and ``version``.
        """
        names = ["geom", *_COLS, *_HIST]  # no geometry is read: the rebuild of deltas only carries it
        sql = f'SELECT NULL, {", ".join(_COLS + _HIST)} FROM "{VERSIONS}"'
        params: list[Any] = []
        if as_of is not None:
            sql += " WHERE recorded_at <= ?"
            params.append(format_datetime(as_of))
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY plot_id, version", params).fetchall()
        full = rebuild_rows(names, rows, with_before=False)  # each plot's rows start at its first version, a snapshot
        at = [names.index(c) for c in VERSION_TABLE_COLUMNS]
        return rows_to_table([[r[i] for i in at] for r in full], VERSION_TABLE_COLUMNS)


#: Columns of :meth:`PlotReads.plot_versions`: the plot's and the history's, without before/after.
VERSION_TABLE_COLUMNS: tuple[str, ...] = (
    *COLS,
    *(c for c in _HIST if c not in ("before", "after", "base_version")),
)


def positions_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """The frame of ``plot_positions`` from rows of (plot_id, version, x_m, y_m)."""
    cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    return pd.DataFrame(
        {
            "plot_id": pd.Series(cols[0], dtype=object),
            "version": pd.Series(cols[1], dtype="int64"),
            "x_m": pd.Series(cols[2], dtype="float64"),
            "y_m": pd.Series(cols[3], dtype="float64"),
        }
    )


def rows_to_table(rows: Sequence[Sequence[Any]], names: Sequence[str]) -> pd.DataFrame:
    """A DataFrame of stored rows without geometry (JSON fields and ``changed_fields`` parsed, booleans as bool)."""
    data: dict[str, pd.Series] = {}
    for j, name in enumerate(names):
        col = [r[j] for r in rows]
        if name in JSON_FIELDS or name in BOOL_FIELDS:
            col = [from_storage_value(name, v) for v in col]
        elif name == "changed_fields":
            col = [json.loads(v) if v is not None else None for v in col]
        if name in NUMERIC_FIELDS:
            data[name] = pd.Series(col, dtype="int64" if name == "version" else "float64")
        else:
            data[name] = pd.Series(col, dtype=object)
    return pd.DataFrame(data, columns=list(names))
