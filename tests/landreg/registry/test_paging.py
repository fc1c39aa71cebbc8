"""Paging by key: plots added, edited or ended between page requests are neither repeated nor skipped."""

from __future__ import annotations

import pytest

from landreg.registry.query import PlotQuery
from landreg.testing import TRONDHEIM_ORIGIN_25832, make_plot_frame

_X0, _Y0 = TRONDHEIM_ORIGIN_25832


def _read_all_pages(registry, base: PlotQuery, *, between) -> list[str]:
    """Every page of ``base`` by key, calling ``between(page_number)`` after each page; the plot ids read."""
    seen: list[str] = []
    after = None
    for number in range(100):
        page = registry.query_records(PlotQuery(**{**base.__dict__, "after_fid": after}))
        seen += [r["plot_id"] for r in page.records]
        if page.next_after_fid is None:
            return seen
        between(number)
        after = page.next_after_fid
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("window", [None, (_X0 - 10, _Y0 - 10, _X0 + 3000, _Y0 + 3000)], ids=["all", "bbox"])
def test_edits_between_pages_neither_repeat_nor_skip_a_live_plot(registry, window):
    ids = registry.add_plots(make_plot_frame(30, columns=6), actor="t")
    base = PlotQuery(limit=7, bbox=window)
    ended: set[str] = set()
    added: list[str] = []

    def edit(number: int) -> None:
        # End two plots already read and one not yet read, edit one not yet read, add one.
        for pid in (ids[number * 2], ids[number * 2 + 1], ids[-1 - number]):
            if pid not in ended:
                registry.end_plot(pid, expected_version=registry.get_plot(pid).version, actor="t")
                ended.add(pid)
        unread = ids[20 - number]
        registry.update_plot(
            unread, {"name": f"edited {number}"}, expected_version=registry.get_plot(unread).version, actor="t"
        )
        added.extend(
            registry.add_plots(
                make_plot_frame(1, prefix=f"N{number}", origin=(_X0 + 200 * number, _Y0 + 900)), actor="t"
            )
        )

    seen = _read_all_pages(registry, base, between=edit)
    assert len(seen) == len(set(seen)), "a plot was returned on two pages"
    live_throughout = set(ids) - ended
    assert live_throughout <= set(seen), f"live plots skipped: {sorted(live_throughout - set(seen))}"
    assert set(seen) <= set(ids) | set(added)
    assert added and set(added) <= set(seen)  # plots added meanwhile come after the key, so they are read too


def test_the_count_and_the_last_page_ignore_the_key(registry):
    registry.add_plots(make_plot_frame(12), actor="t")
    first = registry.query_records(PlotQuery(limit=5))
    assert first.number_matched == 12 and first.next_after_fid is not None
    second = registry.query_records(PlotQuery(limit=5, after_fid=first.next_after_fid))
    assert second.number_matched == 12 and len(second.records) == 5
    third = registry.query_records(PlotQuery(limit=5, after_fid=second.next_after_fid))
    assert len(third.records) == 2 and third.next_after_fid is None
    assert registry.count_plots(PlotQuery(after_fid=second.next_after_fid)) == 12
    exact = registry.query_records(PlotQuery(limit=12))
    assert len(exact.records) == 12 and exact.next_after_fid is None  # no empty page after an exact fit


@pytest.mark.parametrize(("limit", "offset"), [(5, 0), (5, 10), (5, 12), (5, 40), (0, 0), (12, 0)])
def test_a_bbox_page_counts_every_match_whatever_its_limit_and_offset(registry, limit, offset):
    """A bbox page is picked and counted together (PostGIS: one statement); the count never depends on the page."""
    registry.add_plots(make_plot_frame(12), actor="t")
    window = (_X0 - 10, _Y0 - 10, _X0 + 3000, _Y0 + 3000)
    everything = registry.query_records(PlotQuery(bbox=window))
    page = registry.query_records(PlotQuery(bbox=window, limit=limit, offset=offset))
    assert page.number_matched == len(everything.records) == registry.count_plots(PlotQuery(bbox=window)) > 0
    expected = [r["plot_id"] for r in everything.records][offset : offset + limit]
    assert [r["plot_id"] for r in page.records] == expected
    more = offset + limit < len(everything.records)
    assert (page.next_after_fid is not None) == (more and limit > 0)
