"""Bulk import: many plots in one transaction (COPY on PostGIS), all or nothing, each with its history row."""

from __future__ import annotations

import json

import pytest
import shapely

from landreg import PlotNotFoundError
from landreg.registry.query import PlotQuery
from landreg.testing import make_plot_frame

_FAR = (520_000.0, 6_950_000.0)


def test_a_bulk_import_stores_every_plot_as_given_with_one_history_row(registry):
    frame = make_plot_frame(600, seed=3, municipality_no=None)
    frame["name"] = [f"Tomt på Tiller {i} – Øvre Årø" for i in range(len(frame))]
    ids = registry.add_plots(frame, actor="importør")
    stored = registry.query_plots(limit=None).set_index("plot_id").loc[ids]
    assert list(stored["code"]) == list(frame["code"])
    assert list(stored["name"]) == list(frame["name"])
    assert list(stored["municipality_no"]) == list(frame["municipality_no"])
    assert list(stored["requires_new_road"]) == list(frame["requires_new_road"])
    assert list(stored["price_min_nok_m2"]) == list(frame["price_min_nok_m2"])
    assert [sorted(u) for u in stored["utilities"]] == [sorted(json.loads(u)) for u in frame["utilities"]]
    assert all(stored["version"] == 1) and all(stored["valid_to"].isna())
    assert stored["area_m2"].to_numpy() == pytest.approx(frame.geometry.area.to_numpy())
    assert shapely.equals(stored.geometry.to_numpy(), frame.geometry.to_numpy()).all()
    for pid in (ids[0], ids[299], ids[-1]):
        history = registry.plot_history(pid)
        assert list(history["op"]) == ["add"] and list(history["actor"]) == ["importør"]
        assert "code" in history["changed_fields"].iloc[0]
    # The row ids follow the input order, so pages by key read the import in order.
    page = registry.query_records(PlotQuery(limit=10))
    assert [r["plot_id"] for r in page.records] == ids[:10]


def test_a_failure_while_streaming_leaves_neither_plots_nor_history(registry):
    registry.add_plots(make_plot_frame(4), actor="setup")
    frame = make_plot_frame(7_000, prefix="X", origin=_FAR, cell_m=60.0)
    frame["plot_id"] = [f"bulk-{i}" for i in range(len(frame))]
    written: list[int] = []

    def fail_after_first_chunk(rows: int) -> None:
        written.append(rows)
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError, match="connection lost"):
        registry.add_plots(frame, actor="t", progress=fail_after_first_chunk)
    assert written == [5_000]  # the failure came mid-import, after 5,000 rows had been sent
    assert registry.count_plots(include_ended=True) == 4
    for pid in ("bulk-0", "bulk-4999", "bulk-6999"):
        with pytest.raises(PlotNotFoundError):
            registry.plot_history(pid)
    # Nothing half-written blocks the same import afterwards.
    assert len(registry.add_plots(frame, actor="t")) == 7_000
    assert registry.count_plots() == 7_004
