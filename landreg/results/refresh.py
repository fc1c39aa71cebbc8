"""Scores and effective supply kept in the registry and brought up to date by rescoring only what changed.

A plot's score under a profile depends on its own row and enrichment, on the firms of the whole
registry (synergy) and on which travel times no plot has (criteria not applicable); its effective
supply also on the contiguous block of supply plots it lies in.  After edits
(:func:`refresh_results`):

* the plots changed since the stored state are those with a newer history row or a newer
  enrichment row; they are rescored with the stored whole-registry inputs;
* when a changed plot holds firms (before or after), the business areas changed, the set of
  criteria not applicable changes or the profile changed, every plot is rescored (a full build);
* the blocks of supply plots are recomputed over the stored blocks the changed plots belonged to
  and those of the supply plots within the gap of their new outlines (every plot whose block can
  change, and no other).

Ranks, percentiles and supply sums are not kept per plot but computed from the stored scores when
read (two columns; an edit would otherwise rewrite the ranks of many plots).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely

from landreg.clusters.area_scores import available_blocks
from landreg.clusters.colocation import synergy_scores
from landreg.crs import STORAGE_EPSG
from landreg.registry.query import PlotQuery
from landreg.results.blocks import PARAMS as _PARAMS
from landreg.results.blocks import block_updates, reblock
from landreg.results.store import NAMES, ResultsTable
from landreg.scoring.context import TRAVEL_TIME_SUFFIX, ScoringContext, unscoreable_from_counts
from landreg.scoring.profiles import ScoringProfile, load_profile
from landreg.scoring.score import ScoreResult, score_plots
from landreg.supply.effective import discount_supply

#: More changed plots than this since the stored state: a full build is cheaper than patching.
MAX_INCREMENTAL = 2_000
#: Plot and score columns a full build keeps of each scored page (besides ``value_*`` / ``contrib_*``).
_KEEP = (
    "plot_id",
    "version",
    "computed_at",
    "code",
    "municipality_no",
    "municipality_name",
    "business_area_id",
    "status",
    "readiness",
    "area_m2",
    "score",
    "excluded",
    "exclusion_reasons",
    "missing_criteria",
    "synergy_score",
)
#: Result rows built and written at once by a full build.
_WRITE_ROWS = 10_000
#: Layout of the kept state; another value means a full build.
FORMAT = 1


def _travel_columns(frame: pd.DataFrame) -> list[str]:
    return sorted(c for c in frame.columns if c.endswith(TRAVEL_TIME_SUFFIX))


def _routed_masks(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    mask = np.zeros(len(frame), dtype=np.int64)
    for j, c in enumerate(columns):
        known = pd.to_numeric(frame[c], errors="coerce").notna().to_numpy()
        mask |= known.astype(np.int64) << j
    return mask


def _has_firms(frame: pd.DataFrame) -> np.ndarray:
    if "occupants" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return np.array([isinstance(o, list) and len(o) > 0 for o in frame["occupants"]], dtype=bool)


def _enriched(registry: Any, plot_ids: list[str]) -> gpd.GeoDataFrame:
    """The live plots among ``plot_ids`` joined with their enrichment, as :func:`enriched_plots` joins them."""
    parts = [
        registry.query_plots(PlotQuery(plot_ids=tuple(plot_ids[i : i + 500]))) for i in range(0, len(plot_ids), 500)
    ]
    plots = pd.concat(parts, ignore_index=True) if parts else registry.query_plots(PlotQuery(plot_ids=("",)))
    plots = gpd.GeoDataFrame(plots, geometry="geometry", crs=f"EPSG:{STORAGE_EPSG}")
    derived = registry.load_enrichment(plots["plot_id"].astype(str).tolist())
    keep = [c for c in derived.columns if c not in ("plot_id", "plot_version")]
    derived = derived.rename(columns={"plot_version": "version"})[["plot_id", "version", *keep]]
    derived = derived.drop(columns=[c for c in keep if c in plots.columns])
    derived["plot_id"] = derived["plot_id"].astype(object)
    derived["version"] = derived["version"].astype("int64")
    merged = plots.merge(derived, on=["plot_id", "version"], how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=plots.crs)


def _rows(profile: str, result: ScoreResult, plots: pd.DataFrame, extra: pd.DataFrame) -> list[list[Any]]:
    """Result rows (in :data:`NAMES` order) of scored plots; ``extra`` carries the supply and routing columns."""
    frame = result.frame
    crit = result.criteria
    keys = [f"value_{c}" for c in crit] + [f"contrib_{c}" for c in crit]
    numbers = frame[keys].to_numpy(dtype=float).tolist()  # NaN is written as null
    breakdown = [
        orjson.dumps(
            {"exclusion_reasons": list(r), "missing_criteria": list(m), **dict(zip(keys, row, strict=True))}
        ).decode()
        for r, m, row in zip(frame["exclusion_reasons"], frame["missing_criteria"], numbers, strict=True)
    ]
    table = pd.DataFrame(
        {
            "profile": profile,
            "plot_id": plots["plot_id"].astype(str).to_numpy(),
            "plot_version": plots["version"].astype(int).to_numpy(),
            "enrichment_at": plots["computed_at"].to_numpy() if "computed_at" in plots.columns else None,
            "code": plots["code"].to_numpy(),
            "municipality_no": plots["municipality_no"].to_numpy(),
            "municipality_name": plots["municipality_name"].to_numpy() if "municipality_name" in plots else None,
            "business_area_id": plots["business_area_id"].to_numpy(),
            "status": plots["status"].astype(str).to_numpy(),
            "readiness": plots["readiness"].to_numpy(),
            "area_daa": plots["area_m2"].to_numpy(dtype=float) / 1000.0,
            "score": frame["score"].to_numpy(dtype=float),
            "excluded": frame["excluded"].to_numpy(dtype=bool).astype(int),
            "synergy_score": frame["synergy_score"].to_numpy(dtype=float),
            "has_firms": (plots["has_firms"] if "has_firms" in plots else _has_firms(plots)).astype(int),
            "routed_mask": extra["routed_mask"].to_numpy(),
            "block_id": extra["block_id"].to_numpy(),
            "block_area_daa": extra["block_area_daa"].to_numpy(),
            "effective_daa": extra["effective_daa"].to_numpy(),
            "breakdown": breakdown,
        }
    )
    table = table[NAMES].astype(object)
    table = table.where(table.notna(), None)  # missing values as NULL; numbers as Python int and float
    return [list(rec) for rec in table.itertuples(index=False, name=None)]


def _firms_state(firms: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    return [
        {"name": str(n), "nace": str(c), "x": float(g.x), "y": float(g.y)}
        for n, c, g in zip(firms["name"], firms["nace"], firms.geometry, strict=True)
    ]


def firms_frame(state: dict[str, Any]) -> gpd.GeoDataFrame:
    """The firms (name, NACE code, point in EPSG:25832) kept in a state of the results."""
    firms = state["firms"]
    return gpd.GeoDataFrame(
        {"name": [f["name"] for f in firms], "nace": [f["nace"] for f in firms]},
        geometry=shapely.points([[f["x"], f["y"]] for f in firms]) if firms else [],
        crs=f"EPSG:{STORAGE_EPSG}",
    )


def _full_build(
    table: ResultsTable,
    registry: Any,
    *,
    profile: ScoringProfile,
    marks: dict[str, Any],
    before: dict[str, Any] | None,
) -> int:
    """Score every live plot and replace the stored rows and state of ``profile``; returns the plots scored.

    ``before`` is the state read when the refresh began: when another refresh replaced it meanwhile,
    nothing is written.
    """
    from landreg.results.chunked import registry_inputs, score_registry_in_pages

    firms, not_applicable = registry_inputs(registry)
    travel: list[str] = []

    def keep(page: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Only what the rows need; geometries of supply plots only (for their blocks)."""
        travel[:] = _travel_columns(page)
        crit = [c for c in page.columns if c.startswith(("value_", "contrib_"))]
        cols = [c for c in _KEEP if c in page.columns] + crit
        in_supply = page["status"].astype(str).isin(_PARAMS.supply_statuses).to_numpy()
        out = gpd.GeoDataFrame(
            pd.DataFrame(page[cols]),
            geometry=np.where(in_supply, page.geometry.to_numpy(), None),
            crs=f"EPSG:{STORAGE_EPSG}",
        )
        out["routed_mask"] = _routed_masks(page, travel)
        out["has_firms"] = _has_firms(page)
        return out

    result = score_registry_in_pages(registry, profile=profile, statuses=None, reduce=keep)
    plots = result.frame.reset_index(drop=True)
    result.frame = plots
    masks = plots["routed_mask"].to_numpy(dtype=np.int64) if len(plots) else np.zeros(0, dtype=np.int64)
    counts = {c: int(((masks >> j) & 1).sum()) for j, c in enumerate(travel)}
    blocks = available_blocks(plots, gap_m=_PARAMS.gap_m, statuses=_PARAMS.supply_statuses)
    extra = _supply_frame(plots, plots["score"].to_numpy(dtype=float), blocks["block_area_daa"].to_numpy())
    extra["block_id"] = blocks["block_id"].to_numpy()
    extra["routed_mask"] = masks
    state = {
        "format": FORMAT,
        "fingerprint": profile.fingerprint(),
        "marks": marks,
        "travel_columns": travel,
        "known_counts": counts,
        "n_routed": int((masks > 0).sum()),
        "not_applicable": not_applicable,
        "firms": _firms_state(firms),
        "next_block": int(blocks["block_id"].max()) + 1 if len(blocks) else 0,
    }
    with table.transaction() as conn:
        if table.load_state(profile.name) != before:
            return len(plots)  # another refresh wrote meanwhile: its rows stand
        table.delete(conn, profile.name)
        for start in range(0, len(plots), _WRITE_ROWS):  # rows built and written a slice at a time
            part = slice(start, start + _WRITE_ROWS)
            scored = dataclasses.replace(result, frame=plots.iloc[part])
            table.upsert(conn, _rows(profile.name, scored, plots.iloc[part], extra.iloc[part]))
        table.save_state(conn, profile.name, state)
    return len(plots)


