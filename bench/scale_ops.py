"""The operations the scale benchmark measures on one registry (a GeoPackage path or a ``postgresql://`` URL).

Each function returns a dict of figures with the load average (1 minute) taken when it ended.
Commands run in child processes (``landreg …``) so their peak resident memory is their own.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import Transformer

from landreg import open_registry
from landreg.registry.query import PlotQuery

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
#: Generated plots lie east of the demonstration plots, in 60 m cells (EPSG:25832), in rows of at most
#: :data:`MAX_COLUMNS` so that a million of them stay inside the region's extent (x ≤ 646,000 m, y ≤ 7,093,000 m).
ORIGIN = (605_000.0, 6_990_000.0)
CELL_M = 60.0
MAX_COLUMNS = 650
BOX_M = 2000.0
TILE_ZOOMS = (10, 13, 16)
_CLI = "import sys; from landreg.cli import main; sys.argv[0] = 'landreg'; sys.exit(main())"


def load() -> float:
    """The 1-minute load average now."""
    return round(os.getloadavg()[0], 2)


def quantile_ms(seconds: list[float], q: float) -> float:
    """The ``q`` quantile of ``seconds`` in milliseconds (nearest rank)."""
    values = sorted(seconds)
    return values[min(len(values) - 1, int(np.ceil(q * len(values))) - 1)] * 1000


def _columns(n: int) -> int:
    return min(MAX_COLUMNS, max(1, int(np.ceil(np.sqrt(n)))))


def plot_bounds(n: int) -> tuple[float, float, float, float]:
    """The extent of the ``n`` generated plots (a square grid of cells from :data:`ORIGIN`)."""
    cols = _columns(n)
    rows = int(np.ceil(n / cols))
    return (ORIGIN[0], ORIGIN[1], ORIGIN[0] + cols * CELL_M, ORIGIN[1] + rows * CELL_M)


def write_plots_file(path: Path, n: int, *, seed: int = 5) -> Path:
    """A GeoParquet file of ``n`` generated non-overlapping plots (``landreg.testing.make_plot_frame``)."""
    from landreg.testing import make_plot_frame

    if not path.exists():
        frame = make_plot_frame(
            n, seed=seed, origin=ORIGIN, cell_m=CELL_M, columns=_columns(n), prefix="S", municipality_no=None
        )
        frame.to_parquet(path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)
    return path


#: Resident memory at which a measured command is stopped, so that it does not take the machine's memory
#: from other work (the out-of-memory killer would): 4× the issue's largest per-command target of 1–2 GB.
MEMORY_CAP_MB = 6144.0


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_command(
    args: list[str], *, timeout_s: float, workdir: Path, memory_cap_mb: float = MEMORY_CAP_MB
) -> dict[str, Any]:
    """Seconds, peak resident MB (``ru_maxrss``), exit status and the end of stderr of ``landreg <args>``.

    The command is stopped (SIGKILL) after ``timeout_s`` (``timed_out``) or once its resident memory
    passes ``memory_cap_mb`` (``over_memory_cap``).
    """
    err_path = workdir / "command.err"
    over_cap = threading.Event()
    with err_path.open("w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _CLI, *args], stdout=subprocess.DEVNULL, stderr=err)
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.5):
                if time.perf_counter() - t0 > timeout_s or _rss_mb(proc.pid) > memory_cap_mb:
                    if time.perf_counter() - t0 <= timeout_s:
                        over_cap.set()
                    proc.kill()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            done.set()
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = err_path.read_text(errors="replace").strip().splitlines()[-3:]
    return {
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        "exit": proc.returncode,
        "timed_out": proc.returncode == -9 and seconds >= timeout_s and not over_cap.is_set(),
        "over_memory_cap": over_cap.is_set(),
        "memory_cap_mb": memory_cap_mb,
        "stderr_tail": " / ".join(tail)[-400:],
        "load": load(),
    }


def import_plots(registry: str, source: Path, *, workdir: Path) -> dict[str, Any]:
    """``landreg import`` of the generated plots into ``registry`` (one transaction)."""
    return run_command(["import", str(source), "--registry", registry, "--quiet"], timeout_s=3600, workdir=workdir)


def generated_ids(registry: str) -> list[str]:
    """Ids of the live plots that have no derived attributes yet (the imported ones), page by page."""
    ids: list[str] = []
    with open_registry(registry) as reg:
        known = set(reg.load_enrichment()["plot_id"])
        after = None
        while True:
            page = reg.query_records(PlotQuery(limit=20_000, after_fid=after))
            ids += [r["plot_id"] for r in page.records if r["plot_id"] not in known]
            after = page.next_after_fid
            if after is None:
                return ids


def add_derived_attributes(registry: str, *, seed: int = 7) -> dict[str, Any]:
    """Derived attributes of the imported plots drawn from the demonstration plots' own (instead of enrichment)."""
    from bench.bench_stored_results import save_drawn_enrichment

    t0 = time.perf_counter()
    ids = generated_ids(registry)
    with open_registry(registry) as reg:
        demo = reg.load_enrichment()
        demo = demo[demo["access_status"].notna()].reset_index(drop=True)
        save_drawn_enrichment(reg, ids, demo=demo, rng=np.random.default_rng(seed))
    return {"seconds": time.perf_counter() - t0, "plots": len(ids), "load": load()}


