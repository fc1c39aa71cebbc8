"""``python -m bench`` (``make bench``): run every benchmark and rewrite bench/RESULTS.md."""

from __future__ import annotations

from bench import (
    bench_api,
    bench_calibration,
    bench_dask,
    bench_enrich,
    bench_history,
    bench_maps,
    bench_memory,
    bench_postgis,
    bench_registry,
    bench_scale,
    bench_scoring,
    bench_stored_results,
    bench_tiles,
)


def main() -> None:
    for module in (
        bench_registry,
        bench_history,
        bench_postgis,
        bench_enrich,
        bench_dask,
        bench_calibration,
        bench_scoring,
        bench_stored_results,
        bench_api,
        bench_maps,
        bench_tiles,
        bench_memory,
        bench_scale,
    ):
        print(f"running {module.__name__} …", flush=True)
        print(module._report(module.run()))


if __name__ == "__main__":
    main()
