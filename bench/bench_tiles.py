"""Vector-tile benchmark: cold tile render times at zoom 10, 13 and 16 on GeoPackage and PostGIS.

N generated non-overlapping plots (60 m grid, as the registry and PostGIS benchmarks) are bulk
imported into a GeoPackage registry and a PostGIS registry (a cluster started on 127.0.0.1 from
Debian's packages).  For each backend and zoom, :func:`landreg.tiles.tile_sample` picks up to
``tiles`` tiles over the plots' extent and each is rendered once without a cache (what a request
for a tile nobody asked for yet costs).  Baseline, in the same run on the GeoPackage registry: the
same tiles read with ``query_plots`` and encoded with ``mapbox-vector-tile``, what landreg did
before.  Also: eight threads asking at once for one cold tile (single flight: one computation).
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import RESULTS_DIR, machine, write_section
from landreg import open_registry
from landreg.testing import make_plot_frame
from landreg.tiles import FEATURE_BUDGET, TileCache, render_tile, tile_sample, time_tiles
from landreg.tiles.aggregate import plots_over_budget

ORIGIN = (520_000.0, 6_950_000.0)
CELL_M = 60.0
ZOOMS = (10, 13, 16)
SECTION = "55_tiles"


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)), "max_ms": float(ms.max())}


def _zoom_figures(registry: Any, *, zoom: int, tiles: int, seed: int) -> dict[str, Any]:
    sample = tile_sample(registry, zoom, tiles, seed=seed)
    cpu: list[float] = []
    timed = []
    for tile in sample:  # wall time as time_tiles measures it, and this process's CPU time beside it
        c0 = time.process_time()
        timed += time_tiles(registry, [tile])
        cpu.append(time.process_time() - c0)
    sizes = [b for _, b in timed]
    aggregated = sum(plots_over_budget(registry, t) for t in sample)
    cpu_ms = np.asarray(cpu) * 1000
    return {
        "tiles": len(sample),
        **_percentiles([s for s, _ in timed]),
        "cpu_p50_ms": float(np.percentile(cpu_ms, 50)),
        "cpu_p95_ms": float(np.percentile(cpu_ms, 95)),
        "size_p50_kb": statistics.median(sizes) / 1024,
        "size_max_kb": max(sizes) / 1024,
        "aggregated_tiles": aggregated,
    }


def _baseline(registry: Any, *, zoom: int, tiles: int, seed: int) -> dict[str, Any]:
    """The same tiles as ``query_plots`` + ``mapbox-vector-tile`` (every plot drawn, no aggregation)."""
    import mapbox_vector_tile
    import shapely

    from landreg.registry import PlotQuery
    from landreg.tiles.grid import query_box_25832, to_3857

    seconds = []
    for tile in tile_sample(registry, zoom, tiles, seed=seed):
        t0 = time.perf_counter()
        box = query_box_25832(tile)
        frame = registry.query_plots(PlotQuery(bbox=box))
        geoms = shapely.clip_by_rect(to_3857(np.asarray(frame.geometry.values)), *tile.buffered_bounds_3857)
        minx, miny, _, _ = tile.bounds_3857
        geoms = shapely.transform(geoms, lambda xy, minx=minx, miny=miny, u=tile.unit_m: (xy - (minx, miny)) / u)
        names = ["plot_id", "code", "name", "status", "zoning", "readiness", "area_m2", "price_min_nok_m2"]
        feats = [
            {"geometry": g, "properties": dict(zip(names, row, strict=True))}
            for g, row in zip(geoms, frame[names].itertuples(index=False, name=None), strict=True)
            if not g.is_empty
        ]
        mapbox_vector_tile.encode(
            [{"name": "plots", "features": feats}], default_options={"quantize_bounds": None, "y_coord_down": False}
        )
        seconds.append(time.perf_counter() - t0)
    return {"tiles": len(seconds), **_percentiles(seconds)}


def _single_flight(registry: Any, *, zoom: int, clients: int = 8) -> dict[str, Any]:
    """``clients`` threads ask at once for one cold tile through one cache: computations and wall time."""
    (tile,) = tile_sample(registry, zoom, 1, seed=99)
    cache = TileCache()
    start = threading.Barrier(clients)

    def ask() -> None:
        start.wait()
        render_tile(registry, "plots", z=tile.z, x=tile.x, y=tile.y, cache=cache)

    threads = [threading.Thread(target=ask) for _ in range(clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"clients": clients, "computations": cache.computed, "wall_ms": (time.perf_counter() - t0) * 1000}


def _backend_figures(registry: Any, *, tiles: int, seed: int) -> dict[str, Any]:
    render_tile(registry, "plots", z=14, x=0, y=0)  # warm-up: connections, transformers
    out: dict[str, Any] = {str(z): _zoom_figures(registry, zoom=z, tiles=tiles, seed=seed) for z in ZOOMS}
    out["single_flight"] = _single_flight(registry, zoom=13)
    return out


def run_one(n: int, *, tiles: int = 40, seed: int = 42, backends: tuple[str, ...] = ("geopackage", "postgis")) -> dict:
    """Import ``n`` generated plots into each backend and time tiles at every zoom of :data:`ZOOMS`."""
    frame = make_plot_frame(n, seed=seed, origin=ORIGIN, cell_m=CELL_M, prefix="B")
    figures: dict[str, Any] = {"n": n, "budget": FEATURE_BUDGET, "load_before": os.getloadavg()[0]}
    root = Path(tempfile.mkdtemp(prefix="landreg-bench-tiles-"))
    try:
        if "geopackage" in backends:
            with open_registry(root / "tiles.gpkg", create=True) as reg:
                reg.add_plots(frame, actor="bench")
                load = os.getloadavg()[0]
                figures["geopackage"] = _backend_figures(reg, tiles=tiles, seed=seed)
                figures["geopackage"] |= {"load_before": load, "load_after": os.getloadavg()[0]}
                figures["geopackage"]["baseline"] = {
                    str(z): _baseline(reg, zoom=z, tiles=min(tiles, 10), seed=seed) for z in (13, 16)
                }
        if "postgis" in backends:
            from landreg.registry.postgis.cluster import init_cluster

            if os.geteuid() == 0:
                os.chown(root, pwd.getpwnam("postgres").pw_uid, -1)
            cluster = init_cluster(root / "pg")
            cluster.start()
            try:
                with open_registry(cluster.create_database("tiles"), create=True) as reg:
                    reg.add_plots(frame, actor="bench")
                    load = os.getloadavg()[0]
                    figures["postgis"] = _backend_figures(reg, tiles=tiles, seed=seed)
                    figures["postgis"] |= {"load_before": load, "load_after": os.getloadavg()[0]}
            finally:
                cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    figures["load_after"] = os.getloadavg()[0]
    return figures


#: Backends as the report names them: ``postgis_before`` is PostGIS schema 9 (every plot tile encoded by
#: ``ST_AsMVT``, cell counts through the GiST index and the plot rows), measured with that code.
LABELS = {
    "geopackage": "geopackage",
    "postgis_before": "postgis, schema 9 (before)",
    "postgis": "postgis",
}


def run(
    ns: tuple[int, ...] = (100_000,),
    *,
    tiles: int = 40,
    write: bool = True,
    backends: tuple[str, ...] = ("geopackage", "postgis"),
    before: dict | None = None,
) -> dict:
    """Run at each size on ``backends``; writes ``bench/results/55_tiles.{md,json}`` when ``write``.

    Figures of other backends kept from earlier runs stay; ``before`` (a :func:`run_one` result of the
    schema-9 code, PostGIS only, at one of ``ns``) is kept as ``postgis_before`` beside them.
    """
    path = RESULTS_DIR / f"{SECTION}.json"
    kept = json.loads(path.read_text()) if path.exists() else {}
    for n in ns:
        new = run_one(n, tiles=tiles, backends=backends)
        entry = kept.setdefault(str(n), {})
        entry.update({k: v for k, v in new.items() if k in LABELS} | {"n": n, "budget": new["budget"]})
        if before is not None and int(before["n"]) == n:
            entry["postgis_before"] = before["postgis"]
    if write:
        RESULTS_DIR.mkdir(exist_ok=True)
        path.write_text(json.dumps(kept, indent=2) + "\n")
        write_section(SECTION, _report(kept))
    return kept


def _report(kept: dict) -> str:
    lines = [
        "## Vector tiles: cold render time per zoom (GeoPackage and PostGIS)",
        "",
        f"Generated non-overlapping plots on a {CELL_M:.0f} m grid; each sampled tile over the plots' extent "
        "rendered once without a cache (`landreg.tiles.tile_sample`, `time_tiles`). A tile with more than "
        f"{FEATURE_BUDGET:,} plots carries plot counts per grid cell (aggregated); plots under a pixel are points. "
        "Target: p95 < 100 ms at every zoom on 1,000,000 plots. Load average (1 min) before and after each run "
        "is given: the machine is shared, so times on a loaded machine are longer than on an idle one. CPU is the "
        "benchmark process's own CPU time per tile (on GeoPackage the whole render; on PostGIS only the client's "
        'part, the server\'s work is not in it), which contention does not stretch. "postgis, schema 9 (before)" is the '
        "code before PostGIS schema version 10, measured with that code: every plot tile encoded by `ST_AsMVT` and "
        "cell counts read through the GiST index and the plot rows. Since schema 10 PostGIS counts cells "
        "from an index of the live plots' stored corners alone and encodes plot tiles below zoom 16 in process "
        "(their CPU time now includes the encoding); the 1,000,000-plot PostGIS rows are from before that change.",
        "",
        "| plots | backend | zoom | tiles | p50 ms | p95 ms | max ms | CPU p50 / p95 ms | size p50 KB | size max KB "
        "| aggregated |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, f in sorted(kept.items(), key=lambda kv: int(kv[0])):
        for backend in LABELS:
            for z in map(str, ZOOMS):
                if backend not in f:
                    continue
                r = f[backend][z]
                cpu = f"{r['cpu_p50_ms']:.1f} / {r['cpu_p95_ms']:.1f}" if "cpu_p50_ms" in r else "–"
                lines.append(
                    f"| {int(n):,} | {LABELS[backend]} | {z} | {r['tiles']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                    f"{r['max_ms']:.1f} | {cpu} | {r['size_p50_kb']:.1f} | {r['size_max_kb']:.1f} | "
                    f"{r['aggregated_tiles']} |"
                )
    lines += ["", "Baseline (GeoPackage, same tiles): `query_plots` + `mapbox-vector-tile`, every plot drawn.", ""]
    lines += [
        "| plots | zoom | baseline p50 ms | baseline p95 ms | landreg p50 ms | ratio (p50) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n, f in sorted(kept.items(), key=lambda kv: int(kv[0])):
        for z, b in f.get("geopackage", {}).get("baseline", {}).items():
            mine = f["geopackage"][z]["p50_ms"]
            lines.append(
                f"| {int(n):,} | {z} | {b['p50_ms']:.1f} | {b['p95_ms']:.1f} | {mine:.1f} | {b['p50_ms'] / mine:.1f}× |"
            )
    lines += ["", "Eight threads asking at once for one cold zoom-13 tile through one cache:", ""]
    for n, f in sorted(kept.items(), key=lambda kv: int(kv[0])):
        for backend in LABELS:
            if backend in f:
                s = f[backend]["single_flight"]
                lines.append(
                    f"- {int(n):,} plots, {LABELS[backend]}: {s['computations']} computation for {s['clients']} "
                    f"clients, all answered in {s['wall_ms']:.0f} ms"
                )
        for backend in LABELS:
            if "load_before" in f.get(backend, {}):
                b = f[backend]
                lines.append(
                    f"- load average {b['load_before']:.1f} before, {b['load_after']:.1f} after the "
                    f"{int(n):,} run on {LABELS[backend]}"
                )
        if "load_before" in f:
            lines.append(
                f"- load average {f['load_before']:.1f} before, {f['load_after']:.1f} after the {int(n):,} run"
            )
    lines += ["", f"Machine: {machine()}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, action="append", help="plot count (repeatable; default 100,000)")
    parser.add_argument("--tiles", type=int, default=40, help="tiles sampled per zoom and backend")
    parser.add_argument(
        "--backend",
        choices=("geopackage", "postgis"),
        action="append",
        help="backend to run (repeatable; default both)",
    )
    parser.add_argument("--before", type=Path, help="JSON of run_one on PostGIS by the schema-9 code (kept beside)")
    args = parser.parse_args()
    before = json.loads(args.before.read_text()) if args.before else None
    backends = tuple(args.backend or ("geopackage", "postgis"))
    print(_report(run(tuple(args.n or (100_000,)), tiles=args.tiles, backends=backends, before=before)))


if __name__ == "__main__":
    main()
