"""Importing municipal files through a mapping: Norwegian columns and values, encodings, dry runs."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from landreg import open_registry
from landreg.io.encoding import EncodingError, shapefile_encoding, text_file_encoding
from landreg.io.mapped_import import import_with_mapping
from landreg.io.mapping import MappingError, builtin_mapping_names, load_mapping
from tests.landreg.cli._invoke import invoke

#: A municipal plot list as Norwegian municipalities keep it (written here by hand).
RECORDS = [
    {
        "kommunenummer": "5001",
        "gnr": 412,
        "bnr": 7,
        "tomtenavn": "Tomt ved Østre Rosten",
        "arealformål": "Industri",
        "status": "Ledig",
        "pris": "1 200",
        "prisgrunnlag": "Råtomt",
        "eier": "Kommunal",
        "tilgjengelig fra": "01.03.2027",
        "merknad": "Fjellgrunn; nær Søndre gate",
    },
    {
        "kommunenummer": "5001",
        "gnr": 412,
        "bnr": 8,
        "tomtenavn": "Ørneløkka sør",
        "arealformål": "1350",
        "status": "Reservert",
        "pris": "950,50",
        "prisgrunnlag": "Opparbeidet",
        "eier": "Privat",
        "tilgjengelig fra": "",
        "merknad": "Opsjon til våren",
    },
    {
        "kommunenummer": "5035",
        "gnr": 9,
        "bnr": 110,
        "tomtenavn": "Tømmerås næringspark",
        "arealformål": "Kombinert formål",
        "status": "Solgt",
        "pris": "",
        "prisgrunnlag": "",
        "eier": "Offentlig",
        "tilgjengelig fra": "2026-06-01",
        "merknad": "Ærfuglvegen",
    },
]
#: Columns the built-in mapping does not use.
EXTRA = {"saksbehandler": ["Åse", "Bjørn", "Pål"]}


def _frame(records=RECORDS, *, extra=EXTRA):
    geoms = [shapely.box(569_000 + 200 * i, 7_032_000, 569_150 + 200 * i, 7_032_120) for i in range(len(records))]
    data = {key: [r[key] for r in records] for key in records[0]}
    data.update({k: v[: len(records)] for k, v in extra.items()})
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:25832")


def _zipped_shapefile(frame, folder, *, encoding, cpg):
    folder.mkdir()
    shp = folder / "tomter.shp"
    with warnings.catch_warnings():  # GDAL says it cut the long column names, as intended here
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.write_dataframe(frame, shp, encoding=encoding)
    for leftover in folder.glob("tomter.[cC][pP][gG]"):
        leftover.unlink()
    if cpg is not None:
        shp.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    target = folder.parent / f"{folder.name}.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for part in sorted(folder.iterdir()):
            zf.write(part, part.name)
    return target


def landreg(*args):
    return invoke(*args)


def _assert_all_mapped(reg, *, source_name):
    plots = {p.code: p for p in (reg.get_plot_by_code(c) for c in ("5001-412-7", "5001-412-8", "5035-9-110"))}
    first, second, third = plots["5001-412-7"], plots["5001-412-8"], plots["5035-9-110"]
    assert first.name == "Tomt ved Østre Rosten" and second.name == "Ørneløkka sør"
    assert third.name == "Tømmerås næringspark" and third.municipality_name == "Stjørdal"
    assert [p.zoning.value for p in (first, second, third)] == ["industry", "warehouse_logistics", "combined"]
    assert [p.status.value for p in (first, second, third)] == ["available", "reserved", "sold"]
    assert [p.owner_type.value for p in (first, second, third)] == ["municipal", "private", "public"]
    # 1 200 NOK/daa is 1.2 NOK/m²; "950,50" uses a decimal comma.
    assert first.price_min_nok_m2 == pytest.approx(1.2) and first.price_max_nok_m2 == pytest.approx(1.2)
    assert second.price_min_nok_m2 == pytest.approx(0.9505)
    assert first.price_basis.value == "raw" and second.price_basis.value == "serviced" and third.price_basis is None
    assert first.available_from == dt.date(2027, 3, 1) and second.available_from is None
    assert third.available_from == dt.date(2026, 6, 1)
    assert first.availability_note == "Fjellgrunn; nær Søndre gate"
    prov = first.provenance["*"]
    assert prov.source == source_name and prov.date == dt.date.today()
    assert prov.note == "imported with mapping 'kommune-no'"


def test_builtin_mappings_load_and_cite_their_code_list():
    assert {"kommune-no", "sosi-arealformal"} <= set(builtin_mapping_names())
    codes = load_mapping("sosi-arealformal")
    assert codes.values["zoning"]["1340"] == "industry" and codes.values["zoning"]["1310"] == "office"
    assert any("objektkatalog.geonorge.no" in s for s in codes.sources)
    norsk = load_mapping("kommune-no")  # extends the code list
    assert norsk.values["zoning"]["1350"] == "warehouse_logistics" and norsk.values["zoning"]["industri"] == "industry"


def test_geopackage_with_norwegian_columns_imports_every_value(tmp_path):
    source = tmp_path / "tomter.gpkg"
    pyogrio.write_dataframe(_frame(), source, layer="tomter")
    reg_path = tmp_path / "r.gpkg"
    out = landreg("import", source, "--mapping", "kommune-no", "--registry", reg_path)
    assert out.exit_code == 0, out.stderr
    assert "imported 3 plots from tomter.gpkg with mapping 'kommune-no'" in out.stdout
    assert "columns not imported: saksbehandler" in out.stdout
    with open_registry(reg_path) as reg:
        assert reg.count_plots() == 3
        _assert_all_mapped(reg, source_name="tomter.gpkg")


def test_zipped_latin1_shapefile_with_cut_column_names_imports_intact(tmp_path):
    source = _zipped_shapefile(_frame(), tmp_path / "tomter_shp", encoding="ISO-8859-1", cpg="ISO-8859-1")
    with zipfile.ZipFile(source) as zf:
        dbf = zf.read("tomter.dbf")
    assert "Ørneløkka".encode("latin-1") in dbf and "Ørneløkka".encode() not in dbf
    assert b"tilgjengel" in dbf and b"tilgjengeli" not in dbf  # dBase names are cut to 10 characters
    assert shapefile_encoding(source) == "latin-1"
    with open_registry(tmp_path / "r.gpkg", create=True) as reg:
        ids, report = import_with_mapping(reg, source, mapping="kommune-no", actor="test")
        assert len(ids) == 3 and report.not_understood == {}
        assert report.mapped["tilgjengel"] == ("available_from",) and report.mapped["arealformå"] == ("zoning",)
        _assert_all_mapped(reg, source_name=source.name)


@pytest.mark.parametrize(("encoding", "expected"), [("cp1252", "cp1252"), ("UTF-8", "utf-8")])
def test_shapefile_without_cpg_is_read_in_the_encoding_its_bytes_show(tmp_path, encoding, expected):
    # "formål" fits in 10 bytes in UTF-8 too (GDAL would cut "arealformål" inside the "å").
    frame = _frame().rename(columns={"arealformål": "formål"})
    source = _zipped_shapefile(frame, tmp_path / "uten_cpg", encoding=encoding, cpg=None)
    assert shapefile_encoding(source) == expected
    with open_registry(tmp_path / "r.gpkg", create=True) as reg:
        import_with_mapping(reg, source, mapping="kommune-no", actor="test")
        assert reg.get_plot_by_code("5035-9-110").name == "Tømmerås næringspark"


def test_cp1252_csv_keeps_norwegian_letters(tmp_path):
    frame = _frame()
    table = frame.drop(columns="geometry").assign(wkt=frame.geometry.to_wkt())
    source = tmp_path / "tomter.csv"
    source.write_bytes(table.to_csv(index=False).encode("cp1252"))
    source.with_suffix(".prj").write_text(frame.crs.to_wkt(), encoding="utf-8")
    assert text_file_encoding(source) == "cp1252"
    with open_registry(tmp_path / "r.gpkg", create=True) as reg:
        import_with_mapping(reg, source, mapping="kommune-no", actor="test")
        assert reg.get_plot_by_code("5001-412-8").name == "Ørneløkka sør"


def test_dry_run_reports_and_writes_nothing(tmp_path):
    bad = [
        dict(RECORDS[0], kommunenummer="0301"),  # Oslo: not a Trøndelag municipality
        dict(RECORDS[1], arealformål="Boliger"),
        dict(RECORDS[2], arealformål="boliger"),
    ]
    source = tmp_path / "tomter.gpkg"
    pyogrio.write_dataframe(_frame(bad), source)
    reg_path = tmp_path / "r.gpkg"
    with open_registry(reg_path, create=True):
        pass
    before = reg_path.read_bytes()
    out = landreg("import", source, "--mapping", "kommune-no", "--dry-run", "--registry", reg_path)
    assert out.exit_code == 1 and "Traceback" not in out.stderr
    assert "tomtenavn -> name" in out.stdout and "pris -> price_min_nok_m2, price_max_nok_m2" in out.stdout
    assert "columns not mapped (not imported): saksbehandler" in out.stdout
    assert "arealformål -> zoning: 'Boliger' (1), 'boliger' (1)" in out.stdout
    assert "row 1 (0301-412-7): municipality_no" in out.stdout and "unknown municipality number '0301'" in out.stdout
    assert "nothing was written" in out.stderr
    good = tmp_path / "good.gpkg"
    pyogrio.write_dataframe(_frame(), good)
    out = landreg("import", good, "--mapping", "kommune-no", "--dry-run", "--registry", reg_path)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert "dry run: 3 plots would be imported; nothing was written" in out.stdout
    assert reg_path.read_bytes() == before
    with open_registry(reg_path) as reg:
        assert reg.count_plots() == 0


def test_values_not_understood_stop_the_import_with_counts(tmp_path):
    bad = [dict(r, eier="Stiftelse") for r in RECORDS[:2]] + [RECORDS[2]]
    source = tmp_path / "tomter.gpkg"
    pyogrio.write_dataframe(_frame(bad), source)
    reg_path = tmp_path / "r.gpkg"
    out = landreg("import", source, "--mapping", "kommune-no", "--registry", reg_path)
    assert out.exit_code == 1 and "Traceback" not in out.stderr
    assert "eier -> owner_type: 'Stiftelse' (2)" in out.stderr and "nothing was written" in out.stderr
    assert not reg_path.exists()  # the registry this import would have created is not left behind empty


def test_bad_mappings_and_missing_columns_are_explained(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\nkommunenummer = "kommune_nr"\n[values.zoning]\nindustri = "fabrikk"\n', encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(bad)
    assert "unknown landreg field 'kommune_nr'" in str(err.value) and "'fabrikk'" in str(err.value)
    bad.write_text('[kolonner]\nkommunenummer = "municipality_no"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"unknown section \[kolonner\]"):
        load_mapping(bad)
    with pytest.raises(MappingError, match="unknown mapping 'finnes-ikke'"):
        load_mapping("finnes-ikke")
    source = tmp_path / "tomter.gpkg"
    pyogrio.write_dataframe(_frame().drop(columns="kommunenummer"), source)
    out = landreg("import", source, "--mapping", "kommune-no", "--registry", tmp_path / "r.gpkg")
    assert out.exit_code == 1 and "Traceback" not in out.stderr
    assert "needs column(s) ['kommunenummer']" in out.stderr
    assert not (tmp_path / "r.gpkg").exists()  # the file is checked before a registry is made


def test_unknown_cpg_encoding_is_an_error_in_the_users_terms(tmp_path):
    source = _zipped_shapefile(_frame(), tmp_path / "rar", encoding="UTF-8", cpg="EBCDIC-77")
    with pytest.raises(EncodingError, match="unknown character encoding 'EBCDIC-77'"):
        shapefile_encoding(source)


def test_a_cpg_that_does_not_fit_the_bytes_is_an_error_in_the_users_terms(tmp_path):
    source = _zipped_shapefile(_frame(), tmp_path / "feil_cpg", encoding="ISO-8859-1", cpg="UTF-8")
    out = landreg("import", source, "--mapping", "kommune-no", "--registry", tmp_path / "r.gpkg")
    assert out.exit_code == 1 and "Traceback" not in out.stderr
    assert "feil_cpg.zip: the attribute text is not UTF-8 as the file says" in out.stderr
    assert "correct the .cpg" in out.stderr
