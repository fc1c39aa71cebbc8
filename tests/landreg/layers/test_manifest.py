"""The manifest, loading, checks and the ``landreg layers`` commands."""

from __future__ import annotations

import pandas as pd
import pytest
import rasterio
from click.testing import CliRunner

from landreg.cli.layers_cmd import layers_group
from landreg.crs import STORAGE_CRS
from landreg.errors import ConfigurationError, CRSError
from landreg.layers import check_layers, list_layers, load_layer, load_manifest


def test_every_layer_loads_in_its_declared_crs(manifest, layers_dir):
    for spec in manifest.layers:
        data = load_layer(spec.id, layers_dir=layers_dir)
        if spec.kind == "raster":
            with rasterio.open(data) as src:
                assert src.crs.to_string() == spec.crs, spec.id
        elif spec.kind == "table":
            assert isinstance(data, pd.DataFrame) and len(data) > 0, spec.id
        else:
            assert data.crs.equals(STORAGE_CRS), spec.id
            assert spec.crs == "EPSG:25832", spec.id
            assert len(data) > 0 and data.geometry.is_valid.all(), spec.id


def test_every_layer_has_provenance_and_synthetic_ones_say_so(manifest):
    for spec in manifest.layers:
        assert spec.source and spec.license and spec.attribution and spec.description
        if spec.synthetic:
            assert "synthetic" in spec.source.lower() or "synthetic" in spec.attribution.lower(), spec.id
        else:
            assert "synthetic" not in spec.source.lower(), spec.id
    real_attributions = {s.attribution for s in manifest.layers if not s.synthetic}
    assert real_attributions == {"© Kartverket", "© OpenStreetMap contributors"}


def test_layers_folder_is_small(layers_dir):
    total = sum(p.stat().st_size for p in layers_dir.rglob("*") if p.is_file())
    # the street-level road network (osm_roads.gpkg, slimmed to what routing reads) is about 9.6 MB of it
    assert total < 24 * 1024 * 1024


def test_list_layers_in_manifest_order(layers_dir, manifest):
    assert [s.id for s in list_layers(layers_dir=layers_dir)] == [s.id for s in manifest.layers]


def test_unknown_layer_id_names_the_known_ones(layers_dir):
    with pytest.raises(ConfigurationError, match=r"no layer with id 'nope'.*municipalities"):
        load_layer("nope", layers_dir=layers_dir)


def test_check_layers_passes_on_the_bundled_layers(layers_dir):
    assert check_layers(layers_dir) == []


def test_check_reports_a_wrong_crs_with_the_layer_named(broken_manifest):
    folder = broken_manifest(
        (
            'crs = "EPSG:25832"\nkind = "vector"\nrole = "boundary"',
            'crs = "EPSG:25833"\nkind = "vector"\nrole = "boundary"',
        )
    )
    problems = check_layers(folder)
    assert [(p.record, p.field) for p in problems] == [("layer 'municipalities'", "crs")]
    assert "EPSG:25833" in problems[0].message
    with pytest.raises(CRSError, match="municipalities"):
        load_layer("municipalities", layers_dir=folder)


def test_check_reports_a_missing_file_with_the_layer_named(broken_manifest, layers_dir):
    folder = broken_manifest(
        (
            f'{layers_dir.as_posix()}/hazards.gpkg"\nlayer = "flood"',
            f'{layers_dir.as_posix()}/missing.gpkg"\nlayer = "flood"',
        )
    )
    problems = check_layers(folder)
    assert [(p.record, p.field) for p in problems] == [("layer 'flood'", "file")]
    assert "missing.gpkg" in problems[0].message


def test_check_reports_a_missing_layer_inside_a_geopackage(broken_manifest):
    folder = broken_manifest(('layer = "railways"', 'layer = "no_such_layer"'))
    problems = check_layers(folder)
    assert [(p.record, p.field) for p in problems] == [("layer 'railways'", "layer")]


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        ('kind = "raster"', 'kind = "image"', r"layer 'dem': field 'kind': expected one of"),
        (
            'synthetic = false\ndescription = "Railway lines',
            'synthetic = "no"\ndescription = "Railway lines',
            r"layer 'railways': field 'synthetic'",
        ),
        ('license = "ODbL 1.0"\n', "", r"layer 'osm_streets': field 'license'"),
        ('id = "stations"', 'id = "railways"', r"layer 'railways': field 'id': duplicate"),
        (
            'layer = "price_history"\nkind = "table"',
            'layer = "price_history"\ncrs = "EPSG:25832"\nkind = "table"',
            r"layer 'price_history': field 'crs'",
        ),
    ],
)
def test_malformed_manifest_names_layer_and_field(broken_manifest, old, new, pattern):
    folder = broken_manifest((old, new))
    with pytest.raises(ConfigurationError, match=pattern):
        load_manifest(folder)
    problems = check_layers(folder)
    assert len(problems) == 1 and problems[0].record == "manifest"


def test_missing_manifest_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="no layer manifest"):
        load_manifest(tmp_path)


def test_cli_lists_layers_with_provenance(layers_dir):
    result = CliRunner().invoke(layers_group, ["--layers", str(layers_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "kind", "role", "data", "source", "license"]
    demo = next(line for line in lines if line.startswith("demo_plots "))
    assert "synthetic" in demo
    assert "© OpenStreetMap contributors" in result.output


def test_cli_check_ok_and_failure(layers_dir, broken_manifest):
    ok = CliRunner().invoke(layers_group, ["--layers", str(layers_dir), "check"])
    assert ok.exit_code == 0 and ok.output.startswith("ok")
    folder = broken_manifest(('layer = "railways"', 'layer = "no_such_layer"'))
    bad = CliRunner().invoke(layers_group, ["--layers", str(folder), "check"])
    assert bad.exit_code == 1
    assert "layer 'railways'" in bad.output
