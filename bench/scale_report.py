"""The text of the scale benchmark's section: per backend, one row per measure, sizes side by side."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MILLION = 1_000_000


@dataclass(frozen=True)
class Measure:
    """One row: where its value is, how it is shown, and the issue's target (judged at ``target_n`` plots)."""

    label: str
    step: str
    get: Callable[[dict[str, Any]], Any]
    fmt: str
    target: str = "–"
    ok: Callable[[float], bool] | None = None
    target_n: int = MILLION
    time_like: bool = True


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _sub(*keys: str) -> Callable[[dict[str, Any]], Any]:
    def get(d: dict[str, Any]) -> Any:
        for k in keys:
            if not isinstance(d, dict) or k not in d:
                return None
            d = d[k]
        return d

    return get


def _equal(d: dict[str, Any]) -> Any:
    return None if "equal" not in d else ("yes" if d["equal"] else "NO")


def _ratio(d: dict[str, Any]) -> Any:
    a, b = _num(_sub("local", "seconds")(d)), _num(_sub("dask", "seconds")(d))
    return b / a if a and b is not None else None


def _exit(d: dict[str, Any]) -> Any:
    if "exit" not in d:
        return None
    if d.get("timed_out"):
        return f"stopped after {d['seconds']:.0f} s (not done)"
    if d.get("over_memory_cap"):
        return f"stopped at the bench's memory cap ({d['memory_cap_mb']:,.0f} MB) after {d['seconds']:.0f} s (not done)"
    if d["exit"] == -15:
        return f"stopped by hand (SIGTERM) after {d['seconds']:.0f} s at {d['peak_mb']:,.0f} MB (not done)"
    if d["exit"] == -9:
        return f"killed by SIGKILL after {d['seconds']:.0f} s at {d['peak_mb']:,.0f} MB (the kernel's out-of-memory killer)"
    last = d.get("stderr_tail", "").split(" / ")[-1].strip()
    return "drawn" if d["exit"] == 0 else f"refused/failed (exit {d['exit']}): {last[-200:]}"


def _page_mb(d: dict[str, Any]) -> Any:
    return d.get("html_mb") if d.get("exit") == 0 else None


