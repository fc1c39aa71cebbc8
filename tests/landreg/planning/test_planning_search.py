"""Site search filters by municipality and business area; a relocation frees the old site and takes up the new."""

from __future__ import annotations

import json

import pydantic
import pytest

from landreg.analysis import load_enriched_plots, search_registry
from landreg.errors import EntityNotFoundError, ValidationError
from landreg.registry import open_registry
from landreg.search import SiteRequirements
from landreg.supply.effective import effective_supply


@pytest.fixture
def demo(demo_path):
    with open_registry(demo_path) as reg:
        yield reg


def test_filters_by_municipality_name_or_number_and_area(demo):
    result = search_registry(demo, requirements=SiteRequirements(min_daa=5, municipality_no=["Stjørdal", "5028"]))
    assert len(result.sites) and set(result.sites["municipality_no"]) <= {"5035", "5028"}
    assert result.requirements.municipality_no == ["5035", "5028"]
    assert result.exclusion_summary["municipality"] > 0
    result = search_registry(demo, requirements=SiteRequirements(business_area_id=["Sveberg", "tulluan"]))
    assert len(result.sites) and set(result.sites["business_area_id"]) <= {"sveberg", "tulluan"}
    # independent check: the plots offered are exactly the available plots of those areas
    plots = load_enriched_plots(demo)
    wanted = plots[plots["business_area_id"].isin(["sveberg", "tulluan"]) & (plots["status"] == "available")]
    singles = result.sites[result.sites["kind"] == "plot"]
    assert set(singles["site_id"]) == set(wanted["code"])
    with pytest.raises(pydantic.ValidationError, match="Oslo"):
        SiteRequirements(municipality_no=["Oslo"])
    with pytest.raises(ValidationError, match="nowhere"):
        search_registry(demo, requirements=SiteRequirements(business_area_id=["nowhere"]))


def test_relocation_frees_the_old_site_and_takes_up_the_new(demo):
    req = SiteRequirements(min_daa=20, zoning=["industry"], max_minutes={"port": 25}, relocating="Norsk Stål")
    result = search_registry(demo, requirements=req)
    r = result.relocation
    best = result.sites.iloc[0]
    assert r["site_id"] == best["site_id"] and r["taken_codes"] == list(best["codes"])
    plots = load_enriched_plots(demo)
    home = plots.loc[[_occupied_by(occ, "Norsk Stål") for occ in plots["occupants"]], "code"].tolist()
    assert len(home) == 1 and r["freed_codes"] == home  # the plot the firm occupies
    # independent count: supply (available decares) before, and after freeing its plot and selling the site
    before = plots.loc[plots["status"] == "available", "area_m2"].sum() / 1000
    freed = plots.loc[plots["code"].isin(home), "area_m2"].sum() / 1000
    taken = plots.loc[plots["code"].isin(best["codes"]), "area_m2"].sum() / 1000
    assert r["region_supply_daa_before"] == pytest.approx(before)
    assert r["region_supply_daa_after"] == pytest.approx(before + freed - taken)
    assert r["net_supply_daa"] == pytest.approx(freed - taken) and r["taken_daa"] == pytest.approx(taken)
    to_area = best["business_area_id"]
    in_area = plots[(plots["business_area_id"] == to_area) & (plots["status"] == "available")]
    assert r["to_area_supply_daa_before"] == pytest.approx(in_area["area_m2"].sum() / 1000)
    assert r["to_area_supply_daa_after"] == pytest.approx(
        r["to_area_supply_daa_before"] - taken + (freed if to_area == r["business_area_id"] else 0.0)
    )
    assert "takes up" in result.to_text() and "net" in result.to_text()
    # the effective supply the record reports is the one of the plots after the move
    after = plots.copy()
    after.loc[after["code"].isin(home), "status"] = "available"
    after.loc[after["code"].isin(best["codes"]), "status"] = "sold"
    assert r["region_effective_daa_after"] == pytest.approx(
        effective_supply(after, profile="general").region["effective_daa"], rel=0.05
    )


def _occupied_by(occupants: object, firm: str) -> bool:
    firms = json.loads(occupants) if isinstance(occupants, str) else list(occupants or [])
    return any(f.get("name") == firm for f in firms)


def test_move_to_a_chosen_site(demo):
    req = SiteRequirements(min_daa=20, zoning=["industry"], max_minutes={"port": 25}, relocating="Norsk Stål")
    sites = search_registry(demo, requirements=req).sites
    second = sites.iloc[1]["site_id"]
    r = search_registry(demo, requirements=req.model_copy(update={"move_to": second})).relocation
    assert r["site_id"] == second and r["taken_codes"] == list(sites.iloc[1]["codes"])
    with pytest.raises(EntityNotFoundError, match="does not meet the requirements"):
        search_registry(demo, requirements=req.model_copy(update={"move_to": "NOPE-1"}))


def test_cli_search_filters_and_relocation(demo_path, run):
    res = run("search", "--min-daa", 5, "--municipality", "Stjørdal", "--area", "hell_vaernes", "--registry", demo_path)
    assert res.exit_code == 0, res.output
    assert "hell_vaernes" in res.output
    res = run("search", "--municipality", "Oslo", "--registry", demo_path)
    assert res.exit_code == 1 and "unknown municipality 'Oslo'" in res.output and "Traceback" not in res.output
    res = run("search", "--area", "nowhere", "--registry", demo_path)
    assert res.exit_code == 1 and "unknown business area 'nowhere'" in res.output
    res = run(
        "search",
        "--min-daa",
        20,
        "--zoning",
        "industry",
        "--max-minutes",
        "port=25",
        "--relocating",
        "Norsk Stål",
        "--registry",
        demo_path,
    )
    assert res.exit_code == 0 and "frees" in res.output and "takes up" in res.output
