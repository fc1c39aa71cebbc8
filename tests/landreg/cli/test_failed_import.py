"""A failed ``landreg import`` leaves the file system as it found it: no empty registry behind."""

from __future__ import annotations

import json

import pytest

from landreg import open_registry
from landreg.io import write_plots
from landreg.testing import make_plot_frame
from tests.landreg.cli._invoke import invoke


def _registry_files(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("new.gpkg"))


@pytest.fixture
def bad_records(tmp_path):
    frame = make_plot_frame(3, seed=4)
    frame["status"] = ["available", "gone", "sold"]
    path = tmp_path / "bad.gpkg"
    write_plots(frame, path)
    return path


@pytest.fixture
def unclosed_ring(tmp_path):
    ring = [[10.3, 63.4], [10.301, 63.4], [10.301, 63.401], [10.3, 63.401]]
    doc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": {}}],
    }
    path = tmp_path / "open.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def not_geojson(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{ this is not json", encoding="utf-8")
    return path


@pytest.mark.parametrize("source", ["bad_records", "unclosed_ring", "not_geojson"])
def test_a_failed_import_leaves_no_registry_file(tmp_path, request, source):
    registry = tmp_path / "data" / "new.gpkg"
    registry.parent.mkdir()
    out = invoke("import", request.getfixturevalue(source), "--registry", registry)
    assert out.exit_code == 1 and "error:" in out.stderr and "Traceback" not in out.stderr
    assert not registry.exists()
    assert _registry_files(registry.parent) == []


def test_a_failed_import_into_an_existing_registry_keeps_it(tmp_path, bad_records):
    registry = tmp_path / "new.gpkg"
    write_plots(make_plot_frame(2, seed=5), tmp_path / "good.gpkg")
    assert invoke("import", tmp_path / "good.gpkg", "--registry", registry).exit_code == 0
    out = invoke("import", bad_records, "--registry", registry)
    assert out.exit_code == 1 and "nothing was written" in out.stderr
    with open_registry(registry) as reg:
        assert reg.count_plots() == 2


def test_the_unclosed_ring_is_named_in_the_message(tmp_path, unclosed_ring):
    out = invoke("import", unclosed_ring, "--registry", tmp_path / "new.gpkg")
    assert "not closed" in out.stderr and "feature 0" in out.stderr
