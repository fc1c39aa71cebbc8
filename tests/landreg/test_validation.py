"""Bad input: every kind is rejected with a message naming the record and problem, and nothing is written."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from landreg import CRSError, ValidationError
from landreg.io import read_plots
from landreg.testing import make_plot_frame


def _state(registry) -> str:
    """A digest of every row of every table: equal digests mean nothing was written."""
    dump = "\n".join(registry._conn.iterdump())
    return hashlib.sha256(dump.encode()).hexdigest()


def _set(col, value):
    def change(frame):
        frame[col] = frame[col].astype(object) if col in frame else None
        frame.at[1, col] = value
        return frame

    return change


def _geom(geom, crs=None):
    def change(frame):
        geoms = list(frame.geometry)
        with np.errstate(invalid="ignore"):
            geoms[1] = geom() if callable(geom) else geom
        return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geoms, crs=crs or frame.crs)

    return change


BOWTIE = shapely.Polygon([(566100, 7020000), (566200, 7020100), (566200, 7020000), (566100, 7020100)])

BAD_INPUTS = {
    "missing geometry": (_geom(None), "geometry is missing"),
    "empty geometry": (_geom(shapely.Polygon()), "empty"),
    "point geometry": (_geom(shapely.Point(566000, 7020000)), "got a Point"),
    "line geometry": (_geom(shapely.LineString([(566000, 7020000), (566100, 7020100)])), "got a LineString"),
    "self-intersection": (_geom(BOWTIE), "Self-intersection"),
    "nan coordinates": (
        _geom(lambda: shapely.from_wkt("POLYGON ((566000 7020000, 566100 NaN, 566100 7020100, 566000 7020000))")),
        "NaN",
    ),
    "outside the region": (_geom(shapely.box(597000, 6640000, 597100, 6640100)), "outside the region extent"),
    "lon/lat declared as UTM": (_geom(shapely.box(10.39, 63.42, 10.40, 63.43)), "outside the region extent"),
    "sliver below 1 m²": (_geom(shapely.box(566000, 7020000, 566000.5, 7020000.5)), "below the minimum"),
    "negative price": (_set("price_min_nok_m2", -5.0), "greater than or equal to 0"),
    "max price below min": (_set("price_max_nok_m2", 1.0), "below price_min_nok_m2"),
    "unknown status": (_set("status", "for_sale"), "status"),
    "unknown zoning": (_set("zoning", "housing"), "zoning"),
    "unknown municipality": (_set("municipality_no", "9999"), "unknown municipality number"),
    "municipality name mismatch": (_set("municipality_name", "Oslo"), "does not match"),
    "locked without decision": (_set("status", "locked"), "decision_id"),
    "missing code": (_set("code", None), "code"),
    "malformed code": (_set("code", "has spaces in it"), "code"),
    "duplicate code": (_set("code", "T-000000"), "duplicate code"),
    "unknown column": (_set("colour", "red"), "unknown column 'colour'"),
    "bad JSON": (_set("utilities", "[water"), "expected JSON"),
    "unknown utility": (_set("utilities", '["water", "gold"]'), "utilities"),
    "malformed NACE code": (_set("occupants", '[{"name": "Stål AS", "nace": "steel"}]'), "nace"),
    "bad date": (_set("last_verified", "2025-13-45"), "last_verified"),
    "not a boolean": (_set("requires_new_road", "maybe"), "requires_new_road"),
    "unknown provenance field": (_set("provenance", '{"colour": {"source": "x"}}'), "unknown field"),
    "overlap in batch": (_geom(shapely.box(566010, 7020010, 566050, 7020050)), "overlaps row 1"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_rejected_and_nothing_written(registry, case):
    registry.add_plots(make_plot_frame(2, prefix="OLD", origin=(570_000.0, 7_030_000.0)), actor="t")
    before = _state(registry)
    change, expected = BAD_INPUTS[case]
    frame = change(make_plot_frame(3))
    with pytest.raises(ValidationError) as info:
        registry.add_plots(frame, actor="t")
    message = str(info.value)
    assert expected in message, message
    assert "row 2" in message or "all records" in message, message  # names the record, counting from 1
    assert _state(registry) == before


def test_overlap_with_a_stored_plot(registry):
    registry.add_plots(make_plot_frame(3), actor="t")
    before = _state(registry)
    frame = make_plot_frame(1, prefix="NEW", origin=(566_010.0, 7_020_010.0))
    with pytest.raises(ValidationError, match="overlaps live plot"):
        registry.add_plots(frame, actor="t")
    assert _state(registry) == before


def test_missing_crs_is_an_error(registry):
    frame = make_plot_frame(2).set_crs(None, allow_override=True)
    before = _state(registry)
    with pytest.raises(CRSError, match="no coordinate reference system"):
        registry.add_plots(frame, actor="t")
    assert _state(registry) == before


def test_unknown_crs_is_an_error(tmp_path):
    path = tmp_path / "plots.csv"
    path.write_text('code,wkt\nA-1,"POLYGON((0 0,1 0,1 1,0 0))"\n', encoding="utf-8")
    with pytest.raises(CRSError, match="unknown coordinate reference system"):
        read_plots(path, crs="EPSG:999999")
    with pytest.raises(CRSError, match="need a CRS"):
        read_plots(path)


def test_bulk_import_reports_every_bad_record(registry):
    frame = make_plot_frame(500, seed=7)
    frame["status"] = frame["status"].astype(object)
    frame["price_min_nok_m2"] = frame["price_min_nok_m2"].astype(object)
    frame.at[17, "status"] = "gone"
    frame.at[250, "price_min_nok_m2"] = -1
    geoms = list(frame.geometry)
    geoms[499] = shapely.Point(566000, 7020000)
    frame = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geoms, crs=frame.crs)
    with pytest.raises(ValidationError) as info:
        registry.add_plots(frame, actor="t")
    records = {p.record for p in info.value.problems}
    assert records == {"row 18 (T-000017)", "row 251 (T-000250)", "row 500 (T-000499)"}
    assert {p.field for p in info.value.problems} == {"status", "price_min_nok_m2", "geometry"}
    assert registry.count_plots(include_ended=True) == 0


def test_repair_is_only_done_when_asked(registry):
    frame = _geom(BOWTIE)(make_plot_frame(3))
    with pytest.raises(ValidationError, match="Self-intersection"):
        registry.add_plots(frame, actor="t")
    ids = registry.add_plots(frame, actor="t", repair=True)
    repaired = registry.get_plot(ids[1]).geometry
    assert repaired.is_valid and repaired.area == pytest.approx(5000)


def test_update_is_validated_too(loaded):
    reg, ids = loaded
    before = _state(reg)
    with pytest.raises(ValidationError, match="price_basis"):
        reg.update_plot(ids[0], {"price_basis": None}, expected_version=1, actor="t")
    with pytest.raises(ValidationError, match="overlaps live plot"):
        reg.update_plot(ids[0], {"geometry": reg.get_plot(ids[1]).geometry}, expected_version=1, actor="t", crs=25832)
    assert _state(reg) == before


def test_geojson_with_bad_structure(tmp_path, registry):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "Topology"}), encoding="utf-8")
    with pytest.raises(ValidationError, match="FeatureCollection"):
        read_plots(path)


def test_every_kind_of_problem_is_reported_in_order():
    """Columns, then geometries, then each record's attributes, then identifiers, then overlaps."""
    from landreg.validation import validate_plots

    frame = make_plot_frame(6, seed=3).astype({"code": object, "utilities": object, "status": object})
    frame["colour"] = "red"
    frame.at[4, "code"] = "T-000000"
    frame.at[2, "utilities"] = "[water"
    frame.at[3, "status"] = "for_sale"
    geoms = list(frame.geometry)
    geoms[1] = shapely.Point(566000, 7020000)
    geoms[5] = shapely.box(*geoms[0].bounds)
    frame = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geoms, crs=frame.crs)
    with pytest.raises(ValidationError) as info:
        validate_plots(frame, existing_codes=lambda codes: {"T-000003"} & set(codes))
    found = [(p.record, p.field, p.message) for p in info.value.problems]
    expected = [
        ("all records", "colour", "unknown column 'colour'; expected plot fields such as"),
        ("row 2 (T-000001)", "geometry", "expected a Polygon or MultiPolygon, got a Point"),
        ("row 3 (T-000002)", "utilities", "expected JSON (a list or object), got '[water'"),
        ("row 4 (T-000003)", "status", "Input should be 'available', 'reserved', 'sold', 'locked' or 'planned'"),
        ("row 5 (T-000000)", "code", "duplicate code 'T-000000'; also in row 1 (T-000000)"),
        ("row 4 (T-000003)", "code", "code 'T-000003' is already used by a live plot"),
        ("row 6 (T-000005)", "geometry", "overlaps row 1 (T-000000) in the same batch by"),
    ]
    assert [(r, f) for r, f, _ in found] == [(r, f) for r, f, _ in expected]
    for (_, _, message), (_, _, start) in zip(found, expected, strict=True):
        assert message.startswith(start), message


def test_one_record_is_validated_without_building_frames(monkeypatch):
    """An edit checks its one plot as a record: the same result as through a frame, and no DataFrame built."""
    import pandas as pd

    from landreg.plot_input import PlotRecords
    from landreg.validation import validate_plots

    frame = make_plot_frame(3, seed=5)
    records = [{k: v for k, v in row.items() if k != "geometry"} for row in frame.to_dict(orient="records")]
    given = PlotRecords(records, list(frame.geometry), 25832)
    built: list[str] = []
    original = pd.DataFrame.__init__

    def counting_init(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "__init__", counting_init)
    as_records = validate_plots(given)
    assert built == []
    monkeypatch.setattr(pd.DataFrame, "__init__", original)
    as_frame = validate_plots(frame)
    assert [a.model_dump() for a in as_records.attributes] == [a.model_dump() for a in as_frame.attributes]
    assert shapely.equals(as_records.geometries, as_frame.geometries).all()
    bad = PlotRecords([{**records[0], "status": "for_sale"}], [frame.geometry.iloc[0]], 25832)
    with pytest.raises(ValidationError, match="status"):
        validate_plots(bad)
