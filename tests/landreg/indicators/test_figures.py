"""Every figure of the indicators, recomputed independently from the registry's records (plain pandas/shapely)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import shapely

from landreg.analysis import score_registry
from landreg.indicators import DEFINITIONS, compute_indicators

READINESS = {"raw": 0.4, "zoned": 0.6, "serviced": 0.85, "build_ready": 1.0}
OFFERED = ("available", "planned", "locked")


def _records(registry) -> pd.DataFrame:
    """The live plots with their stored enrichment (same plot version), as plain records."""
    plots = registry.query_plots()
    derived = registry.load_enrichment().rename(columns={"plot_version": "version"})
    keep = ["plot_id", "version", "quick_clay_share", "flood_share"]
    merged = plots.merge(derived[keep], on=["plot_id", "version"], how="left")
    merged["daa"] = merged.geometry.area / 1000.0
    return merged


def _largest_block_daa(frame) -> pd.Series:
    """Per plot: decares of its block of available plots within 10 m (buffers of 5 m that meet), per area."""
    out = pd.Series(np.nan, index=frame.index)
    avail = frame[frame["status"] == "available"]
    for _, group in avail.groupby(avail["business_area_id"].fillna("-")):
        merged = shapely.unary_union([g.buffer(5.0) for g in group.geometry])
        parts = list(getattr(merged, "geoms", [merged]))
        for part in parts:
            inside = [i for i, g in zip(group.index, group.geometry, strict=True) if part.intersects(g)]
            out.loc[inside] = frame.loc[inside, "daa"].sum()
    return out


def _scopes(frame):
    yield ("region", "region"), np.ones(len(frame), dtype=bool)
    for no in frame["municipality_no"].unique():
        yield ("municipality", str(no)), (frame["municipality_no"] == no).to_numpy()
    for area in frame["business_area_id"].dropna().unique():
        yield ("business_area", str(area)), (frame["business_area_id"] == area).to_numpy()


def test_every_figure_matches_an_independent_computation(demo_registry):
    report = compute_indicators(demo_registry)
    today = report.as_of.date()
    f = _records(demo_registry)
    af = pd.to_datetime(f["available_from"], errors="coerce")
    later_date = af.notna() & (af.dt.date > today)
    status = f["status"]
    scores = score_registry(demo_registry, statuses=None).frame["score"]
    f["score"] = scores.reindex(f.index).fillna(0.0).to_numpy()  # score_registry keeps the plots' order
    f["block"] = _largest_block_daa(f)
    f["effective"] = np.where(
        status == "available",
        f["daa"] * f["score"] / 100 * f["readiness"].map(READINESS) * np.minimum(1.0, f["block"] / 10.0),
        0.0,
    )
    decisions = {d.decision_id: d for d in demo_registry.load_decisions()}
    checked = 0
    for (scope, key), m in _scopes(f):
        got = report.scope(scope, key)
        expect = {
            "available_now_daa": f.loc[m & (status == "available") & ~later_date, "daa"].sum(),
            "available_later_daa": f.loc[
                m & ((status == "planned") | ((status == "available") & later_date)), "daa"
            ].sum(),
            "reserved_daa": f.loc[m & (status == "reserved"), "daa"].sum(),
            "sold_daa": f.loc[m & (status == "sold"), "daa"].sum(),
            "locked_daa": f.loc[m & (status == "locked"), "daa"].sum(),
            "effective_daa": f.loc[m, "effective"].sum(),
            "largest_available_block_daa": f.loc[m, "block"].max() if f.loc[m, "block"].notna().any() else 0.0,
            "needs_new_road_daa": f.loc[m & status.isin(OFFERED) & f["requires_new_road"].astype(bool), "daa"].sum(),
            "quick_clay_daa": (f.loc[m & status.isin(OFFERED), "daa"] * f["quick_clay_share"].fillna(0)).sum(),
            "flood_daa": (f.loc[m & status.isin(OFFERED), "daa"] * f["flood_share"].fillna(0)).sum(),
        }
        for fid, value in expect.items():
            assert got.figure(fid).value == pytest.approx(float(value), rel=1e-9, abs=1e-9), (scope, key, fid)
            checked += 1
        locked = f[m & (status == "locked")]
        per_decision = locked.groupby(locked["decision_id"].fillna("none"))["daa"].sum()
        detail = got.figure("locked_daa").detail["decisions"]
        assert {k: v["daa"] for k, v in detail.items()} == pytest.approx(per_decision.to_dict())
        for dec_id, row in detail.items():
            assert row["title"] == decisions[dec_id].title
        # asking prices: median and quartiles per zoning, readiness and basis over available and planned plots
        sel = f[m & status.isin(["available", "planned"])].copy()
        sel["mid"] = sel[["price_min_nok_m2", "price_max_nok_m2"]].mean(axis=1)
        sel = sel[sel["mid"].notna()]
        keys = [sel[c].fillna("unknown").astype(str) for c in ("zoning", "readiness", "price_basis")]
        q = sel.groupby(keys)["mid"].quantile([0.25, 0.5, 0.75]).unstack()
        rows = {(r["zoning"], r["readiness"], r["price_basis"]): r for r in got.figure("asking_price_nok_m2").value}
        assert set(rows) == set(q.index)
        for k, quart in q.iterrows():
            assert (rows[k]["q25_nok_m2"], rows[k]["median_nok_m2"], rows[k]["q75_nok_m2"]) == pytest.approx(
                (quart[0.25], quart[0.5], quart[0.75])
            )
    assert checked > 10 * 20
    # Torgård's land is locked pending the freight terminal
    torgard = report.scope("business_area", "torgard").figure("locked_daa")
    assert torgard.value > 0 and "torgard_freight_terminal" in torgard.detail["decisions"]


def test_price_index_uses_observations_up_to_the_date_and_references_are_cited(demo_registry):
    report = compute_indicators(demo_registry)
    history = demo_registry.price_history()
    history = history[pd.to_datetime(history["observed_on"]).dt.date <= report.as_of.date()]  # none from the future
    asking = history[history["kind"] == "asking"]
    chosen = report.scope("region").figure("price_index")
    cls = chosen.detail["price_class"]
    mine = asking[asking["basis"] == cls["basis"]]
    fees = mine["connection_fees_included"].map({True: "included", False: "excluded"})
    mine = mine[fees.fillna("unknown") == cls["fees"]]
    medians = mine.groupby(pd.to_datetime(mine["observed_on"]).dt.year)["price_nok_m2"].median()
    got = {r["year"]: r for r in chosen.value}
    assert sorted(got) == sorted(medians.index)
    base = medians.iloc[0]
    for year, median in medians.items():
        assert got[year]["median_nok_m2"] == pytest.approx(median)
        assert got[year]["index"] == pytest.approx(100 * median / base)
    assert chosen.synthetic_share == pytest.approx((mine["source"] == "synthetic").mean())
    assert chosen.synthetic.get("price observations").n_total == len(mine)
    refs = report.scope("region").figure("price_references").value
    assert refs and all(r["url"].startswith("http") and r["source"] for r in refs)


def test_each_figure_carries_definition_unit_and_date(demo_registry):
    when = dt.datetime.now(dt.UTC)
    report = compute_indicators(demo_registry, as_of=when)
    for scope in report.scopes:
        for fig in scope.figures:
            unit, en, nb = DEFINITIONS[fig.id]
            assert fig.unit == unit and fig.definition == {"en": en, "nb": nb}
            assert fig.as_of == when
            assert 0.0 <= fig.synthetic_share <= 1.0
    payload = json.loads(json.dumps(report.to_dict()))
    assert payload["scopes"][0]["figures"][0]["definition"]["nb"]
    frame = report.to_frame()
    assert len(frame) == sum(len(s.figures) for s in report.scopes)
