"""Scoring benchmark: 100,000 enriched (synthetic) plots scored with one profile, and a 1,000-draw sensitivity run.

Baseline: the same weighted sum written as a per-plot Python loop over dict rows (what a
script without vectorisation does), timed on all plots; the sensitivity baseline is that
loop times the number of draws (an estimate, labelled so: 1,000 draws of the loop are not run).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from bench.common import machine, timed, write_section
from landreg.scoring import load_profile, rank_stability, score_plots
from landreg.testing import make_plot_frame

ORIGIN = (540_000.0, 6_980_000.0)


def synthetic_enriched(n: int, *, seed: int = 42) -> pd.DataFrame:
    """``n`` plots of :func:`landreg.testing.make_plot_frame` with random enrichment columns."""
    frame = make_plot_frame(n, seed=seed, origin=ORIGIN, cell_m=120.0, prefix="S", municipality_no=None)
    frame["area_m2"] = frame.geometry.area
    rng = np.random.default_rng(seed)
    for target, scale in (
        ("port", 1400),
        ("airport", 2000),
        ("trondheim_s", 1350),
        ("freight_terminal", 1250),
        ("motorway_junction", 600),
        ("city_centre", 1300),
    ):
        frame[f"{target}_travel_time_s"] = rng.gamma(2.0, scale / 2.0, n)
    frame["main_road_distance_m"] = rng.exponential(400, n)
    frame["slope_mean_deg"] = rng.gamma(2.0, 1.1, n)
    for hazard, p_inside in (("quick_clay", 0.1), ("flood", 0.1), ("protected_area", 0.01)):
        status = rng.choice(["clear", "inside", "not_checked"], size=n, p=[0.6 - p_inside, p_inside, 0.4])
        frame[f"{hazard}_status"] = status
        frame[f"{hazard}_share"] = np.where(
            status == "inside", rng.uniform(0, 1, n), np.where(status == "clear", 0.0, np.nan)
        )
    frame["synergy_score"] = rng.uniform(0, 1, n)  # a cluster metric, computed once per run of the clusters step
    return frame


_READY = {"raw": 0, "zoned": 1, "serviced": 2, "build_ready": 3}


def _nan(x) -> bool:
    return x is None or x != x


def _derive(row: dict, unchecked: float) -> dict:
    lo, hi = row.get("price_min_nok_m2"), row.get("price_max_nok_m2")
    price = hi if _nan(lo) else lo if _nan(hi) else (lo + hi) / 2
    safety = 1.0
    for h in ("quick_clay", "flood", "protected_area"):
        st = row.get(f"{h}_status")
        share = row.get(f"{h}_share")
        value = (1 - (0.0 if _nan(share) else share)) if st == "inside" else 1.0 if st == "clear" else unchecked
        safety = min(safety, value)
    return {
        **row,
        "price_nok_m2": price,
        "area_daa": row["area_m2"] / 1000,
        "readiness_rank": _READY[row["readiness"]],
        "hazard_safety": safety,
        "road_ready": 0.0 if row.get("requires_new_road") else 1.0,
    }


def _naive_scores(raw_rows: list[dict], profile) -> list[float]:
    weights = profile.normalised_weights()
    out = []
    for raw in raw_rows:
        row = _derive(raw, profile.unchecked_hazard)
        total = 0.0
        for name, w in weights.items():
            c = profile.criteria[name]
            x = row.get(c.column)
            if x is None or x != x:
                v = c.missing
            elif c.transform == "ideal":
                v = max(0.0, min(1.0, 1 - abs(x - c.ideal) / c.tolerance))
            else:
                v = max(0.0, min(1.0, (x - c.lo) / (c.hi - c.lo)))
                if c.transform == "inverse":
                    v = 1 - v
            total += 100 * w * v
        out.append(total)
    order = sorted(range(len(out)), key=lambda i: -out[i])  # the ranks, as a script would get them
    ranks = [0] * len(out)
    for r, i in enumerate(order, start=1):
        ranks[i] = r
    return out


def run(
    n: int = 100_000,
    *,
    draws: int = 1000,
    sample: int | None = None,
    profile: str = "logistics",
    seed: int = 42,
    write: bool = True,
) -> dict[str, float]:
    """Run the benchmark; returns its figures (and writes ``bench/RESULTS.md`` when ``write``)."""
    frame = synthetic_enriched(n, seed=seed)
    prof = load_profile(profile)
    score_plots(frame.head(1000), profile=prof)  # warm-up (imports, caches)
    score_s, result = timed(lambda: score_plots(frame, profile=prof))
    sens_s, sens = timed(lambda: rank_stability(result, n_draws=draws, seed=seed))
    sample = n if sample is None else min(sample, n)  # the loop runs on every plot unless told otherwise
    rows = frame.head(sample).drop(columns="geometry").to_dict("records")
    naive_sample_s, naive = timed(lambda: _naive_scores(rows, prof))
    same = bool(np.allclose(naive, result.frame["score"].to_numpy()[:sample], atol=1e-9))
    naive_s = naive_sample_s * n / sample
    figures = {
        "n": n,
        "draws": draws,
        "profile": profile,
        "criteria": len(prof.active),
        "score_s": score_s,
        "plots_per_s": n / score_s,
        "sensitivity_s": sens_s,
        "naive_sample": sample,
        "naive_s": naive_s,
        "ratio": naive_s / score_s,
        "naive_sensitivity_s": naive_s * draws,
        "same_result": same,
        "median_stability": float(sens.frame["stability"].median()),
    }
    if write:
        write_section("30_scoring", _report(figures))
    return figures


def _loop_basis(f: dict) -> str:
    if f["naive_sample"] >= f["n"]:
        return f"timed on all {f['n']:,} plots"
    return f"an estimate: timed on {f['naive_sample']:,} plots and scaled, not run at full size"


def _report(f: dict) -> str:
    ok_score = "yes" if f["score_s"] < 2 else "NO"
    ok_sens = "yes" if f["sensitivity_s"] < 60 else "NO"
    return f"""## Scoring: {f["n"]:,} enriched synthetic plots, profile `{f["profile"]}` ({f["criteria"]} criteria)

Machine: {machine()}

| measure | value | target | met |
|---|---|---|---|
| score all plots (derived columns, transforms, limits, contributions, region + municipality ranks) | {f["score_s"]:.2f} s ({f["plots_per_s"]:,.0f} plots/s) | < 2 s | {ok_score} |
| rank stability, {f["draws"]:,} Monte Carlo draws over the weights (seeded, blocks of 50 draws) | {f["sensitivity_s"]:.1f} s | < 60 s | {ok_sens} |
| baseline: per-plot Python loop over dict rows — derived columns, transforms, weighted sum, ranks by `sorted` ({_loop_basis(f)}) | {f["naive_s"]:.2f} s | | |
| speed-up of the vectorised score over the loop | **{f["ratio"]:.0f}×** | | |
| baseline sensitivity (loop × draws, estimated) | {f["naive_sensitivity_s"] / 60:,.0f} min | | |
| loop and vectorised scores agree | {f["same_result"]} | | |
| median rank stability (1 − p95–p05 percentile spread) | {f["median_stability"]:.2f} | | |
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    print(_report(run(args.n, draws=args.draws)))


if __name__ == "__main__":
    main()
