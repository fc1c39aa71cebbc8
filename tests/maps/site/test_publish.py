"""``landreg publish``: the static site of the demo registry, its figures equal to the core's, ``--as-of``, errors."""

from __future__ import annotations

import datetime as dt
import shutil
import time

import lxml.html
import pytest
from click.testing import CliRunner

from landreg.cli import main
from landreg.indicators import compute_indicators
from landreg.layers.manifest import load_manifest
from landreg.municipalities import REGION_MUNICIPALITY_NOS
from landreg.registry import open_registry

#: Most a page may weigh with what it loads, before the map data (bytes).
PAGE_BUDGET_BYTES = 300_000


def _flags(layers_dir):
    return {s.id: bool(s.synthetic) for s in load_manifest(layers_dir).layers}


def _values(path) -> dict[str, str]:
    doc = lxml.html.fromstring(path.read_bytes())
    return {
        td.get("data-figure"): td.get("data-value") for td in doc.xpath("//table[@class='figures']//td[@data-figure]")
    }


def test_publish_writes_every_page_of_the_region(published):
    out, registry_path, output = published
    with open_registry(registry_path) as reg:
        n_areas = len(reg.load_business_areas())
    n_pages = 2 * (1 + len(REGION_MUNICIPALITY_NOS) + n_areas + 2)
    assert f"wrote {n_pages} pages" in output
    for no in REGION_MUNICIPALITY_NOS:
        for lang, path in (("nb", out / "kommune" / f"{no}.html"), ("en", out / "en" / "kommune" / f"{no}.html")):
            assert lxml.html.fromstring(path.read_bytes()).get("lang") == lang
    assert (out / "assets" / "leaflet" / "leaflet.js").exists() and (out / "data" / "map.js").exists()


def test_published_figures_equal_the_core(published, layers_dir):
    out, registry_path, _ = published
    with open_registry(registry_path) as reg:
        report = compute_indicators(reg, layers=_flags(layers_dir))
    for scope in report.scopes:
        folder = {"region": "", "municipality": "kommune/", "business_area": "omrade/"}[scope.scope]
        page = out / (f"{folder}{scope.key}.html" if folder else "index.html")
        shown = _values(page)
        assert len(shown) == 15
        for fid, raw in shown.items():
            value = scope.figure(fid).value
            assert (raw == "" and value is None) or float(raw) == value, f"{page.name} {fid}: {raw} != {value}"


def test_each_page_weighs_under_the_budget_before_the_map_data(published):
    out, _, _ = published
    for page in out.rglob("*.html"):
        doc = lxml.html.fromstring(page.read_bytes())
        loaded = doc.xpath("//link[@rel='stylesheet']/@href | //script/@src")
        total = page.stat().st_size + sum(
            (page.parent / ref).stat().st_size for ref in loaded if not ref.endswith("data/map.js")
        )
        assert total < PAGE_BUDGET_BYTES, f"{page.relative_to(out)} weighs {total} bytes"


def test_publish_as_of_shows_the_registry_as_it_was(enriched_registry_path, tmp_path, layers_dir):
    registry_path = tmp_path / "registry.gpkg"
    shutil.copy(enriched_registry_path, registry_path)
    before = dt.datetime.now(dt.UTC)
    time.sleep(0.02)
    with open_registry(registry_path) as reg:
        plots = reg.query_plots()
        plot = reg.get_plot_by_code(str(plots[plots["status"] == "available"].iloc[0]["code"]))
        reg.update_plot(plot.plot_id, {"status": "sold"}, expected_version=plot.version, actor="test")
        past = compute_indicators(reg, as_of=before, layers=_flags(layers_dir)).scope("region")
        now = compute_indicators(reg, layers=_flags(layers_dir)).scope("region")
    assert past.figure("sold_daa").value < now.figure("sold_daa").value
    out = tmp_path / "site"
    args = ["publish", "--registry", str(registry_path), "--layers", str(layers_dir), "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--as-of", before.isoformat()])
    assert result.exit_code == 0, result.output
    shown = _values(out / "index.html")
    assert float(shown["sold_daa"]) == past.figure("sold_daa").value
    assert float(shown["available_now_daa"]) == past.figure("available_now_daa").value
    doc = lxml.html.fromstring((out / "index.html").read_bytes())
    assert doc.xpath("//p[@class='past']")  # says it shows a past state


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--as-of", "last tuesday"], "'last tuesday' is not an ISO 8601 date or time"),
        (["--as-of", "2026-13-01"], "expected e.g. 2026-01-01"),
    ],
)
def test_bad_as_of_is_refused_in_the_users_terms(published, tmp_path, extra, message):
    _, registry_path, _ = published
    result = CliRunner().invoke(main, ["publish", "--registry", str(registry_path), "-o", str(tmp_path / "s"), *extra])
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output


def test_publish_will_not_write_into_a_folder_of_other_files(published, tmp_path):
    _, registry_path, _ = published
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["publish", "--registry", str(registry_path), "-o", str(tmp_path)])
    assert result.exit_code != 0 and "holds other files" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
