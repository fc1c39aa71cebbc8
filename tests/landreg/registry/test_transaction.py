"""Several writes as one: ``registry.transaction()`` stores all of them, or none."""

from __future__ import annotations

import sqlite3

import pytest

from landreg.errors import ValidationError
from landreg.gpkg.connection import write_transaction
from landreg.model.entities import Decision
from landreg.registry import open_registry
from landreg.testing import make_plot_frame

GPKG_ONLY = pytest.mark.parametrize("backend", ["geopackage"])  # reads the file through sqlite3


def _decision(did: str) -> Decision:
    return Decision(decision_id=did, title=f"Beslutning {did} – Torgård")


def test_a_failing_write_undoes_the_writes_before_it(registry):
    registry.save_decisions([_decision("old")])
    bad = make_plot_frame(2)
    bad["status"] = ["available", "gone"]
    with pytest.raises(ValidationError), registry.transaction():
        registry.save_decisions([_decision("old"), _decision("new")])
        registry.add_plots(bad, actor="t")
    assert [d.decision_id for d in registry.load_decisions()] == ["old"]
    assert registry.count_plots(include_ended=True) == 0


def test_writes_in_a_transaction_are_stored_together(registry):
    with registry.transaction():
        registry.save_decisions([_decision("new")])
        ids = registry.add_plots(make_plot_frame(3), actor="t")
    assert [d.decision_id for d in registry.load_decisions()] == ["new"]
    assert registry.count_plots() == 3 and len(ids) == 3
    assert registry.plot_history(ids[0])["actor"].tolist() == ["t"]


@GPKG_ONLY
def test_nothing_is_visible_to_another_connection_before_the_end(registry, registry_path):
    with registry.transaction():
        registry.add_plots(make_plot_frame(2), actor="t")
        with sqlite3.connect(registry_path, timeout=0.1) as other:
            assert other.execute("SELECT count(*) FROM plots").fetchone()[0] == 0
    with open_registry(registry_path) as again:
        assert again.count_plots() == 2


def test_an_inner_write_that_fails_rolls_back_only_itself(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    conn.execute("CREATE TABLE t (v INTEGER)")
    with write_transaction(conn):
        conn.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError), write_transaction(conn):
            conn.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("inner")
        conn.execute("INSERT INTO t VALUES (3)")
    assert [r[0] for r in conn.execute("SELECT v FROM t ORDER BY v")] == [1, 3]
    assert not conn.in_transaction
