"""Service benchmark: random 2 km bbox item pages on 100,000 plots, landreg against pygeoapi.

Each serves the data layout it is built for: landreg its registry (uvicorn,
2 workers); pygeoapi, through its OGR provider as deployed (gunicorn, 2
workers), a plain GeoPackage of the same live plots as ``landreg export``
writes it (one feature table with an R-tree, no history).  Load comes from
``wrk`` (8 connections, 20 s) over the same random bboxes; sequential
latency from one httpx client, the two servers asked in turns.  pygeoapi and the GDAL
Python bindings live in a separate virtual environment under
``bench/_work`` (created on first run; needs ``libgdal-dev``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from pyproj import Transformer

from api.settings import ApiSettings
from bench.common import machine, timed, write_section
from landreg import open_registry
from landreg.testing import make_plot_frame
from tests.api.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work"
PG_VENV = WORK / "pygeoapi-venv"
ORIGIN = (520_000.0, 6_950_000.0)
CELL_M = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def ensure_pygeoapi() -> Path:
    """The pygeoapi virtual environment (pygeoapi, gunicorn, GDAL bindings matching libgdal)."""
    python = PG_VENV / "bin" / "python"
    if python.exists():
        return python
    if shutil.which("gdal-config") is None:
        if os.geteuid() != 0:
            raise RuntimeError("pygeoapi's OGR provider needs libgdal-dev (apt-get install libgdal-dev)")
        subprocess.run(["apt-get", "install", "-y", "-qq", "libgdal-dev"], check=True)
    version = subprocess.run(["gdal-config", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "venv", str(PG_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "pygeoapi", "gunicorn", f"GDAL=={version}"], check=True)
    return python


def _pygeoapi_config(path: Path, gpkg: Path, port: int, bounds: list[float]) -> Path:
    text = f"""
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: en-US
  cors: false
  pretty_print: false
  limits: {{default_items: 100, max_items: 1000}}
  map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: "OSM"}}
logging: {{level: ERROR}}
metadata:
  identification:
    title: bench
    description: bench
    keywords: [bench]
    keywords_type: theme
    terms_of_service: https://example.org
    url: https://example.org
  license: {{name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}}
  provider: {{name: bench, url: "https://example.org"}}
  contact: {{name: bench}}
resources:
  plots:
    type: collection
    title: plots
    description: plots
    keywords: [plots]
    extents:
      spatial:
        bbox: {bounds}
        crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84
    providers:
      - type: feature
        name: OGR
        data:
          source_type: GPKG
          source: {gpkg}
          source_capabilities: {{paging: true}}
        id_field: plot_id
        layer: plots
        storage_crs: http://www.opengis.net/def/crs/EPSG/0/25832
        crs:
          - http://www.opengis.net/def/crs/OGC/1.3/CRS84
          - http://www.opengis.net/def/crs/EPSG/0/25832
"""
    path.write_text(text, encoding="utf-8")
    return path


def _wrk(urls: list[str], *, base: str, seconds: int, connections: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        script = Path(tmp) / "bbox.lua"
        script.write_text(
            f'local paths = {{}}\nfor line in io.lines("{tmp}/urls.txt") do paths[#paths + 1] = line end\n'
            "local i = 0\nrequest = function()\n  i = (i % #paths) + 1\n"
            '  return wrk.format("GET", paths[i])\nend\n',
            encoding="utf-8",
        )
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rps": rps,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "p50_ms": float(p50.group(1)) * scale[p50.group(2)] if p50 else float("nan"),
    }


def _sequential_in_turns(bases: list[str], urls: list[str], n: int) -> list[tuple[float, list[int]]]:
    """Median latency (ms) and features per page of each server, asked the same URL one after another."""
    times: list[list[float]] = [[] for _ in bases]
    matched: list[list[int]] = [[] for _ in bases]
    with httpx.Client(timeout=30) as client:
        for u in urls[:n]:
            for i, base in enumerate(bases):
                t, r = timed(lambda u=u, base=base: client.get(base + u))
                assert r.status_code == 200, r.text[:300]
                times[i].append(t)
                matched[i].append(len(r.json()["features"]))
    return [(statistics.median(t) * 1000, m) for t, m in zip(times, matched, strict=True)]


def write_plain_geopackage(registry_path: Path, out: Path) -> int:
    """The registry's live plots as a plain GeoPackage (``landreg export`` streamed), for a baseline server."""
    from landreg.io.stream import iter_plot_pages, stream_plots

    with open_registry(registry_path) as reg:
        return stream_plots(iter_plot_pages(reg), out, fmt="gpkg", layer="plots")


def _page_all(base: str, limit: int) -> tuple[float, int]:
    seen = 0
    url = f"{base}/collections/plots/items?limit={limit}"
    t0 = time.perf_counter()
    with httpx.Client(timeout=120) as client:
        while url:
            body = client.get(url).json()
            seen += len(body["features"])
            url = next((lk["href"] for lk in body.get("links", []) if lk["rel"] == "next"), None)
    return time.perf_counter() - t0, seen


