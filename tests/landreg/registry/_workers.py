"""Subprocess workers for the crash and concurrency tests (run as scripts)."""

from __future__ import annotations

import json
import sys

from landreg import VersionConflictError, open_registry
from landreg.testing import make_plot_frame


def bulk_import(path: str, n: int) -> None:
    """Import n plots, printing a line after each stored batch (the parent kills us mid-way)."""
    reg = open_registry(path)
    frame = make_plot_frame(n, seed=11, prefix="BULK", origin=(520_000.0, 6_950_000.0), cell_m=60.0)

    def progress(k: int) -> None:
        print(f"batch {k}", flush=True)

    reg.add_plots(frame, actor="bulk", progress=progress)
    print("done", flush=True)


def writer(path: str, name: str, n: int, shared_id: str, x0: float) -> None:
    """Add n plots one by one and increment a shared counter n times, printing each acknowledged write."""
    reg = open_registry(path, busy_timeout_s=60)
    for i in range(n):
        frame = make_plot_frame(1, prefix=f"{name}{i}", origin=(x0, 7_000_000.0 + 200 * i))
        (pid,) = reg.add_plots(frame, actor=name)
        print(json.dumps({"added": pid}), flush=True)
        while True:
            p = reg.get_plot(shared_id)
            try:
                reg.update_plot(shared_id, {"name": f"{name}-{i}"}, expected_version=p.version, actor=name)
            except VersionConflictError:
                continue
            print(json.dumps({"updated": p.version + 1}), flush=True)
            break


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "bulk":
        bulk_import(args[0], int(args[1]))
    else:
        writer(args[0], args[1], int(args[2]), args[3], float(args[4]))