def _supply_frame(plots: pd.DataFrame, score: np.ndarray, block_area_daa: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "readiness": plots["readiness"].astype(object).to_numpy(),
            "area_daa": plots["area_m2"].to_numpy(dtype=float) / 1000.0,
            "in_supply": plots["status"].astype(str).isin(_PARAMS.supply_statuses).to_numpy(),
            "score": score,
            "block_area_daa": block_area_daa,
        }
    )
    return discount_supply(frame, params=_PARAMS)


def _changed_ids(table: ResultsTable, state: dict[str, Any], marks: dict[str, Any]) -> list[str] | None:
    """Plots changed since the stored state, or None when only a full build is right."""
    old = state["marks"]
    ids: set[str] = set()
    if marks["max_fid"] is None or (old["max_fid"] is not None and marks["max_fid"] < old["max_fid"]):
        return None  # history rewritten (e.g. a restored file): nothing to compare with
    if marks["max_fid"] != old["max_fid"]:
        rows = table.read("SELECT DISTINCT plot_id FROM plot_versions WHERE fid > ?", (old["max_fid"] or 0,))
        ids |= {r[0] for r in rows}
    if marks["enrichment"] != old["enrichment"]:
        n_old, latest_old = old["enrichment"]
        if marks["enrichment"][0] < n_old or latest_old is None:
            return None
        cast = "?::timestamptz" if table.postgis else "?"
        # rows written after the newest one seen (a batch shares one time, so not ">=": that is the batch again)
        rows = table.read(f"SELECT plot_id FROM plot_enrichment WHERE computed_at > {cast}", (latest_old,))
        ids |= {r[0] for r in rows}
    return sorted(ids) if len(ids) <= MAX_INCREMENTAL else None


