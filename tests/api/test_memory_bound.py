"""The service's memory stays bounded under 8 concurrent requests to every public map and analysis endpoint.

20,000 generated plots on top of the demonstration registry, served by a real uvicorn process
with the default limits. The same measurement at 200,000 plots is a benchmark
(``python -m bench.bench_memory``, in ``make bench``; results in ``bench/RESULTS.md``).
"""

from __future__ import annotations

import pytest

from bench.bench_memory import CONCURRENCY, EXPECTED, LIMIT_BYTES, build_registry, endpoints, serve_and_load


@pytest.mark.slow
def test_every_public_map_and_analysis_under_load_stays_under_2_gb(demo_registry_file, tmp_path):
    path = build_registry(tmp_path / "memory.gpkg", 20_000, template=demo_registry_file)
    run = serve_and_load(path, plots=20_000)
    assert run.alive_after
    assert not run.unexpected, run.unexpected  # every answer a 200, 413 (too large) or 429 (too many at once)
    assert len(run.statuses) == len(endpoints("any"))
    assert all(sum(codes.values()) == CONCURRENCY for codes in run.statuses.values())
    seen = {status for codes in run.statuses.values() for status in codes}
    assert seen == EXPECTED  # the limits were reached: some refused as too large, some as too many
    assert run.peak_rss_bytes < LIMIT_BYTES, f"peak {run.peak_rss_bytes / 2**20:.0f} MB"
