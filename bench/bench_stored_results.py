"""Stored analysis results: effective supply after one edit, and peak memory of ``landreg score``.

On the demonstration registry plus ``n`` generated non-overlapping plots (whose derived attributes
are drawn from the demonstration plots' own, so every criterion, firm and business area is real
data of the demo), measured in one run:

* the supply answer computed from scratch (every live plot read, scored and blocked: what
  ``/analysis/supply`` did on every cache miss) against the stored results: the first call (a full
  build), then after one attribute edit and after one geometry edit (only the changed plots rescored
  and their neighbourhood re-blocked);
* the peak resident memory (the kernel's high-water mark, ``ru_maxrss`` = ``VmHWM`` at exit) of
  ``landreg score -o scores.csv`` in a child process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import machine, write_section

DEFAULT_PAGE = 20_000  # landreg.results.chunked.DEFAULT_PAGE_SIZE
LAYERS = Path(__file__).resolve().parents[1] / "layers"
ORIGIN = (605_000.0, 6_990_000.0)  # east of the demonstration plots (as bench_memory)


def build_registry(path: Path, n: int, *, template: Path | None = None, seed: int = 7) -> Path:
    """The demonstration registry plus ``n`` generated plots with derived attributes drawn from the demo's."""
    from landreg.registry import open_registry
    from landreg.testing import make_plot_frame

    if template is None:
        from landreg.layers.build import create_registry_from_layers

        template = create_registry_from_layers(path.with_name("template.gpkg"), layers_dir=LAYERS).path
    shutil.copy(template, path)
    rng = np.random.default_rng(seed)
    with open_registry(path) as reg:
        demo = reg.load_enrichment()
        demo = demo[demo["access_status"].notna()].reset_index(drop=True)
        for start in range(0, n, 50_000):
            size = min(50_000, n - start)
            frame = make_plot_frame(
                size,
                seed=start,
                origin=(ORIGIN[0], ORIGIN[1] + start // 500 * 60.0),
                cell_m=60.0,
                columns=500,
                prefix=f"G{start // 50_000}",
                municipality_no=None,
            )
            ids = reg.add_plots(frame, actor="bench")
            save_drawn_enrichment(reg, ids, demo=demo, rng=rng)
    return path


def save_drawn_enrichment(reg: Any, ids: list[str], *, demo: Any, rng: np.random.Generator) -> None:
    """Store derived attributes for plots ``ids`` (version 1), each drawn from a row of ``demo``'s enrichment."""
    derived = demo.iloc[rng.integers(0, len(demo), len(ids))].reset_index(drop=True)
    derived = derived.drop(columns=["computed_at"])
    derived["plot_id"], derived["plot_version"] = ids, 1
    for part in range(0, len(derived), 10_000):
        reg.save_enrichment(derived.iloc[part : part + 10_000])


def _from_scratch(reg: Any) -> Any:
    """Supply as computed on every request before the results were kept."""
    from landreg.analysis import build_registry_scoring_context, load_enriched_plots
    from landreg.scoring import score_plots
    from landreg.supply import effective_supply

    plots = load_enriched_plots(reg)
    context = build_registry_scoring_context(reg, profile="general", plots=plots)
    return effective_supply(plots, scores=score_plots(plots, profile="general", context=context))


def supply_after_edits(path: Path | str, *, edits: int = 5, from_scratch: bool = True) -> dict[str, Any]:
    """Seconds: supply from scratch, first stored call, unchanged call, after attribute and geometry edits.

    ``path`` is a GeoPackage or a ``postgresql://`` URL; without ``from_scratch`` the computations from
    scratch (every plot in memory at once) and the equality check are left out (``equal`` is None).
    """
    import shapely

    from landreg.analysis import compute_registry_supply
    from landreg.registry import open_registry
    from landreg.results import refresh_results

    out: dict[str, Any] = {}
    with open_registry(path) as reg:
        if from_scratch:
            t0 = time.perf_counter()
            fresh = _from_scratch(reg)
            out["scratch_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        first = compute_registry_supply(reg, with_plots=False)
        out["first_s"] = time.perf_counter() - t0
        if from_scratch:
            assert (
                abs(first.region["effective_daa"] - fresh.region["effective_daa"]) < 1e-6 * fresh.region["supply_daa"]
            )
        t0 = time.perf_counter()
        compute_registry_supply(reg, with_plots=False)
        out["unchanged_s"] = time.perf_counter() - t0
        offset = 1000 if reg.count_plots() > 4000 else 0  # past the demonstration plots when there are many
        candidates = reg.query_plots(status=("available",), limit=200, offset=offset)
        candidates = candidates[candidates["occupants"].map(lambda o: not o)]
        attr, geom, modes = [], [], []
        for k in range(edits):
            row = candidates.iloc[k]
            reg.update_plot(row["plot_id"], {"status": "reserved"}, expected_version=int(row["version"]), actor="b")
            t0 = time.perf_counter()
            compute_registry_supply(reg, with_plots=False)
            attr.append(time.perf_counter() - t0)
            row = candidates.iloc[edits + k]
            moved = shapely.affinity.translate(row.geometry, xoff=2.0)
            reg.update_plot(
                row["plot_id"], {"geometry": moved}, expected_version=int(row["version"]), actor="b", crs="EPSG:25832"
            )
            t0 = time.perf_counter()
            modes.append(refresh_results(reg)["mode"])
            compute_registry_supply(reg, with_plots=False)
            geom.append(time.perf_counter() - t0)
        out["attribute_edit_s"], out["geometry_edit_s"], out["modes"] = attr, geom, modes
        if not from_scratch:
            out["equal"] = None
            return out
        t0 = time.perf_counter()
        after = _from_scratch(reg)
        stored = compute_registry_supply(reg, with_plots=False)
        out["check_s"] = time.perf_counter() - t0
        out["equal"] = bool(
            abs(after.region["effective_daa"] - stored.region["effective_daa"]) < 1e-9 * after.region["supply_daa"]
        )
    return out


def score_peak_rss(path: Path, workdir: Path, *, code_dir: Path | None = None) -> tuple[float, int]:
    """Seconds and peak resident bytes of ``landreg score -o scores.csv`` in a child process.

    ``code_dir`` runs another landreg (e.g. an export of an earlier commit) with the same environment.
    """
    env = dict(os.environ)
    if code_dir is not None:
        env["PYTHONPATH"] = str(code_dir)
    main = "import sys; from landreg.cli import main; sys.argv[0] = 'landreg'; sys.exit(main())"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", main, "score", "--registry", str(path), "-o", str(workdir / "scores.csv")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        raise RuntimeError(f"landreg score exited with status {status}")
    return seconds, int(usage.ru_maxrss) * 1024


_STEP = """
import sys, time
from landreg.registry import open_registry
import landreg.analysis, landreg.results

def memory_mb():
    with open("/proc/self/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmHWM"].split()[0]) // 1024

reg = open_registry(sys.argv[1])
reg.count_plots()
base = memory_mb()
t = time.perf_counter()
statuses = ["available", "planned", "locked"]
if sys.argv[2] == "whole":
    from landreg.analysis import build_registry_scoring_context, load_enriched_plots
    from landreg.scoring import score_plots
    plots = load_enriched_plots(reg)
    context = build_registry_scoring_context(reg, profile="general", plots=plots)
    result = score_plots(plots[plots["status"].isin(statuses)], profile="general", context=context)
else:
    from landreg.results import score_registry_in_pages
    result = score_registry_in_pages(reg, profile="general", statuses=statuses)
print(time.perf_counter() - t, base, memory_mb())
"""


_SUPPLY_STEP = """
import sys, time
from landreg.registry import open_registry
import landreg.analysis, landreg.results

def memory_mb():
    with open("/proc/self/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmHWM"].split()[0]) // 1024

reg = open_registry(sys.argv[1])
reg.count_plots()
base = memory_mb()
t = time.perf_counter()
if sys.argv[2] == "scratch":
    from landreg.analysis import build_registry_scoring_context, load_enriched_plots
    from landreg.scoring import score_plots
    from landreg.supply import effective_supply
    plots = load_enriched_plots(reg)
    context = build_registry_scoring_context(reg, profile="logistics", plots=plots)
    effective_supply(plots, scores=score_plots(plots, profile="logistics", context=context))
else:
    from landreg.results import refresh_results
    assert refresh_results(reg, profile="logistics")["mode"] == "full"
print(time.perf_counter() - t, base, memory_mb())
"""


def supply_build_peak(path: Path, mode: str) -> tuple[float, int, int]:
    """Seconds, resident MB before and peak MB of supply from scratch (``scratch``) or a full build of the
    kept results (``full``) of a profile not kept yet, in a child process on a copy of ``path``."""
    copy = path.with_name(f"supply_{mode}.gpkg")
    shutil.copy(path, copy)
    try:
        out = subprocess.run(
            [sys.executable, "-c", _SUPPLY_STEP, str(copy), mode], capture_output=True, text=True, check=True
        ).stdout.split()
    finally:
        copy.unlink()
    return float(out[0]), int(out[1]), int(out[2])


def scoring_step_peak(path: Path, mode: str) -> tuple[float, int, int]:
    """Seconds, resident MB before and peak MB of the scoring step alone (``whole`` or ``pages``), in a child."""
    out = subprocess.run(
        [sys.executable, "-c", _STEP, str(path), mode], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def run(
    n: int = 100_000,
    *,
    workdir: Path | None = None,
    memory: bool = True,
    template: Path | None = None,
    before_code: Path | None = None,
) -> dict[str, Any]:
    """Build a registry of the demo (``template``, or built from the layers) plus ``n`` plots and measure it.

    ``before_code``: a directory holding an earlier ``landreg`` package (``git archive <commit> landreg``)
    whose ``landreg score`` is measured on the same registry too.
    """
    workdir = workdir or Path(tempfile.mkdtemp(prefix="landreg-bench-stored-"))
    path = build_registry(workdir / f"registry_{n}.gpkg", n, template=template)
    result: dict[str, Any] = {"n": n, **supply_after_edits(path)}
    if memory:
        result["score_s"], result["score_peak_bytes"] = score_peak_rss(path, workdir)
        for mode in ("whole", "pages"):
            result[f"step_{mode}"] = scoring_step_peak(path, mode)
        for mode in ("scratch", "full"):
            result[f"supply_{mode}"] = supply_build_peak(path, mode)
        if before_code is not None:
            result["before_score_s"], result["before_score_peak_bytes"] = score_peak_rss(
                path, workdir, code_dir=before_code
            )
    return result


def _report(result: dict[str, Any]) -> str:
    mb = 1024 * 1024
    med = statistics.median
    lines = [
        "## Stored analysis results: supply after an edit, memory of `landreg score`",
        "",
        f"{machine()}. Demonstration registry plus {result['n']:,} generated plots (derived attributes drawn "
        "from the demo plots'). Supply of the `general` profile; an edit is followed by one supply call.",
        "",
        "| what | seconds |",
        "|---|---:|",
        f"| supply from scratch (every live plot read, scored, blocked: each request before) | {result['scratch_s']:.2f} |",
        f"| first supply call with stored results (full build, written to the registry) | {result['first_s']:.2f} |",
        f"| supply, registry unchanged | {result['unchanged_s']:.3f} |",
        f"| **supply after one attribute edit** (median of {len(result['attribute_edit_s'])}, max) | "
        f"**{med(result['attribute_edit_s']):.3f}**, {max(result['attribute_edit_s']):.3f} |",
        f"| supply after one geometry edit (median, max) | {med(result['geometry_edit_s']):.3f}, "
        f"{max(result['geometry_edit_s']):.3f} |",
        "",
        f"Target: supply after an edit < 0.2 s. Stored results equal a computation from scratch after the edits: "
        f"{'yes' if result['equal'] else 'NO'} (refresh modes: {', '.join(sorted(set(result['modes'])))}).",
    ]
    if "score_peak_bytes" in result:
        lines += [
            "",
            f"`landreg score -o scores.csv` at {result['n'] + 554:,} live plots, peak resident memory of the process "
            "(`ru_maxrss`, the kernel's VmHWM at exit):",
            "",
            "| landreg score | seconds | peak memory |",
            "|---|---:|---:|",
        ]
        if "before_score_peak_bytes" in result:
            lines.append(
                f"| before: whole registry read and scored at once | {result['before_score_s']:.1f} | "
                f"{result['before_score_peak_bytes'] / mb:,.0f} MB |"
            )
        lines.append(
            f"| now: read and scored {DEFAULT_PAGE:,} plots at a time | {result['score_s']:.1f} | "
            f"**{result['score_peak_bytes'] / mb:,.0f} MB** |"
        )
        whole, pages = result["step_whole"], result["step_pages"]
        lines += [
            "",
            "The scoring step alone (registry open, then score the available, planned and locked plots; peak "
            "resident memory of the process, the part above the open registry in brackets):",
            "",
            "| scoring step | seconds | peak memory |",
            "|---|---:|---:|",
            f"| whole registry at once (enriched frame, context, score) | {whole[0]:.1f} | {whole[2]:,} MB "
            f"(+{whole[2] - whole[1]:,}) |",
            f"| a page of {DEFAULT_PAGE:,} plots at a time, two passes | {pages[0]:.1f} | **{pages[2]:,} MB** "
            f"(+{pages[2] - pages[1]:,}) |",
            "",
            "Peak memory of computing supply over every plot (the part above the open registry in brackets):",
            "",
            "| supply over every plot | seconds | peak memory |",
            "|---|---:|---:|",
            f"| from scratch, as each request did before | {result['supply_scratch'][0]:.1f} | "
            f"{result['supply_scratch'][2]:,} MB (+{result['supply_scratch'][2] - result['supply_scratch'][1]:,}) |",
            f"| full build of the kept results (first call, or after an edit of a plot with firms) | "
            f"{result['supply_full'][0]:.1f} | **{result['supply_full'][2]:,} MB** "
            f"(+{result['supply_full'][2] - result['supply_full'][1]:,}) |",
            "",
            "Of the command's peak, the synthetic-data notice (`registry_synthetic_summary` reads every live plot "
            "and enrichment row) and writing the table take the larger part; they are outside this change.",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--before-code", type=Path, help="directory with an earlier landreg package to compare")
    args = parser.parse_args()
    result = run(args.n, memory=not args.no_memory, before_code=args.before_code)
    print(result)
    text = _report(result)
    print(text)
    write_section("35_stored_results", text)


if __name__ == "__main__":
    main()