def run(n: int = 100_000, *, seconds: int = 20, connections: int = 8, write: bool = True) -> dict[str, float]:
    """Run the benchmark; returns its figures (and writes its RESULTS.md section when ``write``)."""
    pg_python = ensure_pygeoapi()
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        gpkg = Path(tmp) / "plots.gpkg"
        with open_registry(gpkg, create=True) as reg:
            frame = make_plot_frame(n, seed=7, origin=ORIGIN, cell_m=CELL_M, prefix="B")
            reg.add_plots(frame, actor="bench")
        plain = Path(tmp) / "plain.gpkg"
        write_plain_geopackage(gpkg, plain)
        minx, miny, maxx, maxy = frame.total_bounds
        to84 = Transformer.from_crs(25832, "OGC:CRS84", always_xy=True)
        rng = np.random.default_rng(3)
        urls = []
        for x, y in zip(rng.uniform(minx, maxx - 2000, 400), rng.uniform(miny, maxy - 2000, 400), strict=True):
            x0, y0 = to84.transform(x, y)
            x1, y1 = to84.transform(x + 2000, y + 2000)
            urls.append(f"/collections/plots/items?bbox={x0:.6f},{y0:.6f},{x1:.6f},{y1:.6f}&limit=100&f=json")
        lon0, lat0 = to84.transform(minx, miny)
        lon1, lat1 = to84.transform(maxx, maxy)

        pg_port = _free_port()
        settings = ApiSettings(registry=gpkg, layers_dir=ROOT / "layers", log_requests=False)
        landreg = LiveServer(settings, workers=2)  # the service as the tests start it, with 2 workers
        cfg = _pygeoapi_config(Path(tmp) / "pygeoapi.yml", plain, pg_port, [lon0, lat0, lon1, lat1])
        openapi = Path(tmp) / "openapi.yml"
        pg_bin = pg_python.parent
        subprocess.run(
            [str(pg_bin / "pygeoapi"), "openapi", "generate", str(cfg), "--output-file", str(openapi)],
            check=True,
            capture_output=True,
            env={**os.environ, "PYGEOAPI_CONFIG": str(cfg)},
        )
        pg_env = {**os.environ, "PYGEOAPI_CONFIG": str(cfg), "PYGEOAPI_OPENAPI": str(openapi)}
        pygeoapi = subprocess.Popen(
            [
                str(pg_bin / "gunicorn"),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{pg_port}",
                "--log-level",
                "error",
                "pygeoapi.flask_app:APP",
            ],
            env=pg_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        lr_base, pg_base = landreg.url, f"http://127.0.0.1:{pg_port}"
        landreg.__enter__()  # waits until it answers
        try:
            _wait(pg_base + "/conformance", pygeoapi)
            (lr_p50, lr_counts), (pg_p50, pg_counts) = _sequential_in_turns([lr_base, pg_base], urls, 200)
            lr_load = _wrk(urls, base=lr_base, seconds=seconds, connections=connections)
            pg_load = _wrk(urls, base=pg_base, seconds=seconds, connections=connections)
            page_s, page_seen = _page_all(lr_base, 1000)
        finally:
            landreg.__exit__()
            pygeoapi.send_signal(signal.SIGTERM)
            try:
                pygeoapi.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pygeoapi.kill()
    figures = {
        "load_avg": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
        "n": n,
        "seconds": seconds,
        "connections": connections,
        "lr_rps": lr_load["rps"],
        "pg_rps": pg_load["rps"],
        "ratio": lr_load["rps"] / pg_load["rps"],
        "lr_non2xx": lr_load["non2xx"],
        "pg_non2xx": pg_load["non2xx"],
        "lr_p50_ms": lr_p50,
        "pg_p50_ms": pg_p50,
        "lr_load_p50_ms": lr_load["p50_ms"],
        "pg_load_p50_ms": pg_load["p50_ms"],
        "features_per_page": statistics.median(lr_counts),
        "pg_features_per_page": statistics.median(pg_counts),
        "page_all_s": page_s,
        "page_all_seen": page_seen,
    }
    if write:
        write_section("40_api", _report(figures))
    return figures


def _report(f: dict[str, float]) -> str:
    ok_ratio = "yes" if f["ratio"] >= 2 else "NO"
    ok_p50 = "yes" if f["lr_p50_ms"] < 10 else "NO"
    return f"""## Service: bbox item pages, landreg vs pygeoapi ({f["n"]:,} generated plots, each on its own layout)

Machine: {machine()}

Random 2 km × 2 km bboxes (CRS84), `limit=100`; landreg = uvicorn, 2 workers, on its registry; pygeoapi =
gunicorn, 2 workers, OGR provider with paging, on a plain GeoPackage of the same live plots (the registry's
streamed export: one feature table with an R-tree, the layout pygeoapi's OGR provider is built for). Load: `wrk`
with {f["connections"]} connections for {f["seconds"]} s, one server after the other (client on the same 2 cores);
sequential latency with both servers asked each URL in turns. Load average (1, 5, 15 min) at the end of the run: {f.get("load_avg", "–")}.

| measure | landreg | pygeoapi | target | met |
|---|---|---|---|---|
| requests/s at concurrency {f["connections"]} | **{f["lr_rps"]:.0f}** | {f["pg_rps"]:.0f} | landreg ≥ 2× | {ok_ratio} ({f["ratio"]:.1f}×) |
| non-2xx responses under load | {f["lr_non2xx"]} | {f["pg_non2xx"]} | 0 | |
| median latency under load | {f["lr_load_p50_ms"]:.1f} ms | {f["pg_load_p50_ms"]:.1f} ms | | |
| sequential p50 latency (200 requests) | **{f["lr_p50_ms"]:.1f} ms** | {f["pg_p50_ms"]:.1f} ms | landreg < 10 ms | {ok_p50} |
| features per page (median) | {f["features_per_page"]:.0f} | {f["pg_features_per_page"]:.0f} | | |
| page through all plots with `next` (limit 1000) | {f["page_all_s"]:.1f} s, {f["page_all_seen"]:,} plots | | | |
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    print(_report(run(args.n, seconds=args.seconds)))


if __name__ == "__main__":
    main()
