"""Contiguous blocks of supply plots, recomputed only where an edit can have changed them.

A plot's block can change only when it, or a plot of its block, or a supply plot within the gap
of a changed plot's new outline changed.  :func:`reblock` recomputes the components over exactly
those plots (the stored blocks the changed plots and their new neighbours belonged to): every plot
outside them keeps its block.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.clusters.area_scores import available_blocks
from landreg.crs import STORAGE_EPSG
from landreg.registry.query import PlotQuery
from landreg.results.store import ResultsTable, plain
from landreg.supply.effective import SupplyParams, discount_supply

#: The supply parameters the kept results are computed with (the defaults).
PARAMS = SupplyParams()
_PARAMS = PARAMS


def reblock(
    table: ResultsTable, registry: Any, *, name: str, state: dict[str, Any], old: pd.DataFrame, new: pd.DataFrame
) -> tuple[pd.DataFrame, int]:
    """New ``block_id`` / ``block_area_daa`` of every plot whose block of supply plots can have changed."""
    statuses = _PARAMS.supply_statuses
    affected = {int(b) for b in old["block_id"].dropna() if int(b) >= 0}
    members = set()
    supply_new = new[new["status"].astype(str).isin(statuses)] if len(new) else new
    for geom in supply_new.geometry:
        minx, miny, maxx, maxy = geom.bounds
        gap = _PARAMS.gap_m
        near = registry.query_plots(PlotQuery(bbox=(minx - gap, miny - gap, maxx + gap, maxy + gap), status=statuses))
        members |= set(near["plot_id"].astype(str))
    if members:
        cols = ["plot_id", "block_id"]
        known = pd.DataFrame(table.rows(name, cols, plot_ids=sorted(members)), columns=cols)
        affected |= {int(b) for b in known["block_id"].dropna() if int(b) >= 0}
    members |= set(table.block_members(name, sorted(affected)))
    members |= set(supply_new["plot_id"].astype(str)) if len(supply_new) else set()
    changed = set(new["plot_id"].astype(str)) if len(new) else set()
    next_block = int(state["next_block"])
    if not members:
        return pd.DataFrame(
            {"block_id": pd.Series(dtype="int64"), "block_area_daa": pd.Series(dtype=float)}
        ), next_block
    ids = sorted(members)
    parts = [registry.query_plots(PlotQuery(plot_ids=tuple(ids[i : i + 500]))) for i in range(0, len(ids), 500)]
    plots = pd.concat(parts, ignore_index=True)
    plots = gpd.GeoDataFrame(plots, geometry="geometry", crs=f"EPSG:{STORAGE_EPSG}")
    blocks = available_blocks(plots, gap_m=_PARAMS.gap_m, statuses=statuses)
    block_id = np.where(blocks["block_id"].to_numpy() >= 0, blocks["block_id"].to_numpy() + next_block, -1)
    out = pd.DataFrame(
        {"block_id": block_id, "block_area_daa": blocks["block_area_daa"].to_numpy()},
        index=plots["plot_id"].astype(str).to_numpy(),
    )
    for pid in members - set(out.index) - changed:  # stored rows of plots no longer live stay out of blocks
        out.loc[pid] = (-1, np.nan)
    return out, max(next_block, int(block_id.max()) + 1) if len(block_id) else next_block


def block_updates(table: ResultsTable, name: str, blocks: pd.DataFrame) -> dict[str, tuple[Any, ...]]:
    """New (block_id, block_area_daa, effective_daa) of unchanged plots whose block was recomputed."""
    if len(blocks) == 0:
        return {}
    cols = ["plot_id", "readiness", "area_daa", "status", "score"]
    stored = pd.DataFrame(table.rows(name, cols, plot_ids=list(blocks.index)), columns=cols).set_index("plot_id")
    stored = stored.join(blocks, how="inner")
    frame = pd.DataFrame(
        {
            "readiness": stored["readiness"].to_numpy(),
            "area_daa": stored["area_daa"].to_numpy(dtype=float),
            "in_supply": stored["status"].astype(str).isin(_PARAMS.supply_statuses).to_numpy(),
            "score": pd.to_numeric(stored["score"], errors="coerce").to_numpy(dtype=float),
            "block_area_daa": stored["block_area_daa"].to_numpy(dtype=float),
        }
    )
    frame = discount_supply(frame, params=_PARAMS)
    return {
        pid: (int(b), plain(a), plain(e))
        for pid, b, a, e in zip(
            stored.index, stored["block_id"], frame["block_area_daa"], frame["effective_daa"], strict=True
        )
    }
