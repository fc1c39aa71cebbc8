"""Benchmark: peak memory of the service under 8 concurrent requests to every public map and analysis endpoint.

A registry of the demonstration data plus ``n`` generated non-overlapping plots (200,000 by
default) is served by a real uvicorn process; each endpoint gets 8 requests at once, endpoint
after endpoint. Measured: the server's peak resident memory (``VmHWM`` in
``/proc/<pid>/status``), every answer's status (200, 413 or 429 expected: a map or analysis
too large for one request is refused, a client's requests beyond its share wait), latency,
and whether the server still answers afterwards. The baseline is the same server's memory
right after start, before any request.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import machine, timed, write_section

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
#: Generated plots lie east of the demonstration plots (Meråker side), in rows of 60 m cells (EPSG:25832).
ORIGIN = (605_000.0, 6_990_000.0)
CONCURRENCY = 8
#: Peak resident memory the service must stay under (issue: "under 2 GB").
LIMIT_BYTES = 2 * 1024**3
EXPECTED = {200, 413, 429}


def endpoints(plot_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(method, path with query, JSON body) of every public map and analysis endpoint, and the bounded reads."""
    gets = [
        "/maps/overview",
        "/maps/plots",
        "/maps/plots?status=available&price_layers=false",
        "/maps/plots?municipality_no=5001&color_by=price",
        "/maps/scenario?name=torgard-terminal-built",
        "/maps/plots-tiled",
        "/analysis/scores",
        "/analysis/scores?f=geojson&limit=10000",
        f"/analysis/scores/{plot_id}",
        "/analysis/clusters",
        "/analysis/hotspots?k=50",
        "/analysis/supply",
        "/analysis/prices/summary",
        "/analysis/scenarios",
        "/analysis/scenarios/torgard-terminal-built",
        "/collections/plots/items?limit=100000",
        "/collections/plots/tiles/WebMercatorQuad/12/1116/2176",
    ]
    search = {"min_daa": 5, "zoning": ["industry"], "profile": "logistics", "limit": 20}
    return [("GET", path, None) for path in gets] + [("POST", "/analysis/search", search)]


