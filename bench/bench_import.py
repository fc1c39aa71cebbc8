"""Bulk import into PostGIS alone: the plots of ``bench_postgis`` (same generator and seed) in one transaction.

``python -m bench.bench_postgis`` times the same import before it serves the database; this runs the
import only, on a PostgreSQL cluster of its own on 127.0.0.1, so an import can be measured at
1,000,000 plots without the serving measures.  The baseline is the import as it was before
validation and COPY were overlapped, as ``bench_postgis`` measured it at 1,000,000 plots in commit
cb2fe41, shown beside this one with the load average of this run.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_postgis import CELL_M, ORIGIN
from bench.common import RESULTS_DIR, machine, write_section
from landreg import open_registry
from landreg.registry.postgis.cluster import init_cluster
from landreg.testing import make_plot_frame


def run(n: int = 1_000_000, *, seed: int = 42, write: bool = True) -> dict[str, Any]:
    """Import ``n`` generated plots into a fresh PostGIS registry; returns the figures (and writes them)."""
    frame = make_plot_frame(n, seed=seed, origin=ORIGIN, cell_m=CELL_M, prefix="B")
    root = Path(tempfile.mkdtemp(prefix="landreg-bench-import-"))
    if os.geteuid() == 0:
        os.chown(root, pwd.getpwnam("postgres").pw_uid, -1)
    cluster = init_cluster(root / "data")
    cluster.start()
    try:
        with open_registry(cluster.create_database("bench"), create=True) as reg:
            marks: list[float] = []
            load_before = os.getloadavg()
            t0 = time.perf_counter()
            reg.add_plots(frame, actor="bench", progress=lambda _rows: marks.append(time.perf_counter()))
            import_s = time.perf_counter() - t0
            load_after = os.getloadavg()
            stored = reg.count_plots()
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    figures = {
        "n": n,
        "stored": stored,
        "import_s": import_s,
        "first_rows_s": marks[0] - t0,
        "streaming_s": marks[-1] - marks[0],
        "statistics_commit_s": t0 + import_s - marks[-1],
        "load_before": load_before,
        "load_after": load_after,
        "before": _earlier_figure(n),
    }
    if write:
        (RESULTS_DIR / "14_import.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        write_section("14_import", _report(figures))
    return figures


#: The import before validation and COPY were overlapped, at 1,000,000 plots: ``bench_postgis`` as committed
#: in cb2fe41 (bench/results/15_postgis.json of that commit; load not recorded).
_BEFORE_1M = {
    "import_s": 195.8,
    "import_first_rows_s": 101.2,
    "import_copy_s": 54.7,
    "import_insert_commit_s": 39.9,
}


#: Before and after on the same machine at the same time (the 1,000,000-plot figures above were not).
_IN_TURNS = [
    "The 1,000,000-plot figures of the two columns come from different runs on a shared machine. Measured one "
    "after the other at 100,000 plots (the same generator; a PostgreSQL cluster of its own; load average 8–9), the import "
    "took 35.9 s with the registry code of commit c400a47 (validation until the first rows 15.4 s) and 22.7 s "
    "with chunked, overlapped validation (first rows after 4.1 s); with the rows made while the previous chunk "
    "streams, 16.3 s (a later run at the same load). GeoPackage, 50,000 plots, twice in turns (load 12–14): "
    "33.0 s before, 24.6 s now.",
]


def _earlier_figure(n: int) -> dict[str, float] | None:
    """The import at ``n`` plots before this way of importing, where one was measured (1,000,000 plots)."""
    return dict(_BEFORE_1M) if n == 1_000_000 else None


def _report(f: dict[str, Any]) -> str:
    loads = (
        " / ".join(f"{x:.1f}" for x in f["load_before"]) + " before, " + " / ".join(f"{x:.1f}" for x in f["load_after"])
    )
    met = "met" if f["import_s"] < 180 else "NOT met"
    lines = [
        f"## Bulk import into PostGIS ({f['n']:,} generated plots, one transaction)",
        "",
        f"Machine: {machine()}. PostgreSQL from Debian's packages on 127.0.0.1, a cluster of its own; the plots of "
        "`bench_postgis` (same generator and seed). Validation, the history rows and the plots in one transaction, "
        f"all or nothing. Load average (1/5/15 min) {loads} after: the machine is shared, so times follow its load.",
        "",
        "| measure | now | before (`bench_postgis` in commit cb2fe41) |",
        "|---|---|---|",
    ]
    b = f["before"]
    lines.append(
        f"| bulk import of {f['n']:,} plots | **{f['import_s']:.0f} s** | "
        + (f"{b['import_s']:.0f} s |" if b else "– |")
    )
    lines.append(
        f"| until the first rows stream (checks of the whole batch, the first chunk's attributes) | "
        f"{f['first_rows_s']:.1f} s | " + (f"{b['import_first_rows_s']:.1f} s (all validation) |" if b else "– |")
    )
    lines.append(
        f"| streaming: the next chunks checked while the database ingests the last | {f['streaming_s']:.1f} s | "
        + (
            f"{b['import_copy_s']:.1f} s COPY to staging + {b['import_insert_commit_s']:.1f} s INSERT … SELECT, "
            "statistics, commit |"
            if b
            else "– |"
        )
    )
    lines.append(f"| the last plots into `plots`, statistics, commit | {f['statistics_commit_s']:.1f} s | |")
    lines += [
        "",
        f"Target: below 3 minutes on 2 cores: {met} ({f['import_s']:.0f} s). A chunk of 25,000 plots is validated "
        "while a writer thread streams the previous one with COPY straight into the history table and copies its "
        "plot columns into `plots` with one INSERT … SELECT; a problem anywhere rolls the whole import back with "
        "every problem listed.",
        "",
        *_IN_TURNS,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="plot count")
    parser.add_argument("--report", action="store_true", help="write the section again from the stored figures")
    args = parser.parse_args()
    if args.report:
        figures = json.loads((RESULTS_DIR / "14_import.json").read_text(encoding="utf-8"))
        figures["before"] = _earlier_figure(figures["n"])
        (RESULTS_DIR / "14_import.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        write_section("14_import", _report(figures))
    else:
        figures = run(args.n)
    print(_report(figures))


if __name__ == "__main__":
    main()
