"""``landreg map plots --limit/--bbox``: only the chosen plots are drawn; progress goes to stderr, never stdout."""

from __future__ import annotations

import re

import shapely
from click.testing import CliRunner
from pyproj import Transformer

from landreg.analysis import score_registry
from landreg.cli import main
from landreg.registry import open_registry

BBOX_LONLAT = (10.3, 63.3, 10.5, 63.45)


def _drawn_codes(html: str, codes: set[str]) -> set[str]:
    return {c for c in re.findall(r"[A-ZÆØÅ]{2,4}-\d{3}", html) if c in codes}


def test_limit_and_bbox_draw_the_best_ranked_plots_in_the_box(demo_registry_file, tmp_path):
    with open_registry(demo_registry_file) as reg:
        frame = score_registry(reg, statuses=None).frame
    to_storage = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    lonlat_box = shapely.segmentize(shapely.box(*BBOX_LONLAT), 0.001)  # edges along meridians and parallels
    box = shapely.transform(lonlat_box, lambda x, y: to_storage.transform(x, y), interleaved=False)
    inside = frame[shapely.intersects(frame.geometry.to_numpy(), box)]
    assert 7 < len(inside) < len(frame)
    best = set(inside.sort_values(["excluded", "rank"], kind="stable")["code"].head(7))
    target = tmp_path / "map.html"
    result = CliRunner().invoke(
        main,
        [
            "map", "plots", "--registry", str(demo_registry_file), "-o", str(target), "--no-price-layers",
            "--limit", "7", "--bbox", ",".join(map(str, BBOX_LONLAT)), "--bbox-crs", "EPSG:4326", "--progress",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _drawn_codes(target.read_text(encoding="utf-8"), set(frame["code"])) == best
    assert result.stdout == ""  # the progress and the "wrote" line are on stderr
    assert "map plots:" in result.stderr and "steps" in result.stderr and f"wrote {target}" in result.stderr


def test_map_without_progress_prints_only_what_it_wrote(demo_registry_file, tmp_path):
    target = tmp_path / "map.html"
    args = ["map", "plots", "--registry", str(demo_registry_file), "-o", str(target), "--no-price-layers"]
    result = CliRunner().invoke(main, [*args, "--limit", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.startswith(f"wrote {target}") and "steps" not in result.stderr
    bad = CliRunner().invoke(main, [*args, "--bbox", "10.3,63.3,10.5"])
    assert bad.exit_code == 1 and "bbox" in bad.stderr and "Traceback" not in bad.output


def test_overview_map_shows_its_progress_on_stderr(demo_registry_file, tmp_path):
    target = tmp_path / "overview.html"
    args = ["map", "overview", "--registry", str(demo_registry_file), "-o", str(target)]
    shown = CliRunner().invoke(main, [*args, "--progress"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == "" and "map overview:" in shown.stderr and f"wrote {target}" in shown.stderr