GB2 = 2048.0
MEASURES: list[Measure] = [
    Measure("import (`landreg import`, GeoParquet), wall time", "import", _sub("seconds"), "{:.1f} s"),
    Measure("import, peak memory", "import", _sub("peak_mb"), "{:,.0f} MB", "< 2 GB at 1M", lambda v: v < GB2),
    Measure("bbox page (registry call, 2 km, limit 100), p50", "bbox", _sub("p50_ms"), "{:.1f} ms"),
    *(
        Measure(
            f"vector tile z{z}, {q}",
            "tiles",
            _sub(f"z{z}", f"{q}_ms"),
            "{:.1f} ms",
            "p95 < 100 ms at 1M" if q == "p95" else "–",
            (lambda v: v < 100) if q == "p95" else None,
        )
        for z in (10, 13, 16)
        for q in ("p50", "p95")
    ),
    *(Measure(f"vector tile z{z}, mean size", "tiles", _sub(f"z{z}", "mean_kb"), "{:.0f} kB") for z in (10, 13, 16)),
    Measure(
        "one edit (registry, own transaction), p50",
        "edit",
        _sub("p50_ms"),
        "{:.1f} ms",
        "< 20 ms at 1M",
        lambda v: v < 20,
    ),
    Measure(
        "supply after one attribute edit (kept results)",
        "supply",
        _sub("attribute_edit_s"),
        "{:.3f} s",
        "< 0.2 s",
        lambda v: v < 0.2,
    ),
    Measure(
        "supply after one geometry edit (kept results)",
        "supply",
        _sub("geometry_edit_s"),
        "{:.3f} s",
        "< 0.2 s",
        lambda v: v < 0.2,
    ),
    Measure("first supply call (full build of the kept results)", "supply", _sub("first_build_s"), "{:.1f} s"),
    Measure(
        "`landreg map plots`, wall time",
        "map",
        _sub("seconds"),
        "{:.1f} s",
        "< 10 s at 100k",
        lambda v: v < 10,
        100_000,
    ),
    Measure(
        "`landreg map plots`, peak memory",
        "map",
        _sub("peak_mb"),
        "{:,.0f} MB",
        "< 1 GB at 100k",
        lambda v: v < 1024,
        100_000,
    ),
    Measure("`landreg map plots`, page size", "map", _page_mb, "{:.1f} MB", "< 5 MB at 1M", lambda v: v < 5),
    Measure("`landreg map plots`, outcome", "map", _exit, "{}", time_like=False),
    Measure("`landreg map plots --limit` (10,000, at most n/10), wall time", "map_limit", _sub("seconds"), "{:.1f} s"),
    Measure("`landreg map plots --limit`, outcome", "map_limit", _exit, "{}", time_like=False),
    Measure(
        "`landreg map plots --limit`, peak memory / page",
        "map_limit",
        lambda d: (
            None
            if "peak_mb" not in d
            else f"{d['peak_mb']:,.0f} MB / " + ("–" if _page_mb(d) is None else f"{_page_mb(d):.1f} MB")
        ),
        "{}",
        time_like=False,
    ),
    Measure("`landreg score`, one process", "score", _sub("local", "seconds"), "{:.1f} s"),
    Measure("`landreg score --engine dask` (2 workers)", "score", _sub("dask", "seconds"), "{:.1f} s"),
    Measure(
        "`landreg score`, peak memory (one process)",
        "score",
        _sub("local", "peak_mb"),
        "{:,.0f} MB",
        "< 2 GB at 1M",
        lambda v: v < GB2,
    ),
    Measure("score: dask equals one process", "score", _equal, "{}", time_like=False),
    Measure("`landreg enrich --force`, one process", "enrich", _sub("local", "seconds"), "{:.1f} s"),
    Measure("`landreg enrich --force --engine dask` (2 workers)", "enrich", _sub("dask", "seconds"), "{:.1f} s"),
    Measure(
        "enrich: dask / one process wall time",
        "enrich",
        _ratio,
        "{:.2f}",
        "≤ 0.7 at 1M",
        lambda v: v <= 0.7,
        time_like=False,
    ),
    Measure(
        "`landreg enrich`, peak memory (one process)",
        "enrich",
        _sub("local", "peak_mb"),
        "{:,.0f} MB",
        "< 2 GB at 1M",
        lambda v: v < GB2,
    ),
    Measure("enrich: dask equals one process", "enrich", _equal, "{}", time_like=False),
    Measure("bbox page over HTTP, p99, no edits", "http_edits", _sub("quiet_p99_ms"), "{:.1f} ms"),
    Measure(
        "bbox page over HTTP, p99, while PATCHes re-enrich",
        "http_edits",
        _sub("busy_p99_ms"),
        "{:.1f} ms",
        "< 100 ms at 1M",
        lambda v: v < 100,
    ),
    Measure(
        "PATCH over HTTP during that, p50 (count)",
        "http_edits",
        lambda d: None if "patches" not in d else f"{d['patch_p50_ms'] or 0:.0f} ms ({d['patches']})",
        "{}",
        time_like=False,
    ),
    Measure(
        "server peak memory, 8 concurrent map/tile/analysis requests",
        "server_memory",
        _sub("peak_mb"),
        "{:,.0f} MB",
        "< 2 GB at 1M",
        lambda v: v < GB2,
    ),
]


def _cell(run: dict[str, Any] | None, m: Measure) -> tuple[str, Any]:
    """The shown text and the raw value of one measure in one run."""
    if run is None:
        return "not measured in this run", None
    step = run.get("steps", {}).get(m.step)
    if step is None:
        if m.step == "map_limit" and run.get("steps", {}).get("map", {}).get("exit") == 0:
            return "– (whole map drawn)", None
        return "not measured in this run", None
    if step.get("skipped"):
        return "skipped (--skip)", None
    if "not_run" in step:
        return f"not measured in this run: {step['not_run']}", None
    if "error" in step:
        return f"error: {step['error'][:120]}", None
    value = m.get(step)
    if value is None:
        return "–", None
    return m.fmt.format(value).replace("|", "\\|").replace("\n", " "), value


def _growth(values: dict[int, Any], m: Measure) -> str:
    nums = {n: _num(v) for n, v in values.items() if _num(v) is not None}
    if not m.time_like or len(nums) < 2:
        return "–"
    lo, hi = min(nums), max(nums)
    if not nums[lo]:
        return "–"
    return f"{nums[hi] / nums[lo]:.1f}× for {hi / lo:.0f}× plots"


def _met(values: dict[int, Any], m: Measure) -> str:
    if m.ok is None:
        return "–"
    v = _num(values.get(m.target_n))
    if v is None:
        return f"not measured at {m.target_n:,}"
    return "yes" if m.ok(v) else "**NO**"


