"""Open data: the tables as CSV and XLSX, the plots on offer as GeoPackage and GeoJSON, the DCAT-AP-NO catalogue."""

from __future__ import annotations

import csv
import datetime as dt
import json
import warnings

import numpy as np
import pyogrio
import pytest
import rdflib
from click.testing import CliRunner
from openpyxl import load_workbook
from rdflib.namespace import DCAT, DCTERMS, RDF

from landreg.cli import main
from landreg.indicators import compute_indicators
from landreg.indicators.catalogue import licence_of
from landreg.indicators.opendata import write_open_data
from landreg.indicators.rounding import DECIMALS_BY_UNIT, rounded
from landreg.indicators.tables import TABLE_FIGURES
from landreg.layers.manifest import load_manifest
from tests.landreg.indicators.conftest import LAYERS, build_small_registry

DQV = rdflib.Namespace("http://www.w3.org/ns/dqv#")


def _graph(text: str, *, base: str) -> rdflib.Graph:
    """The triples of a JSON-LD document (rdflib's JSON-LD parser warns of its own deprecated internals)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        return rdflib.Graph().parse(data=text, format="json-ld", publicID=base)


def _rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def exported(demo_registry, tmp_path):
    when = dt.datetime.now(dt.UTC)
    flags = {spec.id: spec.synthetic for spec in load_manifest(LAYERS).layers}
    report = compute_indicators(demo_registry, as_of=when, layers=flags)
    catalogue = write_open_data(demo_registry, tmp_path / "data", as_of=when, layers_dir=LAYERS)
    return report, catalogue


def test_each_figure_in_the_csv_equals_the_computed_one(exported):
    report, catalogue = exported
    out = catalogue.path.parent
    rows = _rows(out / "indikatorer.csv")
    assert list(rows[0]) == ["nivå", "kode", "navn", "indikator", "verdi", "enhet", "dato", "syntetisk_andel",
                             "definisjon", "merknad"]  # fmt: skip
    levels = {"region": "region", "municipality": "kommune", "business_area": "næringsområde"}
    got = {(r["nivå"], r["kode"], r["indikator"]): r for r in rows}
    n = 0
    for scope in report.scopes:
        for fig in scope.figures:
            if fig.id in TABLE_FIGURES:
                continue
            row = got[(levels[scope.scope], scope.key, fig.id)]
            assert row["navn"] == scope.name and row["enhet"] == fig.unit
            assert row["definisjon"] == fig.definition["nb"] and row["dato"] == report.as_of.date().isoformat()
            if fig.value is None:
                assert row["verdi"] == ""
            else:
                # the CSV holds the figure rounded by its unit (decares to the m², years to a tenth)
                tolerance = 0.5 * 10 ** -DECIMALS_BY_UNIT.get(fig.unit, 6)
                assert float(row["verdi"]) == pytest.approx(fig.value, abs=tolerance), (scope.key, fig.id)
                assert float(row["verdi"]) == rounded(fig.value, unit=fig.unit)
            assert float(row["syntetisk_andel"]) == pytest.approx(fig.synthetic_share, abs=5e-5)
            n += 1
    assert n == len(rows)
    assert any("Tråante" in r["navn"] for r in rows)  # æøå as they are
    uptake = _rows(out / "opptak_per_aar.csv")
    region = report.scope("region").figure("uptake_daa_per_year").value
    mine = {r["år"]: float(r["dekar"]) for r in uptake if r["nivå"] == "region"}
    assert mine.keys() == region.keys() and sum(mine.values()) > 0
    for year, daa in region.items():
        assert mine[year] == pytest.approx(daa, abs=5e-4)
    index = _rows(out / "prisindeks.csv")
    want = report.scope("region").figure("price_index").value
    assert [int(r["år"]) for r in index] == [w["year"] for w in want]
    assert [float(r["indeks"]) for r in index] == pytest.approx([w["index"] for w in want], abs=0.05)


def test_the_supply_over_time_table_holds_each_scope_and_year_of_the_figure(exported):
    report, catalogue = exported
    rows = _rows(catalogue.path.parent / "ledig_areal_over_tid.csv")
    assert list(rows[0]) == ["nivå", "kode", "navn", "år", "dato", "ledig_nå_daa", "ledig_senere_daa", "reservert_daa",
                             "låst_daa", "solgt_daa", "år_med_tilbud_5_år", "syntetisk_andel"]  # fmt: skip
    levels = {"region": "region", "municipality": "kommune", "business_area": "næringsområde"}
    got = {(r["nivå"], r["kode"], r["år"]): r for r in rows}
    n = 0
    for scope in report.scopes:
        fig = scope.figure("supply_daa_by_year")
        for year, point in fig.value.items():
            row = got[(levels[scope.scope], scope.key, year)]
            for key, column in (
                ("available_now_daa", "ledig_nå_daa"),
                ("sold_daa", "solgt_daa"),
                ("locked_daa", "låst_daa"),
            ):
                assert float(row[column]) == pytest.approx(point[key], abs=5e-4)
            years = point["years_of_supply_5y"]
            assert (
                row["år_med_tilbud_5_år"] == ""
                if years is None
                else float(row["år_med_tilbud_5_år"]) == pytest.approx(years, abs=0.05)
            )
            assert float(row["syntetisk_andel"]) == pytest.approx(fig.synthetic_share, abs=5e-5)
            n += 1
    assert n == len(rows) > 0
    region = report.scope("region").figure("supply_daa_by_year").value[str(report.as_of.year)]
    assert region["available_now_daa"] == pytest.approx(report.scope("region").figure("available_now_daa").value)
    entry = next(d for d in catalogue.datasets if d.id == "supply_over_time")
    assert entry.synthetic_share == 1.0 and {p.suffix for p in entry.files} == {".csv", ".xlsx"}


def test_the_spreadsheets_hold_the_csv_rows_and_both_languages_of_the_columns(exported):
    _report, catalogue = exported
    out = catalogue.path.parent
    for name in ("indikatorer", "prisantydning", "laast_areal", "ledig_areal_over_tid"):
        rows = _rows(out / f"{name}.csv")
        book = load_workbook(out / f"{name}.xlsx", read_only=True)
        sheet = book[book.sheetnames[0]]
        values = list(sheet.iter_rows(values_only=True))
        assert list(values[0]) == list(rows[0])
        assert len(values) - 1 == len(rows)
        for got, want in zip(values[1:], rows, strict=True):
            for cell, text in zip(got, want.values(), strict=True):
                if isinstance(cell, int | float) and not isinstance(cell, bool):
                    assert float(cell) == float(text)
                else:
                    assert ("" if cell is None else str(cell)) == text
        columns = list(book["kolonner"].iter_rows(values_only=True))
        assert columns[0] == ("nb", "en") and ("nivå", "level") in columns
    locked = _rows(out / "laast_areal.csv")
    assert {r["vedtak_id"] for r in locked} == {"torgard_freight_terminal"}


def test_the_plots_on_offer_are_a_geopackage_in_25832_and_geojson_in_crs84(exported, demo_registry):
    _report, catalogue = exported
    out = catalogue.path.parent
    gpkg = pyogrio.read_dataframe(out / "ledige_tomter.gpkg")
    geojson = pyogrio.read_dataframe(out / "ledige_tomter.geojson")
    assert gpkg.crs.to_epsg() == 25832
    assert geojson.crs.equals("OGC:CRS84") or geojson.crs.to_epsg() == 4326
    live = demo_registry.query_plots()
    offered = live[live["status"].isin(["available", "planned"])]
    assert sorted(gpkg["kode"]) == sorted(geojson["kode"]) == sorted(offered["code"])
    minx, miny, maxx, maxy = geojson.total_bounds
    assert 8 < minx < maxx < 14 and 62 < miny < maxy < 65  # lon/lat order
    by_code = offered.set_index("code")
    assert np.allclose(gpkg.set_index("kode")["areal_daa"], by_code.loc[gpkg["kode"], "area_m2"] / 1000, atol=5e-4)
    assert gpkg["syntetisk"].all() and "næringsområde" in gpkg.columns


def test_the_catalogue_is_json_ld_naming_licence_source_dates_and_synthetic_share(exported):
    report, catalogue = exported
    graph = _graph(json.dumps(catalogue.jsonld), base=catalogue.path.as_uri())
    on_disk = _graph(catalogue.path.read_text(encoding="utf-8"), base=catalogue.path.as_uri())
    assert len(on_disk) == len(graph) > 0
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(catalogs) == 1 and len(datasets) == len(catalogue.datasets) == 8
    licences = set()
    for ds in datasets:
        licence = graph.value(ds, DCTERMS.license)
        licences.add(str(licence))
        assert list(graph.objects(ds, DCTERMS.source))
        assert graph.value(ds, DCTERMS.modified).toPython() == report.as_of.date()
        assert graph.value(ds, DCTERMS.issued) is not None
        measurement = graph.value(ds, DQV.hasQualityMeasurement)
        share = float(graph.value(measurement, DQV.value).toPython())
        mine = next(d for d in catalogue.datasets if str(ds).endswith(f"#{d.id}"))
        assert share == pytest.approx(mine.synthetic_share, abs=1e-4)
        for dist in graph.objects(ds, DCAT.distribution):
            url = str(graph.value(dist, DCAT.downloadURL))
            assert url.startswith("file://") and (catalogue.path.parent / url.rsplit("/", 1)[-1]).is_file()
            assert str(graph.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
            assert graph.value(dist, DCTERMS.license) == licence
    # figures from Kartverket (CC BY 4.0) and OpenStreetMap layers; the plots' outlines hold OSM features
    assert licences == {
        "https://creativecommons.org/licenses/by/4.0/",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    }
    text = json.dumps(catalogue.jsonld, ensure_ascii=False)
    assert "Syntetisk andel: 100 %" in text and "Synthetic share: 100 %" in text


def test_a_real_registry_without_layers_is_nlod_and_says_nothing_is_synthetic(tmp_path):
    reg = build_small_registry(tmp_path / "real.gpkg")
    try:
        catalogue = write_open_data(reg, tmp_path / "data", lang="en", layers_dir=tmp_path / "no-layers")
    finally:
        reg.close()
    assert {d.licence for d in catalogue.datasets} == {"NLOD"}
    assert all(d.synthetic_share == 0.0 for d in catalogue.datasets)
    assert catalogue.path.name == "catalog.jsonld"
    rows = _rows(tmp_path / "data" / "indicators.csv")
    assert list(rows[0])[:4] == ["level", "key", "name", "figure"]
    assert "Nothing here rests on synthetic data." in json.dumps(catalogue.jsonld)


@pytest.mark.parametrize(
    ("texts", "database", "want"),
    [
        (["ODbL 1.0 (OSM outlines); CC BY 4.0 (anchors)", "CC0 1.0 (generated)"], True, "ODbL"),
        (["ODbL 1.0 (OSM outlines); CC BY 4.0 (anchors)", "CC0 1.0 (generated)"], False, "CC BY 4.0"),
        (["CC BY 4.0"], True, "CC BY 4.0"),
        (["CC0 1.0 (generated)"], False, "NLOD"),
    ],
)
def test_the_licence_follows_the_sources(texts, database, want):
    assert licence_of(texts, database=database) == want


def test_landreg_indicators_export_writes_the_files(demo_registry_file, tmp_path):
    import shutil

    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    out = tmp_path / "åpne data"
    result = CliRunner().invoke(
        main, ["indicators", "export", "--registry", str(path), "--layers", str(LAYERS), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "ledige_tomter.gpkg" in result.output and "katalog.jsonld" in result.output
    assert (out / "katalog.jsonld").is_file() and (out / "indikatorer.xlsx").is_file()
    bad = CliRunner().invoke(main, ["indicators", "export", "--registry", str(path), "--as-of", "igår", "-o", str(out)])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output and "Traceback" not in bad.output
