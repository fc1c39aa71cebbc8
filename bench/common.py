"""Timing helpers and the results file."""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).with_name("results")
RESULTS_FILE = Path(__file__).with_name("RESULTS.md")


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by one call, and its result."""
    t0 = time.perf_counter()
    out = func()
    return time.perf_counter() - t0, out


def median_time(func: Callable[[], Any], *, repeat: int) -> float:
    """Median seconds over ``repeat`` calls."""
    return statistics.median(timed(func)[0] for _ in range(repeat))


def machine() -> str:
    """One line describing the machine the numbers come from."""
    import os

    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs"


def write_section(name: str, text: str) -> Path:
    """Store one benchmark's section and rebuild ``bench/RESULTS.md`` from all sections."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.md"
    path.write_text(text.rstrip() + "\n", encoding="utf-8")
    parts = [
        "# Benchmark results\n",
        "Written by `make bench`. Each benchmark measures landreg and its baseline in the same run on the "
        "same machine; the ratios are what to compare, absolute times on shared 2-core machines are noisy.\n",
    ]
    parts += [p.read_text(encoding="utf-8") for p in sorted(RESULTS_DIR.glob("*.md"))]
    RESULTS_FILE.write_text("\n".join(parts), encoding="utf-8")
    return path
