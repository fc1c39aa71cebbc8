"""Enrichment and scoring in one process against a dask LocalCluster of 2 worker processes.

Generated non-overlapping plots (``landreg.testing.make_plot_frame``) in the Trondheim region are
added to a fresh registry; the same registry file is enriched (``force``) in this process and with
``--engine dask`` on a ``LocalCluster`` of 2 worker processes (1 thread each), in turns (``--rounds``
times each), against the bundled layers (the OSM street network, the DEM, the hazard layers).  The
stored attributes are compared value by value.  Scores (profile ``general``, all statuses) are then
computed both ways on the enriched registry and compared (``--no-score`` leaves them out).  The
cluster's start-up is timed on its own and shown beside the enrichment.

For each run: the wall time, the CPU time of this process (every thread: it shows whether the
single-process run keeps more than one core busy), the seconds of the chunks' steps (read, compute,
write; on dask summed over both workers) and the load average of the machine (1 minute) after it.

``python -m bench.bench_dask [--sizes 10000 100000]`` (also run by ``make bench``) writes
``bench/results/16_dask.md`` and its section of ``bench/RESULTS.md``; the figures of every size run
so far are kept in ``bench/results/16_dask.json`` (a later run of a size replaces its row).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.common import RESULTS_DIR, machine, timed, write_section
from landreg.analysis import score_registry
from landreg.engine import open_engine
from landreg.engine.score import score_registry_distributed
from landreg.enrich import enrich_registry
from landreg.registry import open_registry
from landreg.testing import make_plot_frame

LAYERS = Path(__file__).resolve().parents[1] / "layers"
SECTION = "16_dask"
#: Grid spacing of the generated plots (each fills 40–90 % of its cell).
PLOT_CELL_M = 60.0
#: Plots added to the registry per call while it is built.
BUILD_CHUNK = 100_000


def _registry(path: Path, n: int) -> float:
    started = time.perf_counter()
    with open_registry(path, create=True) as reg:
        frame = make_plot_frame(n, seed=7, cell_m=PLOT_CELL_M, municipality_no=None)
        for start in range(0, n, BUILD_CHUNK):
            reg.add_plots(frame.iloc[start : start + BUILD_CHUNK], actor="bench")
    return time.perf_counter() - started


def _stored(path: Path) -> pd.DataFrame:
    with open_registry(path) as reg:
        return reg.load_enrichment().drop(columns=["computed_at"])


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _enrich(path: Path, engine: Any) -> dict[str, Any]:
    """One forced enrichment: wall and CPU seconds of this process, the chunks' steps, the load after it."""
    cpu = _cpu_s()
    started = time.perf_counter()
    with open_registry(path) as reg:
        report = enrich_registry(reg, layers_dir=LAYERS, force=True, engine=engine)
    return {
        "wall_s": time.perf_counter() - started,
        "cpu_s": _cpu_s() - cpu,
        "steps_s": dict(report.step_s),
        "load": os.getloadavg()[0],
    }