def refresh_results(registry: Any, *, profile: str = "general") -> dict[str, Any]:
    """Bring the stored scores and supply of ``profile`` up to date with the registry.

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        An open, enriched registry (it is written to: the stored results only).
    profile : str
        A built-in profile name.

    Returns
    -------
    dict
        ``mode`` (``"current"``, ``"incremental"`` or ``"full"``) and ``plots`` (how many were rescored).

    Raises
    ------
    NotEnrichedError
        When the registry was never enriched.
    """
    prof = load_profile(profile)
    table = ResultsTable(registry)
    mode, changed, state, marks = _plan(table, prof)
    if mode == "current":
        return {"mode": "current", "plots": 0}
    if mode == "incremental" and state is not None and changed is not None:
        done = _patch(table, registry, profile=prof, state=state, marks=marks, changed=changed)
        if done is not None:
            return {"mode": "incremental", "plots": done}
    return {"mode": "full", "plots": _full_build(table, registry, profile=prof, marks=marks, before=state)}


def _plan(
    table: ResultsTable, prof: ScoringProfile
) -> tuple[str, list[str] | None, dict[str, Any] | None, dict[str, Any]]:
    """What a refresh has to do: ``current``, ``incremental`` (the changed plots) or ``full``; the state and marks."""
    marks = table.change_marks()
    state = table.load_state(prof.name)
    if state is not None and state.get("format") == FORMAT and state["fingerprint"] == prof.fingerprint():
        if state["marks"] == marks:
            return "current", [], state, marks
        if state["marks"]["areas"] == marks["areas"]:
            changed = _changed_ids(table, state, marks)
            if changed is not None:
                return "incremental", changed, state, marks
    return "full", None, state, marks


