"""A page of plots on PostGIS is one statement: its rows, its count and the registry's change key together."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from landreg.registry.query import PlotQuery
from landreg.testing import TRONDHEIM_ORIGIN_25832, make_plot_frame

_X0, _Y0 = TRONDHEIM_ORIGIN_25832


class _CountingConnection:
    """A database connection that remembers the SQL of every statement it runs."""

    def __init__(self, conn, statements: list[str]) -> None:
        self._conn = conn
        self._statements = statements

    def execute(self, sql, *args, **kwargs):
        self._statements.append(str(sql))
        return self._conn.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _counting(registry) -> list[str]:
    """Statements run by ``registry`` from now on (its connections are wrapped, the database is real)."""
    statements: list[str] = []
    real = registry._connection

    @contextmanager
    def connection():
        with real() as conn:
            yield _CountingConnection(conn, statements)

    registry._connection = connection
    return statements


@pytest.mark.parametrize("backend", [pytest.param("postgis", marks=pytest.mark.db)])
@pytest.mark.parametrize("window", [None, (_X0 - 10, _Y0 - 10, _X0 + 450, _Y0 + 450)], ids=["all", "bbox"])
def test_each_page_is_one_statement_once_its_count_is_known(registry, window):
    registry.add_plots(make_plot_frame(36, columns=6), actor="t")
    want = registry.count_plots(PlotQuery(bbox=window))
    statements = _counting(registry)
    first = registry.query_records(PlotQuery(bbox=window, limit=4))
    assert first.number_matched == want and first.next_after_fid is not None
    if window is not None:  # the bbox page counts its matches in its own statement
        assert len(statements) == 1, statements
    statements.clear()
    second = registry.query_records(PlotQuery(bbox=window, limit=4, after_fid=first.next_after_fid))
    assert second.number_matched == want  # the count kept under the change key read with the first page
    assert len(statements) == 1, statements
    assert not {r["plot_id"] for r in first.records} & {r["plot_id"] for r in second.records}


@pytest.mark.parametrize("backend", [pytest.param("postgis", marks=pytest.mark.db)])
def test_a_kept_count_is_not_used_after_a_write(registry):
    ids = registry.add_plots(make_plot_frame(12, columns=4), actor="t")
    window = (_X0 - 10, _Y0 - 10, _X0 + 1000, _Y0 + 1000)
    first = registry.query_records(PlotQuery(bbox=window, limit=5))
    registry.end_plot(ids[-1], expected_version=registry.get_plot(ids[-1]).version, actor="t")
    second = registry.query_records(PlotQuery(bbox=window, limit=5, after_fid=first.next_after_fid))
    assert second.number_matched == first.number_matched - 1 == registry.count_plots(PlotQuery(bbox=window))
