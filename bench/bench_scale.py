"""How each operation grows from 10,000 to 1,000,000 generated plots, on GeoPackage and PostGIS.

One run builds, per size and backend, the demonstration registry plus ``n`` generated non-overlapping
plots (``landreg.testing.make_plot_frame``, written to GeoParquet and brought in with ``landreg import``;
their derived attributes are drawn from the demonstration plots' own instead of enriched), then
measures on that registry, each size and backend in its own process (commands in child processes, so
every peak memory is that operation's own): import, a bbox page, vector tiles at zoom 10, 13 and 16,
one edit, supply after an edit, ``landreg map plots``, scoring and enrichment in one process and on
dask (GeoPackage), bbox reads over HTTP while an editor PATCHes plots, and the server's peak memory
under 8 concurrent map, tile and analysis requests.  History size after 10 edits per plot is measured
once (``bench_history``).  Figures go to ``bench/results/05_scale.json`` after every step.

``python -m bench.bench_scale --sizes 10000,100000,1000000 [--backends gpkg,postgis] [--skip enrich]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import scale_http
from bench import scale_ops as ops
from bench.common import RESULTS_DIR, machine, write_section

NAME = "05_scale"
BACKENDS = ("gpkg", "postgis")
#: Steps a run can leave out with ``--skip`` (enrichment at 1,000,000 plots takes 10+ minutes each way).
STEPS = (
    "import",
    "derived",
    "bbox",
    "tiles",
    "edit",
    "supply",
    "map",
    "score",
    "enrich",
    "http_edits",
    "server_memory",
    "history",
)


def _json_path(out_dir: Path) -> Path:
    return out_dir / f"{NAME}.json"


def measure(
    n: int,
    backend: str,
    *,
    registry: str,
    workdir: Path,
    skip: set[str],
    save: Callable[[dict], None],
    deadline: dt.datetime | None = None,
) -> dict[str, Any]:
    """Import ``n`` plots into ``registry`` (a copy of the demonstration registry) and measure every step on it.

    Steps not started by ``deadline`` (UTC) are recorded as not run.
    """
    started = dt.datetime.now(dt.UTC)
    fig: dict[str, Any] = {"n": n, "backend": backend, "started": started.isoformat(timespec="seconds"), "steps": {}}
    source = ops.write_plots_file(workdir / f"plots_{n}.parquet", n)
    steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("import", lambda: ops.import_plots(registry, source, workdir=workdir)),
        ("derived", lambda: ops.add_derived_attributes(registry)),
        ("bbox", lambda: ops.bbox_pages(registry, n)),
        ("tiles", lambda: ops.tile_times(registry, n)),
        ("edit", lambda: ops.edit_time(registry, n)),
        ("supply", lambda: ops.supply_after_edit(registry)),
        ("http_edits", lambda: scale_http.reads_during_edits(registry, n, workdir=workdir)),
        ("server_memory", lambda: scale_http.server_memory(registry, n)),
        ("map", lambda: ops.map_plots(registry, workdir=workdir)),
        ("map_limit", lambda: ops.map_plots(registry, workdir=workdir, limit=max(1, min(10_000, n // 10)))),
    ]
    if backend == "gpkg":
        steps += [
            ("score", lambda: ops.score_both(registry, workdir=workdir)),
            ("enrich", lambda: ops.enrich_both(registry, workdir=workdir)),
        ]
    for name, step in steps:
        if name.split("_limit")[0] in skip:
            fig["steps"][name] = {"skipped": True}
            save(fig)
            continue
        if name == "map_limit" and fig["steps"].get("map", {}).get("exit") == 0:
            continue  # the whole map was drawn; no need for a part of it
        if deadline is not None and dt.datetime.now(dt.UTC) > deadline:
            fig["steps"][name] = {"not_run": f"out of time (the run had to end by {deadline:%H:%M} UTC)"}
            save(fig)
            continue
        print(f"{n:,} {backend}: {name} …", flush=True)
        t0 = time.perf_counter()
        try:
            fig["steps"][name] = step()
        except Exception as exc:  # a failed step is reported, the others still run
            fig["steps"][name] = {"error": f"{type(exc).__name__}: {exc}"[:400], "load": ops.load()}
        fig["steps"][name]["step_s"] = time.perf_counter() - t0
        print(f"   {json.dumps(fig['steps'][name], default=str)[:300]}", flush=True)
        save(fig)
        if name == "import" and fig["steps"][name].get("exit") != 0:
            break  # nothing to measure without the plots
    return fig


def history_figures(plots: int, *, edits: int = 10) -> dict[str, Any]:
    """File size growth after ``edits`` edits per plot, full rows against compact history (``bench_history``)."""
    from bench.bench_history import CELL_M, ORIGIN, _history_run
    from landreg.registry import history
    from landreg.testing import make_plot_frame

    frame = make_plot_frame(plots, seed=7, origin=ORIGIN, cell_m=CELL_M, prefix="H")
    out: dict[str, Any] = {"plots": plots, "edits": edits}
    with tempfile.TemporaryDirectory() as tmp:
        for name, every in (("compact", history.SNAPSHOT_EVERY_VERSIONS), ("full", 1)):
            r = _history_run(Path(tmp) / f"{name}.gpkg", frame, edits=edits, snapshot_every=every)
            out[name] = {k: r[k] for k in ("size_before_mb", "size_after_mb", "growth_mb", "edit_ms")}
            out[name]["load"] = ops.load()
    return out


def _template_gpkg(workdir: Path) -> Path:
    from landreg.layers.build import create_registry_from_layers

    path = workdir / "template.gpkg"
    if not path.exists():
        create_registry_from_layers(path, layers_dir=ops.LAYERS)
    return path


class _PostGIS:
    """A local PostgreSQL cluster with the demonstration registry as a template database."""

    def __init__(self, workdir: Path, *, template: Path) -> None:
        from landreg.registry.postgis.cluster import init_cluster

        root = workdir / "pg"
        root.mkdir()
        if os.geteuid() == 0:
            os.chown(root, pwd.getpwnam("postgres").pw_uid, -1)
        self.cluster = init_cluster(root / "data")
        self.cluster.start()
        try:
            demo = self.cluster.create_database("scale_demo")
            subprocess.run(
                [sys.executable, "-c", ops._CLI, "db", "copy", str(template), demo],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        except BaseException:
            self.cluster.stop()
            raise

    def registry_for(self, n: int) -> str:
        import psycopg

        with psycopg.connect(self.cluster.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "scale_{n}"')
            conn.execute(f'CREATE DATABASE "scale_{n}" TEMPLATE "scale_demo"')
        return self.cluster.url(f"scale_{n}")

    def drop(self, n: int) -> None:
        import psycopg

        with psycopg.connect(self.cluster.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "scale_{n}" WITH (FORCE)')


def _worker(args: argparse.Namespace) -> None:
    """One size and backend in this process; figures written to ``args.out`` after every step."""
    out = Path(args.out)

    def save(fig: dict[str, Any]) -> None:
        out.write_text(json.dumps(fig, indent=1, default=str))

    deadline = dt.datetime.fromisoformat(args.deadline) if args.deadline else None
    measure(
        args.one,
        args.backend,
        registry=args.registry,
        workdir=Path(args.workdir),
        skip=set(args.skip),
        save=save,
        deadline=deadline,
    )


def _merge(mine: dict[str, Any], *, out_dir: Path, write: bool) -> dict[str, Any]:
    """Merge a run's figures into the file (another run may have written other sizes meanwhile)."""
    path = _json_path(out_dir)
    figures: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {"runs": {}}
    figures["machine"] = machine()
    figures["runs"].update(mine["runs"])
    if "history" in mine:
        figures["history"] = mine["history"]
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=1, default=str) + "\n", encoding="utf-8")
    if write:
        write_section(NAME, report(figures))
    return figures


