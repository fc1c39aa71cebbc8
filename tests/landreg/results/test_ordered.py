"""Scores kept as ranked columns only, their full rows made again a page at a time: equal to scoring at once."""

from __future__ import annotations

import pandas as pd

from landreg import open_registry
from landreg.analysis import score_registry
from landreg.io.write import write_table, write_table_pages
from landreg.results.ordered import RANKED_COLUMNS, scored_rows_in_order


def test_full_rows_made_again_in_rank_order_equal_the_whole_result(demo_registry_file, tmp_path):
    with open_registry(demo_registry_file) as reg:
        full = score_registry(reg, profile="logistics", weights={"price": 30})
        ranked = score_registry(reg, profile="logistics", weights={"price": 30}, columns=RANKED_COLUMNS)
        assert list(ranked.frame.columns) == [c for c in RANKED_COLUMNS if c in full.frame.columns]
        order = ranked.frame.sort_values(["excluded", "rank"])
        pages = list(scored_rows_in_order(reg, order, profile="logistics", weights={"price": 30}, page_size=97))
    assert len(pages) == -(-len(order) // 97)
    expected = full.frame.sort_values(["excluded", "rank"])
    rows = pd.concat(pages)
    assert list(rows.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(pd.DataFrame(rows), pd.DataFrame(expected), check_dtype=False)
    write_table(expected, tmp_path / "whole.csv")
    write_table_pages(pages, tmp_path / "pages.csv")
    assert (tmp_path / "pages.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