def planned_refresh(registry: Any, *, profile: str = "general") -> dict[str, Any]:
    """What :func:`refresh_results` would do now, without doing it (the registry is only read).

    Parameters
    ----------
    registry : GeoPackageRegistry or PostGISRegistry
        An open registry.
    profile : str
        A built-in profile name.

    Returns
    -------
    dict
        ``mode`` (``"current"``, ``"incremental"`` or ``"full"``) and ``plots``: the plots it would
        read and score (none, the changed ones — at most :data:`MAX_INCREMENTAL` —, or every live plot).
    """
    prof = load_profile(profile)
    mode, changed, _, _ = _plan(ResultsTable(registry), prof)
    plots = int(registry.count_plots()) if mode == "full" or changed is None else len(changed)
    return {"mode": mode, "plots": plots}


def _patch(
    table: ResultsTable,
    registry: Any,
    *,
    profile: ScoringProfile,
    state: dict[str, Any],
    marks: dict[str, Any],
    changed: list[str],
) -> int | None:
    """Rescore ``changed`` and re-block their neighbourhood; None when a full build is needed instead."""
    name = profile.name
    old_cols = ["plot_id", "has_firms", "routed_mask", "block_id"]
    old = pd.DataFrame(table.rows(name, old_cols, plot_ids=changed), columns=old_cols)
    new = _enriched(registry, changed).reset_index(drop=True) if changed else None
    if new is None or len(new) == 0:
        new = gpd.GeoDataFrame({"plot_id": pd.Series(dtype=object)}, geometry=[], crs=f"EPSG:{STORAGE_EPSG}")
    travel = state["travel_columns"]
    if len(new) and _travel_columns(new) != travel:
        return None
    if old["has_firms"].fillna(0).astype(bool).any() or _has_firms(new).any():
        return None
    counts = dict(state["known_counts"])
    n_routed = int(state["n_routed"])
    old_masks = old["routed_mask"].fillna(0).astype(np.int64).to_numpy()
    new_masks = _routed_masks(new, travel) if len(new) else np.zeros(0, dtype=np.int64)
    for j, c in enumerate(travel):
        counts[c] += int(((new_masks >> j) & 1).sum()) - int(((old_masks >> j) & 1).sum())
    n_routed += int((new_masks > 0).sum()) - int((old_masks > 0).sum())
    not_applicable = unscoreable_from_counts(counts, n_routed=n_routed)
    if not_applicable != state["not_applicable"]:
        return None
    gone = sorted(set(changed) - set(new["plot_id"].astype(str)))
    rows: list[list[Any]] = []
    if len(new):
        synergy = synergy_scores(new, industry_nace=profile.industry_nace, firms=firms_frame(state))
        context = ScoringContext(
            synergy_score=pd.Series(synergy.to_numpy(), index=new["plot_id"].astype(str).to_numpy()),
            not_applicable=not_applicable,
        )
        result = score_plots(new, profile=profile, context=context)
        scores = pd.Series(result.frame["score"].to_numpy(dtype=float), index=new["plot_id"].astype(str).to_numpy())
    else:
        result, scores = None, pd.Series(dtype=float)
    blocks, next_block = reblock(table, registry, name=name, state=state, old=old, new=new)
    if result is not None:
        own = blocks.reindex(new["plot_id"].astype(str))
        extra = _supply_frame(new, scores.to_numpy(), own["block_area_daa"].to_numpy(dtype=float))
        extra["block_id"] = own["block_id"].fillna(-1).astype(int).to_numpy()
        extra["routed_mask"] = new_masks
        rows = _rows(name, result, new, extra)
    others = blocks.drop(index=[i for i in blocks.index if i in set(scores.index)])
    updates = block_updates(table, name, others)
    before = state
    state = {**state, "marks": marks, "known_counts": counts, "n_routed": n_routed, "next_block": next_block}
    with table.transaction() as conn:
        if table.load_state(name) != before:
            return len(new)  # another refresh wrote meanwhile: its rows stand
        table.delete(conn, name, gone)
        table.upsert(conn, rows)
        table.execute(
            conn,
            'UPDATE "analysis_results" SET block_id = ?, block_area_daa = ?, effective_daa = ? '
            "WHERE profile = ? AND plot_id = ?",
            [(*u, name, pid) for pid, u in updates.items()],
        )
        table.save_state(conn, name, state)
    return len(new)