def render(figures: dict[str, Any]) -> str:
    """Markdown tables of every backend's runs, with the history figures and notes."""
    runs: dict[str, Any] = figures.get("runs", {})
    lines = [
        "## Scale: how each operation grows from 10,000 to 1,000,000 plots",
        "",
        f"Machine: {figures.get('machine', '')}; shared by other work (the load average at the end of each "
        "step is listed). Demonstration registry plus n generated non-overlapping plots in 60 m cells, brought "
        "in with `landreg import` from GeoParquet; their derived attributes are drawn from the demonstration "
        "plots' own. `bench/bench_scale.py`; figures in `bench/results/05_scale.json`. Growth: the value at the "
        "largest size over the value at the smallest, against the growth of the data. Met: the issue's target "
        "at the size it names.",
    ]
    for backend, title in (("gpkg", "GeoPackage"), ("postgis", "PostGIS")):
        sizes = sorted(int(k.split("/")[0]) for k in runs if k.endswith(f"/{backend}"))
        if not sizes:
            continue
        by_n = {n: runs[f"{n}/{backend}"] for n in sizes}
        lines += [
            "",
            f"### {title}",
            "",
            "| measure | " + " | ".join(f"{n:,}" for n in sizes) + " | growth | target | met |",
            "|---|" + "---:|" * len(sizes) + "---|---|---|",
        ]
        for m in MEASURES:
            if backend == "postgis" and m.step in ("score", "enrich"):
                continue
            cells = {n: _cell(by_n[n], m) for n in sizes}
            lines.append(
                f"| {m.label} | "
                + " | ".join(c[0] for c in cells.values())
                + f" | {_growth({n: c[1] for n, c in cells.items()}, m)} | {m.target} "
                f"| {_met({n: c[1] for n, c in cells.items()}, m)} |"
            )
        loads = " · ".join(
            f"{n:,}: " + ", ".join(f"{k} {s['load']:.1f}" for k, s in by_n[n]["steps"].items() if "load" in s)
            for n in sizes
        )
        starts = ", ".join(f"{n:,} at {by_n[n].get('started', '?')}" for n in sizes)
        lines += ["", f"Started: {starts}. Load average (1 min) at the end of each step: {loads}."]
    lines += _history(figures.get("history"))
    lines += ["", *(f"Note: {note}" for note in figures.get("notes", []))] if figures.get("notes") else []
    lines += [
        "",
        "Steps: tiles are `landreg.tiles.render_tile` without the tile cache, at tiles of "
        "`landreg.tiles.sample.tile_sample` (over the registry's extent) that overlap the generated grid (few "
        "distinct tiles at zoom 10, rendered in turn; 40 renders per zoom). One edit is a name change through "
        "the registry. Supply: the kept results built once, then one edit and one supply call (median of 3). "
        "`map plots` runs without `--limit` first; when it does not draw the whole registry, `--limit` 10,000 (at "
        "most a tenth of the plots) is run too; a run is stopped after 300 s. Scoring (all statuses) and enrichment (`--force`) run on copies of the registry, dask on a "
        "LocalCluster of 2 worker processes on the same 2 cores; peak memory is `ru_maxrss` of the command's "
        "process. HTTP: one `landreg serve` worker; a sequential reader of bbox pages (2 km, limit 100) for 20 s "
        "alone, then 20 s while a sequential editor PATCHes plots (every other PATCH moves the plot by 1 m, "
        "which re-enriches it in the background). Server memory: `bench_memory.serve_and_load` (8 concurrent "
        "requests to each map, tile and analysis endpoint, VmHWM of the server).",
    ]
    return "\n".join(lines) + "\n"


def _history(h: dict[str, Any] | None) -> list[str]:
    if not h:
        return ["", "History size after 10 edits per plot: not measured in this run."]
    full, compact = h["full"], h["compact"]
    return [
        "",
        f"### History after {h['edits']} edits per plot on {h['plots']:,} plots (GeoPackage, `bench_history`)",
        "",
        "| layout | file before | file after | growth | edit time in the run | load avg |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {r['size_before_mb']:.1f} MB | {r['size_after_mb']:.1f} MB | {r['growth_mb']:.1f} MB "
            f"| {r['edit_ms']:.1f} ms | {r['load']:.1f} |"
            for name, r in (("full rows (every version whole)", full), ("compact (changed fields)", compact))
        ),
        "",
        f"Compact history grows {compact['growth_mb'] / full['growth_mb']:.2f}× as much as full rows."
        + _estimate(full, compact, n=h["plots"], edits=h["edits"]),
    ]


def _estimate(full: dict[str, Any], compact: dict[str, Any], *, n: int, edits: int) -> str:
    """Below 10,000 plots, the growth at 10,000 plots × 10 edits scaled from this run (``bench_history``)."""
    from bench.bench_history import _estimate as scaled

    return scaled(full, compact, n=n, edits=edits)