def build_registry(path: Path, n: int, *, template: Path | None = None) -> Path:
    """A registry at ``path``: the demonstration registry (``template``, or built from the layers) plus ``n`` plots."""
    from landreg.registry import open_registry
    from landreg.testing import make_plot_frame

    if template is None:
        from landreg.layers.build import create_registry_from_layers

        template = create_registry_from_layers(path.with_name("template.gpkg"), layers_dir=LAYERS).path
    shutil.copy(template, path)
    with open_registry(path) as reg:
        for start in range(0, n, 50_000):  # in batches: the import's memory stays that of one batch
            size = min(50_000, n - start)
            frame = make_plot_frame(
                size,
                seed=start,
                origin=(ORIGIN[0], ORIGIN[1] + start // 500 * 60.0),
                cell_m=60.0,
                columns=500,
                prefix=f"B{start // 50_000}",
            )
            reg.add_plots(frame, actor="bench")
    return path


@dataclass
class MemoryRun:
    """What one run measured."""

    plots: int
    start_rss_bytes: int = 0
    peak_rss_bytes: int = 0
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    slowest_s: dict[str, float] = field(default_factory=dict)
    peak_after_bytes: dict[str, int] = field(default_factory=dict)
    alive_after: bool = False
    seconds: float = 0.0

    @property
    def unexpected(self) -> dict[str, dict[int, int]]:
        """Endpoints that answered with a status other than 200, 413 or 429."""
        return {k: v for k, v in self.statuses.items() if set(v) - EXPECTED}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _memory_bytes(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


def serve_and_load(
    registry: Path | str, *, plots: int, env: dict[str, str] | None = None, extra_gets: tuple[str, ...] = ()
) -> MemoryRun:
    """Serve ``registry`` with uvicorn, send 8 concurrent requests to each endpoint, measure the server's memory.

    ``registry`` is a GeoPackage or a ``postgresql://`` URL; ``extra_gets`` are more paths (with query) to GET.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LANDREG_API_REGISTRY": str(registry),
        "LANDREG_API_LAYERS_DIR": str(LAYERS),
        "LANDREG_API_LOG_REQUESTS": "false",
        **(env or {}),
    }
    cmd = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=server_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    run = MemoryRun(plots=plots)
    t0 = time.perf_counter()
    try:
        _wait_until_up(proc, url)
        run.start_rss_bytes = _memory_bytes(proc.pid, "VmRSS")
        with open_client() as client:
            first = client.get(f"{url}/collections/plots/items", params={"limit": 1}).json()["features"][0]["id"]
            for method, path, body in [*endpoints(first), *(("GET", extra, None) for extra in extra_gets)]:
                codes: dict[int, int] = {}

                def ask(_: int, method: str = method, path: str = path, body: Any = body) -> tuple[int, float]:
                    start = time.perf_counter()
                    r = client.request(method, f"{url}{path}", json=body)
                    return r.status_code, time.perf_counter() - start

                with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
                    answers = list(pool.map(ask, range(CONCURRENCY)))
                for status, _ in answers:
                    codes[status] = codes.get(status, 0) + 1
                run.statuses[f"{method} {path}"] = codes
                run.slowest_s[f"{method} {path}"] = max(s for _, s in answers)
                run.peak_after_bytes[f"{method} {path}"] = _memory_bytes(proc.pid, "VmHWM")
            run.alive_after = proc.poll() is None and client.get(f"{url}/conformance").status_code == 200
        run.peak_rss_bytes = _memory_bytes(proc.pid, "VmHWM")
    finally:
        run.seconds = time.perf_counter() - t0
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    return run


def open_client() -> httpx.Client:
    """A client that waits long enough for the slowest bounded answer."""
    return httpx.Client(timeout=httpx.Timeout(300.0), limits=httpx.Limits(max_connections=CONCURRENCY * 2))


def _wait_until_up(proc: subprocess.Popen[str], url: str) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the service exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(url + "/conformance", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the service did not start within 120 s")


def run(n: int = 200_000, *, workdir: Path | None = None) -> dict[str, Any]:
    """Build the registry, serve and load it; the measurements as a dict."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        build_s, path = timed(lambda: build_registry(Path(tmp) / "memory.gpkg", n))
        result = serve_and_load(path, plots=n)
    return {"n": n, "build_s": build_s, "run": result}


def _report(result: dict[str, Any]) -> str:
    run: MemoryRun = result["run"]
    mb = 1024**2
    rows = "\n".join(
        f"| `{name}` | {', '.join(f'{k}×{v}' for k, v in sorted(codes.items()))} | {run.slowest_s[name]:.2f} "
        f"| {run.peak_after_bytes[name] / mb:,.0f} |"
        for name, codes in run.statuses.items()
    )
    met = run.peak_rss_bytes < LIMIT_BYTES and not run.unexpected and run.alive_after
    text = f"""## Service memory under load ({result["n"]:,} generated plots + the demonstration registry)

{CONCURRENCY} concurrent requests to each public map and analysis endpoint (and the bounded reads), one endpoint
after another, against `uvicorn api.main:create_app` with the default limits. Registry built in
{result["build_s"]:.0f} s; load run {run.seconds:.0f} s. Machine: {machine()}.

| measure | value | target | met |
|---|---|---|---|
| server memory after start (VmRSS) | {run.start_rss_bytes / mb:,.0f} MB | – | – |
| **peak server memory (VmHWM)** | **{run.peak_rss_bytes / mb:,.0f} MB** | < {LIMIT_BYTES / mb:,.0f} MB | {"yes" if run.peak_rss_bytes < LIMIT_BYTES else "NO"} |
| answers other than 200, 413, 429 | {sum(sum(v.values()) for v in run.unexpected.values())} | 0 | {"yes" if not run.unexpected else "NO"} |
| server answers afterwards | {"yes" if run.alive_after else "no"} | yes | {"yes" if run.alive_after else "NO"} |

All targets met: {"yes" if met else "NO"}.

| endpoint | statuses (× count) | slowest answer (s) | peak memory so far (MB) |
|---|---|---|---|
{rows}
"""
    write_section("60_memory", text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="generated plots (default 200,000)")
    args = parser.parse_args()
    print(_report(run(args.n)))


if __name__ == "__main__":
    main()
