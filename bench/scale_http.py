"""The HTTP steps of the scale benchmark: reads while an editor PATCHes, server memory under concurrent requests."""

from __future__ import annotations

import concurrent.futures as cf
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from pyproj import Transformer

from bench.bench_postgis import _free_port, _start, _stop
from bench.scale_ops import _CLI, LAYERS, _boxes, load, quantile_ms, sample_tiles
from landreg import open_registry
from landreg.registry.query import PlotQuery


def _serve(registry: str, workdir: Path) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANDREG_", "DATABASE_URL"))}
    port = _free_port()
    cmd = [sys.executable, "-c", _CLI, "serve", "--registry", registry, "--layers", str(LAYERS)]
    proc = _start(
        [*cmd, "--host", "127.0.0.1", "--port", str(port)],
        env={**env, "LANDREG_API_LOG_REQUESTS": "false"},
        probe=f"http://127.0.0.1:{port}/conformance",
        log=workdir / "serve.log",
    )
    return proc, f"http://127.0.0.1:{port}"


def _read_loop(client: httpx.Client, url: str, boxes: list[str], *, seconds: float) -> list[float]:
    times: list[float] = []
    end = time.monotonic() + seconds
    k = 0
    while time.monotonic() < end:
        t0 = time.perf_counter()
        r = client.get(f"{url}/collections/plots/items", params={"bbox": boxes[k % len(boxes)], "limit": "100"})
        times.append(time.perf_counter() - t0)
        r.raise_for_status()
        k += 1
    return times


def reads_during_edits(registry: str, n: int, *, workdir: Path, seconds: float = 20.0) -> dict[str, Any]:
    """bbox pages over HTTP alone, then while an editor PATCHes plots (every other one moved: re-enrichment).

    One ``landreg serve`` worker; the reader and the editor are each sequential clients.
    """
    import shapely

    to_lonlat = Transformer.from_crs("EPSG:25832", "OGC:CRS84", always_xy=True)
    boxes = [",".join(f"{v:.6f}" for v in to_lonlat.transform_bounds(*b)) for b in _boxes(n, count=200, seed=11)]
    with open_registry(registry) as reg:
        token = reg.create_token(name="bench-editor", role="admin")
        page = reg.query_records(PlotQuery(bbox=_boxes(n, count=1, seed=13)[0], limit=2000))
        targets = list(zip([r["plot_id"] for r in page.records], page.geometries, strict=True))
    proc, url = _serve(registry, workdir)
    try:
        with httpx.Client(timeout=120) as client:
            _read_loop(client, url, boxes, seconds=2.0)  # warm-up
            quiet = _read_loop(client, url, boxes, seconds=seconds)
        edit_times: list[float] = []
        failures: list[int] = []
        stop = threading.Event()

        def editor() -> None:
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/25832>",
            }
            with httpx.Client(timeout=120) as c:
                for k, (pid, geom) in enumerate(targets):
                    if stop.is_set():
                        return
                    body: dict[str, Any] = {"type": "Feature", "properties": {"name": f"Endret {k}"}}
                    if k % 2:
                        body["geometry"] = shapely.geometry.mapping(shapely.affinity.translate(geom, xoff=1.0))
                    t0 = time.perf_counter()
                    r = c.patch(f"{url}/collections/plots/items/{pid}", json=body, headers=headers)
                    edit_times.append(time.perf_counter() - t0)
                    if r.status_code != 200:
                        failures.append(r.status_code)

        with cf.ThreadPoolExecutor(1) as pool, httpx.Client(timeout=120) as client:
            job = pool.submit(editor)
            busy = _read_loop(client, url, boxes, seconds=seconds)
            stop.set()
            job.result()
    finally:
        _stop(proc)
    return {
        "quiet_p50_ms": quantile_ms(quiet, 0.5),
        "quiet_p99_ms": quantile_ms(quiet, 0.99),
        "busy_p50_ms": quantile_ms(busy, 0.5),
        "busy_p99_ms": quantile_ms(busy, 0.99),
        "busy_max_ms": max(busy) * 1000,
        "reads": len(busy),
        "patches": len(edit_times),
        "patch_p50_ms": quantile_ms(edit_times, 0.5) if edit_times else None,
        "patch_failures": failures[:5],
        "load": load(),
    }


def server_memory(registry: str, n: int) -> dict[str, Any]:
    """Peak server memory during 8 concurrent requests to each map, tile and analysis endpoint (``bench_memory``)."""
    from bench.bench_memory import serve_and_load

    tiles = [t for z in (10, 13, 16) for t in sample_tiles(n, z, count=1)]
    paths = tuple(f"/collections/plots/tiles/WebMercatorQuad/{z}/{y}/{x}" for z, x, y in tiles)
    run = serve_and_load(registry, plots=n, extra_gets=paths)
    unexpected = {  # an empty tile (the fixed one of bench_memory may hold no generated plot) answers 204
        k: {str(s): c for s, c in v.items()}
        for k, v in run.statuses.items()
        if set(v) - {200, 413, 429, *((204,) if "/tiles/" in k else ())}
    }
    return {
        "start_mb": run.start_rss_bytes / 2**20,
        "peak_mb": run.peak_rss_bytes / 2**20,
        "statuses": {k: {str(s): c for s, c in v.items()} for k, v in run.statuses.items()},
        "unexpected": unexpected,
        "alive_after": run.alive_after,
        "slowest_s": max(run.slowest_s.values()),
        "seconds": run.seconds,
        "load": load(),
    }