def _run_worker(
    n: int, backend: str, *, registry: str, workdir: Path, skip: set[str], deadline: dt.datetime | None
) -> dict[str, Any] | None:
    """One size and backend in a child process; its figures (also those of an interrupted child), or None."""
    part = workdir / f"figures_{n}_{backend}.json"
    cmd = [sys.executable, "-m", "bench.bench_scale", "--one", str(n), "--backend", backend]
    cmd += ["--registry", registry, "--workdir", str(workdir), "--out", str(part)]
    cmd += ["--skip", *sorted(skip)] if skip else []
    cmd += ["--deadline", deadline.isoformat()] if deadline else []
    status = subprocess.run(cmd, cwd=ops.ROOT).returncode
    return {**json.loads(part.read_text()), "worker_exit": status} if part.exists() else None


def run(
    sizes: tuple[int, ...] = (10_000, 100_000),
    *,
    backends: tuple[str, ...] = BACKENDS,
    skip: set[str] | None = None,
    out_dir: Path = RESULTS_DIR,
    history_plots: int = 10_000,
    write: bool = True,
    template: Path | None = None,
    deadline: dt.datetime | None = None,
) -> dict[str, Any]:
    """Measure every size on every backend, each in a child process; merge into ``05_scale.json``.

    ``template``: the demonstration registry GeoPackage (built from the layers when not given).
    """
    skip = skip or set()
    mine: dict[str, Any] = {"runs": {}}

    def save() -> dict[str, Any]:
        return _merge(mine, out_dir=out_dir, write=write)

    workdir = Path(tempfile.mkdtemp(prefix="landreg-bench-scale-"))
    if os.geteuid() == 0:
        os.chmod(workdir, 0o755)
    pg = None
    try:
        if backends:
            template = template or _template_gpkg(workdir)
        if template and "postgis" in backends:
            pg = _PostGIS(workdir, template=template)
        if "history" not in skip:
            print(f"history at {history_plots:,} plots …", flush=True)
            mine["history"] = history_figures(history_plots)
            save()
        for n in sizes:
            for backend in backends:
                if backend == "gpkg":
                    registry = str(workdir / f"scale_{n}.gpkg")
                    shutil.copy(template, registry)  # type: ignore[arg-type]
                else:
                    assert pg is not None
                    registry = pg.registry_for(n)
                found = _run_worker(n, backend, registry=registry, workdir=workdir, skip=skip, deadline=deadline)
                if found is not None:
                    mine["runs"][f"{n}/{backend}"] = found
                save()
                if backend == "gpkg":
                    Path(registry).unlink(missing_ok=True)
                elif pg is not None:
                    pg.drop(n)
    finally:
        if pg is not None:
            pg.cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return save()


