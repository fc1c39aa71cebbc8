"""Zoning plans in the national plan GML (SOSI Plan 5.0 and 4.x) become business-land plots."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import shapely

from landreg import open_registry
from landreg.plans import PlanGmlError, import_plan, read_plan_gml
from landreg.plans.propose import propose_business_land
from tests.landreg.plans._gml import kommuneplan_45, polygon, rect, reguleringsplan_50, rp_area

BOX = polygon(rect(565000, 7030000, 565200, 7030150))


def landreg(*args):
    return subprocess.run(
        [sys.executable, "-m", "landreg.cli", *map(str, args)], capture_output=True, text=True, env=dict(os.environ)
    )


@pytest.fixture
def rp50(tmp_path):
    path = tmp_path / "reguleringsplan-5.0.gml"
    path.write_text(reguleringsplan_50(), encoding="utf-8")
    return path


@pytest.fixture
def kp45(tmp_path):
    path = tmp_path / "kommuneplan-4.5.gml"
    path.write_text(kommuneplan_45(), encoding="utf-8")
    return path


def test_plan_50_is_read_with_plans_areas_zones_holes_and_crs(rp50):
    doc = read_plan_gml(rp50)
    assert doc.specification == "Reguleringsplanforslag 5.0"
    plans = {p.plan_id: p for p in doc.plans}
    assert set(plans) == {"5001_r20230012", "5001_r20240007"}
    adopted = plans["5001_r20230012"]
    assert adopted.name == "Ørneløkka næringsområde, Tulluan" and adopted.status_code == 3
    assert adopted.adopted_on == dt.date(2024, 2, 15) and adopted.kind == "reguleringsplan"
    areas = {a.name: a for a in doc.areas}
    assert areas["BI1"].plan is adopted and areas["BK1"].plan is plans["5001_r20240007"]  # by xlink
    assert areas["BI1"].geometry.area == pytest.approx(200 * 150 - 40 * 30)  # the hole is kept
    assert len(areas["BI1"].geometry.interiors) == 1
    assert areas["BL1"].geometry.geom_type == "MultiPolygon" and areas["BL1"].geometry.area == pytest.approx(16_000)
    # Given in EPSG:25833, stored in EPSG:25832: back on the drawn rectangle within millimetres.
    drawn = shapely.box(565500, 7030000, 565600, 7030100)
    assert shapely.symmetric_difference(areas["BK1"].geometry, drawn).area < 0.5  # written to the millimetre
    assert {(z.feature_type, z.code) for z in doc.zones} == {("RpBåndleggingSone", 710), ("RpFareSone", 310)}
    assert doc.not_read == {"RpFormålGrense": 1}


def test_plan_45_reads_rings_of_segments_in_3d_and_links_by_plan_id(kp45):
    doc = read_plan_gml(kp45)
    assert doc.specification == "Kommuneplaner 4.5" and [p.plan_id for p in doc.plans] == ["5001_kpa2022"]
    assert doc.plans[0].kind == "kommuneplan" and "Tiller–Søråsen" in doc.plans[0].name
    business = next(a for a in doc.areas if a.code == 1300)
    assert business.name == "N12 Søråsen næring" and business.geometry.area == pytest.approx(400 * 300 - 50 * 50)


@pytest.mark.parametrize("fixture", ["rp50", "kp45"])
def test_both_versions_import_with_zoning_plan_id_and_a_bandlegging_lock(fixture, request, tmp_path):
    source = request.getfixturevalue(fixture)
    reg_path = tmp_path / "r.gpkg"
    out = landreg("plans", "import", source, "--registry", reg_path, "--actor", "planlegger")
    assert out.returncode == 0, out.stderr
    with open_registry(reg_path) as reg:
        plots = reg.query_plots()
        decisions = {d.decision_id: d for d in reg.load_decisions()}
    locked = plots[plots["status"] == "locked"]
    assert len(locked) == 1 and locked["decision_id"].iloc[0] in decisions
    decision = decisions[locked["decision_id"].iloc[0]]
    assert decision.status == "pending" and {o.name for o in decision.outcomes} == {"lifted", "confirmed"}
    assert "i påvente av vedtak" in locked["availability_note"].iloc[0]
    if fixture == "rp50":
        by_code = plots.set_index("code")
        assert sorted(by_code.index) == ["r20230012-BI1", "r20230012-BL1", "r20240007-BK1"]
        assert by_code.loc["r20230012-BI1", "zoning"] == "industry"
        assert by_code.loc["r20230012-BL1", "zoning"] == "warehouse_logistics"
        assert by_code.loc["r20230012-BL1", "status"] == "locked" and "Båndlegging" in decision.title
        assert by_code.loc["r20240007-BK1", "zoning"] == "office"
        assert by_code.loc["r20230012-BI1", "plan_id"] == "5001_r20230012"
        assert by_code.loc["r20230012-BI1", "plan_status"] == "adopted"
        assert (
            by_code.loc["r20230012-BI1", "readiness"] == "zoned" and by_code.loc["r20230012-BI1", "status"] == "planned"
        )
        assert by_code.loc["r20240007-BK1", "plan_status"] == "in_progress"
        assert (
            "faresone 310 Ras- og skredfare over 26% of the area" in by_code.loc["r20230012-BI1", "availability_note"]
        )
        assert by_code.loc["r20230012-BI1", "area_m2"] == pytest.approx(28_800)
        assert "1 area(s): arealformål 1111 is not business land" in out.stdout
    else:
        (row,) = plots.to_dict(orient="records")
        assert row["zoning"] == "combined" and row["plan_id"] == "5001_kpa2022" and row["plan_status"] == "adopted"
        assert row["name"] == "N12 Søråsen næring (Kommuneplanens arealdel 2022–2034, Trondheim (Tiller–Søråsen))"
        assert "740" in decision.title and "høyspentlinje" in decision.title
    prov = plots["provenance"].iloc[0]["*"]
    assert prov["source"] == source.name and prov["date"] == dt.date.today().isoformat()
    assert prov["note"].startswith("imported from plan 5001_")


def test_dry_run_writes_nothing(rp50, tmp_path):
    reg_path = tmp_path / "r.gpkg"
    with open_registry(reg_path, create=True):
        pass
    before = reg_path.read_bytes()
    out = landreg("plans", "import", rp50, "--dry-run", "--registry", reg_path)
    assert out.returncode == 0, out.stderr
    assert "3 plots of business land" in out.stdout and "dry run: nothing was written" in out.stdout
    assert reg_path.read_bytes() == before


def test_a_plot_that_fails_validation_writes_neither_plots_nor_decisions(rp50, tmp_path):
    with open_registry(tmp_path / "r.gpkg", create=True) as reg:
        first = import_plan(reg, rp50, actor="a")
        assert reg.count_plots() == 3 and len(first.decisions) == 1
        again = tmp_path / "again.gml"  # the same land again overlaps the stored plots
        again.write_text(reguleringsplan_50(bi1="", bk1="").replace("r20230012", "r20230099"), encoding="utf-8")
        with pytest.raises(Exception, match="overlaps live plot") as err:
            import_plan(reg, again, actor="a")
        assert "nothing was written" in str(err.value)
        assert reg.count_plots() == 3 and len(reg.load_decisions()) == 1


def test_plans_become_business_areas_on_request(rp50, tmp_path):
    reg_path = tmp_path / "r.gpkg"
    out = landreg("plans", "import", rp50, "--as", "areas", "--registry", reg_path)
    assert out.returncode == 0, out.stderr
    with open_registry(reg_path) as reg:
        areas = reg.load_business_areas()
        assert reg.count_plots() == 0
    assert sorted(areas["area_type"]) == ["industry", "logistics", "office"]
    assert "Ørneløkka" in " ".join(areas["name"])
    again = landreg("plans", "import", rp50, "--as", "areas", "--registry", reg_path)
    assert (
        again.returncode == 1
        and "are already in the registry" in again.stderr
        and "nothing was written" in again.stderr
    )
    with open_registry(reg_path) as reg:
        assert len(reg.load_business_areas()) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<gml:FeatureCollection", "line 1: not well-formed XML"),
        (reguleringsplan_50(plan2=""), "xlink:href '#_plan2' names no Arealplan in the file"),
        (
            reguleringsplan_50(bi1=rp_area("_bi1", plan="_plan1", code="industri", felt="BI1", geometry=BOX)),
            "feature _bi1: RpArealformålOmråde without a numeric arealformål; got 'industri'",
        ),
        (reguleringsplan_50().replace('srsName="EPSG:25833"', 'srsName="EPSG:4258"'), "is not a projected CRS"),
        (reguleringsplan_50().replace("/5.0", "/3.0"), "expected version 4.x or 5.0"),
    ],
)
def test_bad_plan_files_name_file_line_and_feature(tmp_path, text, expected):
    path = tmp_path / "plan.gml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanGmlError, match=expected.replace("(", r"\(").replace(")", r"\)")) as err:
        read_plan_gml(path)
    assert "plan.gml" in str(err.value)
    out = landreg("plans", "import", path, "--registry", tmp_path / "r.gpkg")
    assert out.returncode == 1 and "Traceback" not in out.stderr and "plan.gml" in out.stderr
    assert not (tmp_path / "r.gpkg").exists()  # the file is read before a registry is made


def test_arcs_are_refused_with_the_line(tmp_path):
    arc = (
        '<gml:Polygon gml:id="arc" srsName="EPSG:25832"><gml:exterior><gml:Ring><gml:curveMember><gml:Curve gml:id="c">'
        "<gml:segments><gml:Arc><gml:posList>565000 7030000 565100 7030050 565000 7030100</gml:posList></gml:Arc>"
        "</gml:segments></gml:Curve></gml:curveMember></gml:Ring></gml:exterior></gml:Polygon>"
    )
    text = reguleringsplan_50(bolig=rp_area("_bfs1", plan="_plan1", code=1111, felt="BFS1", geometry=arc))
    path = tmp_path / "arc.gml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanGmlError, match=r"arc.gml, line \d+.*curved segment gml:Arc is not read"):
        read_plan_gml(path)


def test_repealed_plans_are_left_out(tmp_path):
    path = tmp_path / "opphevet.gml"
    path.write_text(reguleringsplan_50().replace("<app:planstatus>3<", "<app:planstatus>4<"), encoding="utf-8")
    proposal = propose_business_land(read_plan_gml(path))
    assert list(proposal.plots["code"]) == ["r20240007-BK1"]
    assert proposal.left_out["plan 5001_r20230012 has status 4 (Opphevet), not in force"] == 2


def test_a_46_reguleringsplan_with_rpomrade_as_the_plan_is_read(tmp_path):
    text = kommuneplan_45().replace("Kommuneplaner/4.5", "Reguleringsplaner/4.6")
    for kp in ("KpOmråde", "KpArealformålOmråde", "KpBåndleggingSone"):
        text = text.replace(kp, "Rp" + kp[2:])
    path = tmp_path / "rp46.gml"
    path.write_text(text, encoding="utf-8")
    doc = read_plan_gml(path)
    assert doc.specification == "Reguleringsplaner 4.6" and doc.plans[0].kind == "reguleringsplan"
    proposal = propose_business_land(doc)
    (row,) = proposal.plots.to_dict(orient="records")
    assert row["status"] == "locked" and row["zoning"] == "combined" and row["plan_id"] == "5001_kpa2022"
