"""Round trips through every exchange format keep geometry and attributes."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import shapely

from landreg import UnsupportedFormatError, ValidationError, export_plots, import_plots, open_registry, read_plots
from landreg.io import write_plots
from landreg.testing import make_plot_frame

FORMATS = ["geojson", "gpkg", "shp", "zip", "csv", "parquet"]
VOLATILE = ["valid_from", "updated_at", "updated_by"]  # set anew by the receiving registry


@pytest.fixture
def rich_registry(registry):
    frame = make_plot_frame(12, seed=2)
    frame["name"] = frame["name"].astype(object)
    frame.at[0, "name"] = "Tomt ved Ørnevegen — æøå"
    frame["occupants"] = None
    frame.at[1, "occupants"] = json.dumps([{"name": "Stålhandel AS", "nace": "46.72", "employees": 40}])
    frame.at[2, "status"] = "locked"
    frame["decision_id"] = None
    frame.at[2, "decision_id"] = "torgard-terminal"
    frame["last_verified"] = "2025-05-01"
    frame["available_from"] = None
    frame.at[3, "available_from"] = "2030-01-01"
    geoms = list(frame.geometry)
    geoms[4] = shapely.MultiPolygon(
        [shapely.box(566400, 7020100, 566430, 7020130), shapely.box(566450, 7020100, 566470, 7020130)]
    )
    geoms[5] = shapely.box(566100, 7020100, 566180, 7020180).difference(shapely.box(566120, 7020120, 566140, 7020140))
    frame = frame.set_geometry(geoms)
    registry.add_plots(frame, actor="t")
    return registry


def _comparable(frame):
    out = frame.drop(columns=VOLATILE).sort_values("code").reset_index(drop=True)
    return out


@pytest.mark.parametrize("ext", FORMATS)
def test_round_trip(rich_registry, tmp_path, ext):
    path = tmp_path / f"plots.{ext}"
    n = export_plots(rich_registry, path)
    assert n == 12
    with open_registry(tmp_path / "copy.gpkg", create=True) as other:
        ids = import_plots(other, path, actor="t")
        assert len(ids) == 12
        a = _comparable(rich_registry.query_plots())
        b = _comparable(other.query_plots())
    assert list(a["plot_id"]) == list(b["plot_id"])  # ids survive the trip
    tol = 1e-6 if ext != "geojson" else 1e-3  # GeoJSON goes through CRS84
    for ga, gb in zip(a.geometry, b.geometry, strict=True):
        assert shapely.equals_exact(ga.normalize(), gb.normalize(), tolerance=tol)
    attrs = [c for c in a.columns if c not in ("geometry", "area_m2")]
    pd.testing.assert_frame_equal(a[attrs], b[attrs], check_dtype=False)
    assert b["area_m2"].to_numpy() == pytest.approx(a["area_m2"].to_numpy(), rel=1e-6)


def test_geojson_is_crs84_by_default_and_keeps_a_requested_crs(rich_registry, tmp_path):
    export_plots(rich_registry, tmp_path / "a.geojson")
    doc = json.loads((tmp_path / "a.geojson").read_text(encoding="utf-8"))
    x, y = doc["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 10 < x < 11 and 63 < y < 64
    assert isinstance(doc["features"][1]["properties"]["occupants"], list)
    export_plots(rich_registry, tmp_path / "b.geojson", crs="EPSG:25832")
    assert read_plots(tmp_path / "b.geojson").crs.to_epsg() == 25832


def test_export_of_a_query(rich_registry, tmp_path):
    n = export_plots(rich_registry, tmp_path / "q.gpkg", status="locked")
    assert n == 1
    assert list(read_plots(tmp_path / "q.gpkg")["status"]) == ["locked"]


def test_csv_with_lon_lat_reads_points_in_wgs84(tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text("name,lon,lat\nStål AS,10.42,63.44\n", encoding="utf-8")
    frame = read_plots(path)
    assert frame.crs.to_epsg() == 4326 and frame.geometry.iloc[0].x == pytest.approx(10.42)
    assert frame["name"].iloc[0] == "Stål AS"


def test_unknown_format(tmp_path):
    with pytest.raises(UnsupportedFormatError, match="suffix"):
        write_plots(make_plot_frame(1), tmp_path / "x.kml")


@pytest.mark.parametrize("name", ["plots.gpkg", "plots.shp", "plots.parquet"])
def test_a_file_that_is_not_what_its_suffix_says_is_refused_in_the_users_terms(tmp_path, name):
    """Text, or GeoParquet named .gpkg: a clear error naming the file and what to do, never GDAL's traceback."""
    bad = tmp_path / name
    bad.write_text("not a geodata file", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match=rf"{re.escape(name)}: cannot be read as .*--format") as caught:
        read_plots(bad)
    assert "<DRIVER>" not in str(caught.value)
    parquet_named_gpkg = tmp_path / "real.gpkg"
    make_plot_frame(3).to_parquet(parquet_named_gpkg)
    with pytest.raises(UnsupportedFormatError, match=r"real\.gpkg: cannot be read as gpkg"):
        read_plots(parquet_named_gpkg)
    assert len(read_plots(parquet_named_gpkg, fmt="geoparquet")) == 3


def test_shapefile_export_refuses_to_truncate(registry, tmp_path):
    frame = make_plot_frame(1)
    frame["availability_note"] = "x" * 400
    registry.add_plots(frame, actor="t")
    with pytest.raises(ValidationError, match="does not fit a Shapefile"):
        export_plots(registry, tmp_path / "x.shp")
    assert not (tmp_path / "x.shp").exists()


def test_write_table_keeps_nested_values_as_json_and_needs_geometry_for_geojson(tmp_path):
    import geopandas as gpd

    from landreg.io.write import write_table

    table = pd.DataFrame({"area": ["Tulluan", "Sveberg"], "codes": [["46.72"], []], "daa": [1.5, float("nan")]})
    write_table(table, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    assert [json.loads(v) for v in back["codes"]] == [["46.72"], []] and back["area"].tolist() == ["Tulluan", "Sveberg"]
    with pytest.raises(UnsupportedFormatError, match="GeoJSON needs geometries"):
        write_table(table, tmp_path / "t.geojson")
    frame = gpd.GeoDataFrame(table, geometry=[shapely.Point(570000, 7030000)] * 2, crs="EPSG:25832")
    doc = json.loads(write_table(frame, tmp_path / "t.geojson").read_text(encoding="utf-8"))
    assert doc["features"][0]["properties"]["codes"] == ["46.72"] and doc["features"][1]["properties"]["daa"] is None