def _boxes(n: int, *, count: int, seed: int = 42) -> list[tuple[float, float, float, float]]:
    minx, miny, maxx, maxy = plot_bounds(n)
    rng = np.random.default_rng(seed)
    xs = rng.uniform(minx, max(minx + 1, maxx - BOX_M), count)
    ys = rng.uniform(miny, max(miny + 1, maxy - BOX_M), count)
    return [(x, y, x + BOX_M, y + BOX_M) for x, y in zip(xs, ys, strict=True)]


def bbox_pages(registry: str, n: int, *, queries: int = 100) -> dict[str, Any]:
    """p50/p95 of a bbox page through the registry (2 km box, limit 100; no HTTP)."""
    times, found = [], []
    with open_registry(registry) as reg:
        boxes = _boxes(n, count=queries)
        reg.query_records(PlotQuery(bbox=boxes[0], limit=100))  # warm-up
        for box in boxes:
            t0 = time.perf_counter()
            page = reg.query_records(PlotQuery(bbox=box, limit=100))
            times.append(time.perf_counter() - t0)
            found.append(len(page.records))
    return {
        "p50_ms": quantile_ms(times, 0.5),
        "p95_ms": quantile_ms(times, 0.95),
        "plots_per_page": statistics.mean(found),
        "load": load(),
    }


def sample_tiles(n: int, z: int, *, count: int, seed: int = 3) -> list[tuple[int, int, int]]:
    """Up to ``count`` distinct (z, x, y) tiles around random points of the generated plots' grid."""
    import morecantile

    tms = morecantile.tms.get("WebMercatorQuad")
    minx, miny, maxx, maxy = plot_bounds(n)
    rng = np.random.default_rng(seed + z)
    xs, ys = rng.uniform(minx, maxx, count * 4), rng.uniform(miny, maxy, count * 4)
    lon, lat = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(xs, ys)
    tiles: list[tuple[int, int, int]] = []
    for a, b in zip(lon, lat, strict=True):
        t = tms.tile(float(a), float(b), z)
        if (t.z, t.x, t.y) not in tiles:
            tiles.append((t.z, t.x, t.y))
        if len(tiles) == count:
            break
    return tiles


def _grid_lonlat(n: int) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = plot_bounds(n)
    return Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform_bounds(minx, miny, maxx, maxy)


def _overlaps(tile: Any, lonlat: tuple[float, float, float, float]) -> bool:
    import morecantile

    b = morecantile.tms.get("WebMercatorQuad").bounds(tile.x, tile.y, tile.z)
    return b.left < lonlat[2] and b.right > lonlat[0] and b.bottom < lonlat[3] and b.top > lonlat[1]


def tile_times(registry: str, n: int, *, renders: int = 40) -> dict[str, Any]:
    """p50/p95 and mean size of ``landreg.tiles.render_tile`` (no cache) at each zoom, over tiles holding plots.

    Low zooms have few distinct tiles over the grid; they are rendered in turn until ``renders`` renders.
    """
    from landreg.tiles import render_tile

    try:
        from landreg.tiles.sample import tile_sample
    except ImportError:
        tile_sample = None
    out: dict[str, Any] = {
        "sampler": "landreg.tiles.sample.tile_sample over the generated grid" if tile_sample else "bench"
    }
    with open_registry(registry) as reg:
        for z in TILE_ZOOMS:
            chosen: list[tuple[int, int, int]] = []
            if tile_sample is not None:  # tiles over the registry's extent, kept where the generated plots are
                grid = _grid_lonlat(n)
                chosen = [(t.z, t.x, t.y) for t in tile_sample(reg, z, 20 * renders) if _overlaps(t, grid)][:renders]
            if not chosen:
                chosen = sample_tiles(n, z, count=renders)
            render_tile(reg, "plots", z=chosen[0][0], x=chosen[0][1], y=chosen[0][2])  # warm-up
            times, sizes = [], []
            for k in range(renders):
                tz, tx, ty = chosen[k % len(chosen)]
                t0 = time.perf_counter()
                body = render_tile(reg, "plots", z=tz, x=tx, y=ty)
                times.append(time.perf_counter() - t0)
                sizes.append(len(body))
            out[f"z{z}"] = {
                "p50_ms": quantile_ms(times, 0.5),
                "p95_ms": quantile_ms(times, 0.95),
                "tiles": len(chosen),
                "mean_kb": statistics.mean(sizes) / 1000,
                "empty": sum(1 for s in sizes if s == 0),
            }
    out["load"] = load()
    return out


