"""Reading plots from PostGIS: by id or code, as of a past time, queries and history.

Every criterion, bbox and CQL2 filter runs in the database (GiST index for windows and
spatial predicates); only the page asked for crosses to Python.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from landreg.errors import PlotNotFoundError
from landreg.model.plot import JSON_FIELDS, Plot
from landreg.registry.codec import format_datetime, rows_to_frame, rows_to_records
from landreg.registry.counts import CHANGE_KEY_SQL, CountCache, hashable_params
from landreg.registry.history import fill_before
from landreg.registry.postgis.cql import compile_filter_sql
from landreg.registry.postgis.history import rebuilt_versions_sql
from landreg.registry.postgis.sql import (
    COLS,
    HIST,
    compact_json,
    from_wkb,
    quoted,
    stored_expr,
    stored_select,
    where_clause,
)
from landreg.registry.query import PlotQuery
from landreg.registry.reads import VERSION_TABLE_COLUMNS, RecordPage, positions_frame, record_to_plot, rows_to_table

_SELECT = f"SELECT {stored_select(COLS)}"  # built once: every page starts with it
_NAMES = ["geom", *COLS]


class PostGISReads:
    """Read methods of the PostGIS registry (mixed into it)."""

    label: str
    _counts: CountCache

    if TYPE_CHECKING:

        def _connection(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

    def read_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a read-only SQL query in the registry's schema (``%s`` placeholders)."""
        with self._connection() as conn:
            return [tuple(row) for row in conn.execute(sql, list(params)).fetchall()]

    def _row_to_plot(self, row: Sequence[Any]) -> Plot:
        return record_to_plot(*rows_to_records([row], _NAMES, decode=from_wkb))

    def get_plot(self, plot_id: str, *, as_of: dt.datetime | None = None) -> Plot:
        """One plot by id, as it is now or as it was recorded at ``as_of``.

        Raises
        ------
        PlotNotFoundError
        """
        if as_of is None:
            sql, params = f"{_SELECT} FROM plots WHERE plot_id = %s", [plot_id]
        else:
            latest = rebuilt_versions_sql(
                "v.plot_id = %s AND v.recorded_at <= %s::timestamptz", tail="ORDER BY v.version DESC LIMIT 1"
            )
            sql = f"{_SELECT} FROM ({latest}) AS plot_versions"
            params = [plot_id, format_datetime(as_of)]
        with self._connection() as conn:
            row = conn.execute(sql, params).fetchone()
        if row is None:
            when = "" if as_of is None else f" at {format_datetime(as_of)}"
            raise PlotNotFoundError(f"no plot with id {plot_id!r} existed{when} in the registry at {self.label}")
        return self._row_to_plot(row)

    def get_plot_by_code(self, code: str) -> Plot:
        """The live plot with this code (or the most recent ended one)."""
        with self._connection() as conn:
            row = conn.execute(
                f"{_SELECT} FROM plots WHERE code = %s ORDER BY (valid_to IS NULL) DESC, fid DESC LIMIT 1", (code,)
            ).fetchone()
        if row is None:
            raise PlotNotFoundError(f"no plot with code {code!r}")
        return self._row_to_plot(row)

    def query_plots(self, query: PlotQuery | None = None, **criteria: Any) -> gpd.GeoDataFrame:
        """Plots matching ``query`` (or keyword criteria of :class:`PlotQuery`) as a GeoDataFrame (EPSG:25832)."""
        return self.query_page(query or PlotQuery.build(**criteria))[0]

    def count_plots(self, query: PlotQuery | None = None, **criteria: Any) -> int:
        """How many plots match (ignores ``limit``, ``offset`` and the page key ``after_fid``)."""
        query = replace(query or PlotQuery.build(**criteria), after_fid=None)
        with self._connection() as conn:
            return self._count(conn, query)

    def query_page(self, query: PlotQuery) -> tuple[gpd.GeoDataFrame, int]:
        """One page of matching plots and the number of all matches (for paged clients)."""
        rows, total, _ = self._page_rows(query)
        return rows_to_frame(rows, _NAMES, decode=from_wkb), total

    def query_records(self, query: PlotQuery) -> RecordPage:
        """Like :meth:`query_page`, as plain records and a geometry array, with the next page's key."""
        rows, total, next_key = self._page_rows(query)
        records, geoms = rows_to_records(rows, _NAMES, decode=from_wkb)
        return RecordPage(records, geoms, total, next_key)

    def _page_rows(self, query: PlotQuery) -> tuple[list[tuple[Any, ...]], int, int | None]:
        """The page's rows (``geom``, the plot columns, then ``fid``), the number of all matches, the next key."""
        if query.limit is not None and query.as_of is None and query.after_fid is None and _is_spatial(query):
            return self._spatial_page_rows(query)
        # The page is chosen first and only its rows are turned into storage form: computed columns
        # in the outer select are not evaluated for every match before LIMIT/OFFSET.
        inner, params = self._query_sql(query, select="*")
        inner += " ORDER BY fid"
        if query.limit is not None:
            inner += " LIMIT %s"  # one row more than the page tells whether another page follows
            params.append(query.limit + 1)
        if query.offset:
            inner += " OFFSET %s"
            params.append(query.offset)
        # The registry's change key comes with the page (same statement, same snapshot): no round trip of its own.
        sql = f"{_SELECT}, fid, ({CHANGE_KEY_SQL}) FROM ({inner}) AS page ORDER BY fid"
        with self._connection() as conn:
            rows = conn.execute(sql, params).fetchall()
            change_key = rows[0][-1] if rows else None
            rows = [row[:-1] for row in rows]
            more = query.limit is not None and len(rows) > query.limit
            rows = rows[: query.limit] if more else rows
            next_key = int(rows[-1][-1]) if more and rows else None
            if query.limit is None and not query.offset and query.after_fid is None:
                return rows, len(rows), None
            return rows, self._count(conn, replace(query, after_fid=None), change_key=change_key), next_key

    def _spatial_page_rows(self, query: PlotQuery) -> tuple[list[tuple[Any, ...]], int, int | None]:
        """:meth:`_page_rows` of a live query with a bbox or geometry: page and count in one statement.

        The exact spatial test of every candidate is most of such a query's cost; counting in the
        statement that picks the page (a window over the matching ids) runs it once, not twice.
        The count is kept for the next pages (``after_fid``) while the registry is unchanged.
        """
        assert query.limit is not None
        inner, params = self._query_sql(query, select="fid, count(*) OVER () AS n_matched")
        inner += " ORDER BY fid LIMIT %s OFFSET %s"  # one row more than the page tells whether another follows
        params += [query.limit + 1, query.offset]
        # The change key is read in the same statement, so the count is kept under the key of the
        # snapshot it was counted in (and no round trip of its own is needed).
        sql = (
            f"{_SELECT}, page.fid, page.n_matched, ({CHANGE_KEY_SQL}) FROM ({inner}) AS page "
            "JOIN plots USING (fid) ORDER BY page.fid"
        )
        with self._connection() as conn:
            rows = conn.execute(sql, params).fetchall()
            whole = replace(query, after_fid=None)
            if not rows:  # none matched, or the offset is past the last match: count apart
                return [], (0 if not query.offset else self._count(conn, whole)), None
            matched = int(rows[0][-2])
            count_sql, count_params = self._query_sql(whole, select="count(*)")
            self._counts.count(
                (count_sql, hashable_params(count_params)),
                change_key=None if self._in_write() else rows[0][-1],
                compute=lambda: matched,
            )
        rows = [row[:-2] for row in rows]
        more = len(rows) > query.limit
        rows = rows[: query.limit] if more else rows
        return rows, matched, (int(rows[-1][-1]) if more and rows else None)

    def _in_write(self) -> bool:
        """Whether this thread is inside a write transaction (whose counts may be rolled back)."""
        return getattr(getattr(self, "_local", None), "conn", None) is not None

    def _count(self, conn: Any, query: PlotQuery, *, change_key: Any = None) -> int:
        """How many plots match ``query``, kept while the registry is unchanged (never inside a write).

        ``change_key`` is the registry's change key read no later than the count's snapshot (the
        page's own statement); by default it is read here.
        """
        sql, params = self._query_sql(query, select="count(*)")
        if self._in_write():
            change_key = None
        elif change_key is None:
            change_key = conn.execute(CHANGE_KEY_SQL).fetchone()[0]
        return self._counts.count(
            (sql, hashable_params(params)),
            change_key=change_key,
            compute=lambda: int(conn.execute(sql, params).fetchone()[0]),
        )

    def _query_sql(self, query: PlotQuery, *, select: str) -> tuple[str, list[Any]]:
        """SQL (``%s`` placeholders) selecting ``select`` from the plots matching ``query``."""
        table, params = "plots", []
        as_of_text = format_datetime(query.as_of) if query.as_of is not None else None
        if as_of_text is not None:  # the history rows live then, deltas rebuilt
            live = "v.recorded_at <= %s::timestamptz AND (v.superseded_at IS NULL OR v.superseded_at > %s::timestamptz)"
            table, params = f"({rebuilt_versions_sql(live)}) AS plot_versions", [as_of_text, as_of_text]
        where, where_params = where_clause(query, as_of_text=as_of_text)
        params += where_params
        if query.filter_ast is not None:
            compiled = compile_filter_sql(query.filter_ast, filter_crs=query.filter_crs)
            where += f" AND {compiled.sql}"
            params += list(compiled.params)
        return f"SELECT {select} FROM {table} WHERE {where}", params

    def explain_query(self, query: PlotQuery) -> str:
        """PostgreSQL's plan for ``query`` (``EXPLAIN``), one line per plan node."""
        sql, params = self._query_sql(query, select="fid")
        with self._connection() as conn:
            return "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql, params).fetchall())

    def plots_extent(self) -> tuple[float, float, float, float] | None:
        """Bounds (minx, miny, maxx, maxy) of the stored plots in EPSG:25832, or None when empty."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM plots) t"
            ).fetchone()
        return None if row is None or row[0] is None else (row[0], row[1], row[2], row[3])

    def plot_positions(self, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Id, version and the centre of the bounds of every live plot (or of these ids), no geometry read.

        Returns
        -------
        DataFrame
            As the GeoPackage registry's :meth:`~landreg.registry.reads.PlotReads.plot_positions`.
        """
        sql = (
            "SELECT plot_id, version, (ST_XMin(geom) + ST_XMax(geom)) / 2, (ST_YMin(geom) + ST_YMax(geom)) / 2 "
            "FROM plots WHERE valid_to IS NULL"
        )
        params: list[Any] = []
        if plot_ids is not None:
            sql += " AND plot_id = ANY(%s)"
            params.append(sorted(set(plot_ids)))
        with self._connection() as conn:
            rows = conn.execute(sql + " ORDER BY fid", params).fetchall()
        return positions_frame(rows)

    def plot_history(self, plot_id: str) -> gpd.GeoDataFrame:
        """Every version of a plot, oldest first, with op, actor, time, changed fields, before and after."""
        names = COLS + HIST
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {stored_select(names)} FROM ({rebuilt_versions_sql('v.plot_id = %s')}) AS plot_versions "
                "ORDER BY version",
                (plot_id,),
            ).fetchall()
        if not rows:
            raise PlotNotFoundError(f"no plot with id {plot_id!r}")
        rows = fill_before(["geom", *names], rows, stored=_stored_text)
        frame = rows_to_frame(rows, ["geom", *names], decode=from_wkb).drop(columns="base_version")
        for col in ("changed_fields", "before", "after"):
            frame[col] = [json.loads(v) if v is not None else None for v in frame[col]]
        # Rows written by an add or a split/merge child store no "after": it is the row itself.
        frame["after"] = [
            after if after is not None else {c: _stored_text(c, row[1 + COLS.index(c)]) for c in changed if c in COLS}
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
            As the GeoPackage registry's :meth:`~landreg.registry.reads.PlotReads.plot_versions`.
        """
        names = VERSION_TABLE_COLUMNS
        where, params = ("v.recorded_at <= %s::timestamptz", [format_datetime(as_of)]) if as_of else ("TRUE", [])
        sql = (
            f"SELECT {', '.join(f'{stored_expr(n)} AS {quoted(n)}' for n in names)} "
            f"FROM ({rebuilt_versions_sql(where)}) AS plot_versions ORDER BY plot_id, version"
        )
        with self._connection() as conn:
            rows = conn.execute(sql, params).fetchall()
        return rows_to_table(rows, names)


def _is_spatial(query: PlotQuery) -> bool:
    return query.intersects is not None or query.bbox is not None


def _stored_text(name: str, value: Any) -> Any:
    """A stored value as the registry writes it (JSON without spaces)."""
    return compact_json(value) if name in JSON_FIELDS else value