def run(
    sizes: tuple[int, ...] = (10_000, 100_000), *, workers: int = 2, rounds: int = 2, score: bool = True
) -> list[dict[str, Any]]:
    """Time enrichment (and scoring) single-process and on dask for each size, in turns; check equal results."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            local, distributed = Path(tmp) / f"local_{n}.gpkg", Path(tmp) / f"dask_{n}.gpkg"
            build_s = _registry(local, n)
            shutil.copy(local, distributed)
            started = time.perf_counter()
            with open_engine("dask", n_workers=workers) as engine:
                assert engine is not None
                assert engine.n_workers == workers  # the cluster starts here, timed on its own
                startup_s = time.perf_counter() - started
                runs: dict[str, list[dict[str, Any]]] = {"local": [], "dask": []}
                for _ in range(rounds):
                    runs["local"].append(_enrich(local, None))
                    print(n, "local", runs["local"][-1], flush=True)
                    runs["dask"].append(_enrich(distributed, engine))
                    print(n, "dask", runs["dask"][-1], flush=True)
                equal_enrich = _stored(local).equals(_stored(distributed))
                row: dict[str, Any] = {
                    "n": n,
                    "build_s": build_s,
                    "startup_s": startup_s,
                    "runs": runs,
                    "equal_enrich": equal_enrich,
                }
                if score:
                    with open_registry(local) as reg:
                        row["score_local_s"], want = timed(lambda reg=reg: score_registry(reg, statuses=None))
                    with open_registry(distributed) as reg:
                        row["score_dask_s"], got = timed(
                            lambda reg=reg: score_registry_distributed(reg, engine=engine, statuses=None)
                        )
                    same = ["geometry", "computed_at"]  # the two registries were enriched at different times
                    row["equal_score"] = want.frame.drop(columns=same).equals(got.frame.drop(columns=same)) and bool(
                        np.array_equal(want.values, got.values)
                    )
                    row["score_load"] = os.getloadavg()[0]
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "runs"}), flush=True)
            local.unlink()
            distributed.unlink()
    return rows


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda r: r["wall_s"])


def _free_cores_ratio(local: dict[str, Any], dask: dict[str, Any]) -> float:
    """dask / 1 process on two free cores, estimated from CPU times: the driver's CPU, then the workers' halved.

    The single process keeps one core busy (its CPU time is its wall time on a free core); on dask the
    driver prepares alone (its CPU time, which includes sending the shared inputs) and the two workers
    share the chunks' CPU time.  Start-up of the workers and waits are left out: an estimate.
    """
    return (dask["cpu_s"] + dask["steps_s"].get("cpu", 0.0) / 2) / local["cpu_s"]


def _steps(run: dict[str, Any]) -> str:
    s = run["steps_s"]
    return " / ".join(f"{s.get(k, 0.0):.1f}" for k in ("read", "compute", "write")) + f" ({s.get('cpu', 0.0):.1f})"


def _report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "## Batch on dask: enrichment and scoring, one process vs a LocalCluster of 2 workers",
        "",
        f"Machine: {machine()}, shared with other work (the load average is shown). Generated non-overlapping "
        "plots in the Trondheim region, bundled layers (OSM street network, DEM, hazards); the same registry "
        "enriched with `--force` each way, in turns (the faster of each engine's runs shown, every run in "
        "`bench/results/16_dask.json`). `bench/bench_dask.py`.",
        "",
        "| plots | enrich 1 process | its CPU | enrich dask ×2 | dask / 1 process | with cluster start "
        "| chunk steps read / compute / write (CPU), 1 process | same, dask (both workers) "
        "| estimate on 2 free cores | equal results | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|---:|",
    ]
    for r in sorted(rows, key=lambda r: r["n"]):
        lo, da = _best(r["runs"]["local"]), _best(r["runs"]["dask"])
        equal = r["equal_enrich"] and r.get("equal_score", True)
        loads = [x["load"] for x in r["runs"]["local"] + r["runs"]["dask"]]
        lines.append(
            f"| {r['n']:,} | {lo['wall_s']:.1f} s | {lo['cpu_s']:.1f} s | {da['wall_s']:.1f} s "
            f"| {da['wall_s'] / lo['wall_s']:.2f} | {(da['wall_s'] + r['startup_s']) / lo['wall_s']:.2f} "
            f"| {_steps(lo)} s | {_steps(da)} s | {_free_cores_ratio(lo, da):.2f} | {'yes' if equal else 'NO'} "
            f"| {min(loads):.1f}–{max(loads):.1f} |"
        )
    scored = [r for r in sorted(rows, key=lambda r: r["n"]) if "score_local_s" in r]
    if scored:
        lines += ["", "| plots | score 1 process | score dask ×2 | load avg |", "|---:|---:|---:|---:|"]
        for r in scored:
            lines.append(
                f"| {r['n']:,} | {r['score_local_s']:.1f} s | {r['score_dask_s']:.1f} s | {r['score_load']:.1f} |"
            )
    lines += ["", NOTES, "", PROFILE]
    return "\n".join(lines)


NOTES = (
    "`dask / 1 process` is the wall-time ratio of the enrichment (below 1: dask faster; the target, for "
    "1,000,000 plots, is at most 0.70); `with cluster start` adds the start of the LocalCluster. How it runs: "
    "the driver reads only the plots' ids, versions and bounds centres (the GeoPackage R-tree), builds the "
    "road graph and the travel times to every target once and sends them to each worker once; each worker "
    "reads its own spatial partition from the registry, enriches it with the same function the single "
    "process uses for each of its chunks and writes its rows (SQLite lets one writer in at a time; PostGIS "
    "takes both); only counts come back. The steps columns sum the wall seconds of each step over the chunks, "
    "and in brackets the CPU seconds of the process(es) meanwhile; on dask over both workers, so with two "
    "busy workers they add up to about twice the wall time. `its CPU` is the CPU time of the single process "
    "(all its threads): at or below its wall time, it keeps one core busy at most (numpy, shapely and "
    "rasterio run its steps on one thread), so a second worker has a core to use only when the machine has "
    "one free. On this shared machine it rarely has: the kernel shares the CPU fairly between sessions "
    "(`/proc/sys/kernel/sched_autogroup_enabled` = 1), and the benchmark with its workers is one session "
    "beside the other busy ones (the load average), so the two workers together get about the share the "
    "single process gets. Compare the CPU in brackets: what the dask run costs beyond one process is "
    "the difference of the two (the shared inputs sent to each worker, smaller chunks). `estimate on 2 free "
    "cores` is an estimate, not a measurement: the dask driver's CPU time plus half the workers' chunk CPU "
    "time, over the single process's CPU time (worker start-up, unpickling the shared inputs and waits left "
    "out)."
)


PROFILE = (
    "Where the dask time went at 100,000 plots, measured step by step (load average 5–10). Before, the "
    "command read every plot whole (5.4 s), shipped each partition's frame to a worker and wrote every "
    "partition's rows itself (15.4 s of a 34.0 s run, against 31.4 s in one process at the same time). "
    "Now the command reads the ids, versions and bounds centres (0.5 s), the layers (0.9 s) and builds the "
    "graph and the travel times to every target (0.8–1.6 s); broadcasting them (38 MB: road frame 14 MB, "
    "graph 18 MB, node times 5.5 MB) to the two workers took 2.1 s at load 5 and 6.8 s at load 9; each "
    "worker then reads, computes and writes 10,000 plots at a time (about 15 %, 70 % and 17 % of its time, "
    "the same shares as in one process); what comes back is a count. At 1,000,000 plots the command's own "
    "CPU time is 21 s of the 628 s (reading 1,000,000 positions, sending the inputs, and dask's scheduler, "
    "which runs in the command's process), and the workers' chunks cost 16 % more CPU than the single "
    "process's (two processes sharing the caches of two cores, and dask's own threads in each worker: its "
    "statistical profiler, switched off since for the local cluster, cost the workers about 7 % CPU at "
    "100,000 plots; the 10,000 and 100,000 rows above are measured without it, and there the workers' "
    "chunk CPU equals the single process's; the 1,000,000 row is from the run before, with it). "
    "The target (dask at most 0.70 of one process's wall time at 1,000,000 plots) is not met as measured "
    "here: 1.21, with both runs sharing a machine at load 8–13 with other sessions; from the CPU times, on "
    "two free cores it would be about 0.67 (an estimate, just inside the target, with little margin; at "
    "100,000 plots without the profiler the same estimate is 0.60)."
)


def _merge(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows kept from earlier runs, with this run's sizes replaced."""
    path = RESULTS_DIR / f"{SECTION}.json"
    kept = json.loads(path.read_text()) if path.exists() else []
    done = {r["n"] for r in rows}
    merged = [r for r in kept if r.get("n") not in done and "runs" in r] + rows
    path.write_text(json.dumps(sorted(merged, key=lambda r: r["n"]), indent=1) + "\n")
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="enrichments per engine, in turns")
    parser.add_argument("--no-score", action="store_true", help="leave scoring out")
    args = parser.parse_args()
    rows = run(tuple(args.sizes), workers=args.workers, rounds=args.rounds, score=not args.no_score)
    text = _report(_merge(rows))
    write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
