"""Benchmark: build the plot map of 1,000 and 10,000 plots, against a plain ``GeoDataFrame.explore()``.

Both draw the same scored plots coloured by score with a popup per plot; landreg's map
(:func:`maps.build_plot_map`, standalone with Leaflet inlined) carries the score breakdown
per criterion, legend, search and layer control, and works offline.  ``explore()`` is
folium's default page (Leaflet, jQuery, Bootstrap from CDNs) with full-precision GeoJSON
and all columns in its popups.  Optionally the time until headless Chromium has drawn
every plot of landreg's page (``file://``, no network).
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

from bench.common import machine, timed, write_section
from landreg.testing import make_plot_frame

ORIGIN = (560_000.0, 7_020_000.0)
POPUP_COLUMNS = ["code", "name", "status", "area_m2", "price_min_nok_m2", "price_max_nok_m2", "score", "rank"]


def _scored(n: int):
    from landreg.scoring import score_plots

    plots = make_plot_frame(n, seed=11, origin=ORIGIN, cell_m=60.0, prefix="M")
    plots["area_m2"] = plots.geometry.area
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return score_plots(plots, profile="logistics")


def _browser_draw_s(path: Path, n: int) -> float | None:
    """Seconds until Chromium has drawn ``n`` plot shapes of the page, or None without Chromium/Playwright."""
    import shutil
    import time

    if shutil.which("chromium") is None:
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    from tests.maps.test_browser import ARGS  # the flags that work here as root, kept in one place

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=120_000)
        page.wait_for_function(f"document.querySelectorAll('path.landreg-plot').length >= {n}", timeout=120_000)
        took = time.perf_counter() - t0
        browser.close()
    return took


def run(sizes: tuple[int, ...] = (1_000, 10_000), *, browser: bool = True, write: bool = True) -> dict[str, float]:
    """Run the benchmark; returns its figures (and writes ``bench/RESULTS.md`` when ``write``)."""
    from maps import build_plot_map

    figures: dict[str, float] = {}
    build_plot_map(_scored(20), color_by="score").get_root().render()  # warm-up: imports, caches
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            scores = _scored(n)
            ours_path = Path(tmp) / f"landreg_{n}.html"
            base_path = Path(tmp) / f"explore_{n}.html"

            def ours(scores=scores, path=ours_path) -> None:
                build_plot_map(scores, color_by="score").save(str(path))

            def baseline(scores=scores, path=base_path) -> None:
                frame = scores.frame[[*POPUP_COLUMNS, "geometry"]]
                frame.explore(column="score", popup=True, tooltip="code").save(str(path))

            ours_s, _ = timed(ours)
            base_s, _ = timed(baseline)
            figures[f"ours_s_{n}"] = ours_s
            figures[f"ours_mb_{n}"] = ours_path.stat().st_size / 1e6
            figures[f"explore_s_{n}"] = base_s
            figures[f"explore_mb_{n}"] = base_path.stat().st_size / 1e6
            draw = _browser_draw_s(ours_path, n) if browser else None
            figures[f"draw_s_{n}"] = float("nan") if draw is None else draw
    figures["sizes"] = list(sizes)  # type: ignore[assignment]
    if write:
        write_section("50_maps", _report(figures))
    return figures


def _report(f: dict[str, float]) -> str:
    rows = []
    for n in f["sizes"]:  # type: ignore[union-attr]
        ok = "yes" if f[f"ours_mb_{n}"] < 5 else "NO"
        draw = f[f"draw_s_{n}"]
        draw_text = "–" if draw != draw else f"{draw:.1f} s"
        rows.append(
            f"| {n:,} | {f[f'ours_s_{n}']:.2f} s | {f[f'ours_mb_{n}']:.2f} MB ({ok} < 5 MB) | {draw_text} | "
            f"{f[f'explore_s_{n}']:.2f} s | {f[f'explore_mb_{n}']:.2f} MB | "
            f"{f[f'explore_mb_{n}'] / f[f'ours_mb_{n}']:.1f}× |"
        )
    table = "\n".join(rows)
    return f"""## Maps: plot map of generated plots vs `GeoDataFrame.explore()`

Machine: {machine()}

landreg: `maps.build_plot_map(scores, color_by="score")` saved as a standalone page (Leaflet inlined, works
offline; compact delta-encoded geometry at 1e-5°, popups with the score breakdown built in the browser, legend,
search, layer control, scale bar). Baseline: `GeoDataFrame.explore(column="score", popup=True)` of the same
plots and {len(POPUP_COLUMNS)} popup columns (folium's default page: CDN scripts, blank offline).
"Drawn in Chromium": headless Chromium from `file://` until every plot shape is in the page.

| plots | landreg build + save | landreg HTML | drawn in Chromium | explore() build + save | explore() HTML | explore / landreg size |
|---|---|---|---|---|---|---|
{table}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print(_report(run(browser=not args.no_browser)))


if __name__ == "__main__":
    main()