#: Longest a ``landreg map plots`` run may take here (30× the issue's 10 s at 100,000 plots).
MAP_TIMEOUT_S = 300.0


def map_plots(registry: str, *, workdir: Path, limit: int | None = None) -> dict[str, Any]:
    """``landreg map plots`` (optionally ``--limit``): wall time, peak memory, exit status, page size.

    A run longer than :data:`MAP_TIMEOUT_S` is stopped (``timed_out``; its peak memory so far is kept).
    """
    out_html = workdir / "plots_map.html"
    out_html.unlink(missing_ok=True)
    args = ["map", "plots", "--registry", registry, "--layers", str(LAYERS), "-o", str(out_html), "--quiet"]
    if limit is not None:
        args += ["--limit", str(limit)]
    result = run_command(args, timeout_s=MAP_TIMEOUT_S, workdir=workdir)
    result["html_mb"] = out_html.stat().st_size / 1e6 if out_html.exists() else None
    result["limit"] = limit
    out_html.unlink(missing_ok=True)
    return result


def _copy_registry(path: str, workdir: Path, name: str) -> str:
    target = workdir / name
    shutil.copy(path, target)
    return str(target)


def score_both(registry: str, *, workdir: Path) -> dict[str, Any]:
    """``landreg score`` in one process and with ``--engine dask --workers 2``, each on its own copy; equal scores?"""
    import pandas as pd

    out: dict[str, Any] = {}
    tables = {}
    for engine in ("local", "dask"):
        copy = _copy_registry(registry, workdir, f"score_{engine}.gpkg")
        csv = workdir / f"scores_{engine}.csv"
        args = ["score", "--registry", copy, "--status", "all", "-o", str(csv), "--quiet", "--engine", engine]
        if engine == "dask":
            args += ["--workers", "2"]
        out[engine] = run_command(args, timeout_s=3600, workdir=workdir)
        if csv.exists():
            tables[engine] = pd.read_csv(csv, low_memory=False).sort_values("plot_id").reset_index(drop=True)
            csv.unlink()
        Path(copy).unlink()
    if len(tables) == 2:
        cols = [c for c in tables["local"].columns if c != "computed_at"]
        out["equal"] = bool(tables["local"][cols].equals(tables["dask"].reindex(columns=cols)))
    return out


def enrich_both(registry: str, *, workdir: Path) -> dict[str, Any]:
    """``landreg enrich --force`` in one process and with ``--engine dask --workers 2``; equal stored attributes?"""
    from bench.bench_dask import _stored

    out: dict[str, Any] = {}
    copies = {}
    for engine in ("local", "dask"):
        copies[engine] = _copy_registry(registry, workdir, f"enrich_{engine}.gpkg")
        args = ["enrich", "--registry", copies[engine], "--layers", str(LAYERS), "--force", "--quiet"]
        args += ["--engine", engine] + (["--workers", "2"] if engine == "dask" else [])
        out[engine] = run_command(args, timeout_s=3600, workdir=workdir)
    if all(r["exit"] == 0 for r in out.values()):
        out["equal"] = bool(_stored(Path(copies["local"])).equals(_stored(Path(copies["dask"]))))
    for copy in copies.values():
        Path(copy).unlink()
    return out


def supply_after_edit(registry: str) -> dict[str, Any]:
    """Supply (kept results) after one attribute edit and after one geometry edit (``bench_stored_results``)."""
    from bench.bench_stored_results import supply_after_edits

    r = supply_after_edits(registry, edits=3, from_scratch=False)
    return {
        "first_build_s": r["first_s"],
        "unchanged_s": r["unchanged_s"],
        "attribute_edit_s": statistics.median(r["attribute_edit_s"]),
        "geometry_edit_s": statistics.median(r["geometry_edit_s"]),
        "modes": sorted(set(r["modes"])),
        "load": load(),
    }


def edit_time(registry: str, n: int, *, edits: int = 30) -> dict[str, Any]:
    """One edit (a name change, its own transaction) through the registry: p50 and p95 of ``edits``."""
    times = []
    with open_registry(registry) as reg:
        page = reg.query_records(PlotQuery(bbox=_boxes(n, count=1, seed=9)[0], limit=edits))
        for rec in page.records:
            version = reg.get_plot(rec["plot_id"]).version
            t0 = time.perf_counter()
            reg.update_plot(rec["plot_id"], {"name": "Endret tomt"}, expected_version=version, actor="bench")
            times.append(time.perf_counter() - t0)
    return {"p50_ms": quantile_ms(times, 0.5), "p95_ms": quantile_ms(times, 0.95), "edits": len(times), "load": load()}