def report(figures: dict[str, Any]) -> str:
    """The section text: one table per operation, sizes as columns, with targets and growth."""
    from bench.scale_report import render

    return render(figures)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated plot counts")
    parser.add_argument("--backends", default="gpkg,postgis", help="gpkg, postgis or both (comma-separated)")
    parser.add_argument("--skip", nargs="*", default=[], choices=STEPS, help="steps to leave out")
    parser.add_argument("--history-plots", type=int, default=10_000)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: copy --out-dir's figures to bench/results and rewrite the section from them",
    )
    parser.add_argument("--deadline", help="UTC time (HH:MM) after which no step starts; later steps are reported")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--registry", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # every child process (commands, servers, dask workers) runs the landreg of this checkout
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ops.ROOT), os.environ.get("PYTHONPATH")]))
    if args.one:
        _worker(args)
        return
    if args.report_only:
        figures = json.loads(_json_path(args.out_dir).read_text())
        if args.out_dir.resolve() != RESULTS_DIR.resolve():
            shutil.copy(_json_path(args.out_dir), _json_path(RESULTS_DIR))
        print(write_section(NAME, report(figures)))
        return
    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    deadline = None
    if args.deadline:
        hour, minute = (int(v) for v in args.deadline.split(":"))
        deadline = dt.datetime.now(dt.UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    backends = tuple(b for b in args.backends.split(",") if b)
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend {', '.join(sorted(unknown))}: use gpkg, postgis or both")
    figures = run(
        sizes,
        backends=backends,
        skip=set(args.skip),
        out_dir=args.out_dir,
        history_plots=args.history_plots,
        write=args.out_dir.resolve() == RESULTS_DIR.resolve(),
        deadline=deadline,
    )
    print(report(figures))


def _report(figures: dict[str, Any]) -> str:  # the name ``python -m bench`` calls
    return report(figures)


if __name__ == "__main__":
    main()
