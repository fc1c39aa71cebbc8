"""Registry benchmark: bulk import of N generated plots, and bbox queries against a full read.

Baseline: ``geopandas.read_file`` of the whole plots layer followed by an
intersection filter — what a script without the spatial index does.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from bench.common import machine, median_time, timed, write_section
from landreg import open_registry
from landreg.testing import make_plot_frame

ORIGIN = (520_000.0, 6_950_000.0)
CELL_M = 60.0


def run(
    n: int = 100_000, *, queries: int = 50, box_m: float = 600.0, seed: int = 42, write: bool = True
) -> dict[str, float]:
    """Run the benchmark; returns its figures (and writes ``bench/RESULTS.md`` when ``write``)."""
    frame = make_plot_frame(n, seed=seed, origin=ORIGIN, cell_m=CELL_M, prefix="B")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.gpkg"
        reg = open_registry(path, create=True)
        import_s, _ = timed(lambda: reg.add_plots(frame, actor="bench"))
        size_mb = path.stat().st_size / 1e6

        minx, miny, maxx, maxy = frame.total_bounds
        rng = np.random.default_rng(seed)
        boxes = [
            (x, y, x + box_m, y + box_m)
            for x, y in zip(
                rng.uniform(minx, maxx - box_m, queries), rng.uniform(miny, maxy - box_m, queries), strict=True
            )
        ]
        counts, query_times = [], []
        for b in boxes:
            t, got = timed(lambda b=b: reg.query_plots(bbox=b))
            counts.append(len(got))
            query_times.append(t)
        query_s = statistics.median(query_times)

        def full_read_and_filter() -> gpd.GeoDataFrame:
            whole = gpd.read_file(path, layer="plots")
            return whole[whole.intersects(shapely.box(*boxes[0]))]

        baseline_s = median_time(full_read_and_filter, repeat=3)
        check = full_read_and_filter()
        same = sorted(check["plot_id"]) == sorted(reg.query_plots(bbox=boxes[0])["plot_id"])
        reg.close()
    figures = {
        "n": n,
        "import_s": import_s,
        "plots_per_s": n / import_s,
        "size_mb": size_mb,
        "query_median_ms": query_s * 1000,
        "plots_per_query": statistics.median(counts),
        "baseline_ms": baseline_s * 1000,
        "ratio": baseline_s / query_s,
        "same_result": same,
    }
    if write:
        write_section("10_registry", _report(figures))
    return figures


def _report(f: dict[str, float]) -> str:
    ok_import = "yes" if f["import_s"] < 60 else "NO"
    ok_ratio = "yes" if f["ratio"] >= 50 else "NO"
    return f"""## Registry: bulk import and bbox query ({f["n"]:,} generated plots)

Machine: {machine()}

| measure | value | target | met |
|---|---|---|---|
| bulk import (validation, history, R-tree; one transaction) | {f["import_s"]:.1f} s ({f["plots_per_s"]:,.0f} plots/s) | < 60 s | {ok_import} |
| registry file size | {f["size_mb"]:.1f} MB | | |
| bbox query through the registry (R-tree), median of 50 | {f["query_median_ms"]:.2f} ms, {f["plots_per_query"]:.0f} plots | | |
| baseline: `geopandas.read_file` of the layer + intersects filter, median of 3 | {f["baseline_ms"]:.0f} ms | | |
| speed-up of the registry query over the baseline | **{f["ratio"]:.0f}×** | ≥ 50× | {ok_ratio} |
| both return the same plots | {f["same_result"]} | | |
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    figures = run(args.n)
    print(_report(figures))


if __name__ == "__main__":
    main()
