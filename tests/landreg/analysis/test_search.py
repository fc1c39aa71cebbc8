"""Site search with reasons, and a relocation counted back into supply."""

from __future__ import annotations

import json

import pytest

from landreg.scoring import FirmNotFoundError
from landreg.search import SiteRequirements, search_sites

from .conftest import small_frame, square


def _plots():
    base = {
        "municipality_no": "5001",
        "business_area_id": "x",
        "status": "available",
        "readiness": "build_ready",
        "zoning": "industry",
        "occupants": [],
        "price_min_nok_m2": 1000.0,
        "slope_mean_deg": 1.0,
        "port_travel_time_s": 600.0,
        "quick_clay_status": "clear",
        "flood_status": "clear",
        "protected_area_status": "clear",
        "quick_clay_share": 0.0,
        "flood_share": 0.0,
    }
    rows = [
        {**base, "code": "big", "geometry": square(0, 0, 150)},  # 22.5 daa
        {**base, "code": "half1", "geometry": square(1000, 0, 100)},  # 10 + 10 daa, touching
        {**base, "code": "half2", "geometry": square(1100, 0, 100)},
        {**base, "code": "far", "port_travel_time_s": 2400.0, "geometry": square(3000, 0, 200)},
        {**base, "code": "office", "zoning": "office", "geometry": square(5000, 0, 200)},
        {
            **base,
            "code": "clay",
            "quick_clay_status": "inside",
            "quick_clay_share": 0.6,
            "geometry": square(7000, 0, 200),
        },
        {
            **base,
            "code": "home",
            "status": "sold",
            "business_area_id": "port",
            "occupants": [{"name": "Norsk Stål", "nace": "46.72", "employees": 40}],
            "geometry": square(9000, 0, 120),
        },
    ]
    frame = small_frame(rows)
    frame["plot_id"] = frame["code"]
    return frame


def test_search_ranks_sites_and_says_why_others_are_left_out():
    req = SiteRequirements(
        min_daa=20,
        zoning=["industry"],
        max_minutes={"port": 25},
        max_quick_clay_share=0.2,
        profile="manufacturing",
        relocating="Norsk Stål",
    )
    result = search_sites(_plots(), requirements=req)
    sites = result.sites
    assert set(sites["site_id"]) == {"big", "half1+half2"}
    block = sites.set_index("site_id").loc["half1+half2"]
    assert block["kind"] == "block" and block["area_daa"] == pytest.approx(20.0)
    assert list(sites["rank"]) == [1.0, 2.0] and sites["score"].is_monotonic_decreasing
    assert all(len(h) == 3 for h in sites["helped"])
    reasons = result.excluded.set_index("code")["reasons"]
    assert reasons["far"] == ["time to port (s): 2,400 above the maximum 1,500 (port_travel_time_s)"]
    assert reasons["office"] == ["zoning: office is not one of ['industry']"]
    assert reasons["clay"] == ["quick clay share: 0.6 above the maximum 0.2 (quick_clay_share)"]
    assert any(r.startswith("own plot") for r in reasons["home"])
    assert reasons["half1"] == ["size (daa): 10.0 below the minimum 20.0 (area_daa)"]
    assert result.exclusion_summary["size (daa)"] == 2
    reloc = result.relocation
    assert reloc["freed_codes"] == ["home"] and reloc["freed_daa"] == pytest.approx(14.4)
    assert reloc["area_supply_daa_after"] - reloc["area_supply_daa_before"] == pytest.approx(14.4)
    json.dumps(result.to_dict())
    assert "half1+half2" in result.to_text()


def test_unknown_firm_is_an_error():
    with pytest.raises(FirmNotFoundError):
        search_sites(_plots(), requirements=SiteRequirements(relocating="Nobody AS"))


def test_nyhavna_steel_trader_on_the_bundled_data(demo_plots):
    plots, areas = demo_plots
    req = SiteRequirements(
        min_daa=20, zoning=["industry"], max_minutes={"port": 25}, profile="manufacturing", relocating="Norsk Stål"
    )
    result = search_sites(plots, requirements=req, areas=areas)
    sites = result.sites
    assert len(sites) >= 3
    assert (sites["area_daa"] >= 20).all() and (sites["port_min"] <= 25).all()
    assert (sites["zoning"] == "industry").all()
    assert sites["rank"].tolist() == sorted(sites["rank"].tolist())
    assert all(sites["helped"].map(len) > 0)
    assert {"zoning", "status", "time to port (s)"} <= set(result.exclusion_summary)
    home = plots[plots["occupants"].map(lambda occ: "Norsk Stål" in {f["name"] for f in _firms(occ)})]
    assert len(home) == 1  # the firm's plot, found by its occupant rather than by its code
    assert result.relocation["freed_codes"] == home["code"].tolist()
    assert result.relocation["freed_daa"] == pytest.approx(home["area_m2"].sum() / 1000)
    r = result.relocation  # the freed plot comes back into supply, the site moved to leaves it
    assert r["site_id"] == sites.iloc[0]["site_id"] and r["taken_daa"] == pytest.approx(sites.iloc[0]["area_daa"])
    assert r["region_supply_daa_after"] - r["region_supply_daa_before"] == pytest.approx(
        r["freed_daa"] - r["taken_daa"]
    )
    assert "Norsk Stål" in result.to_text()
    json.dumps(result.to_dict())


def _firms(occupants: object) -> list[dict]:
    return json.loads(occupants) if isinstance(occupants, str) else list(occupants or [])


def test_a_relocating_firm_is_no_neighbour_where_it_leaves(demo_plots):
    """Norsk Stål moves out of Nyhavna: the plots there must not gain synergy from it any more."""
    plots, areas = demo_plots
    req = SiteRequirements(
        min_daa=1, profile="manufacturing", industry_nace=["46.72"], relocating="Norsk Stål", combine_adjacent=False
    )
    without, left = areas.copy(), plots.copy()  # as they will be: the firm taken out of every list by hand
    for frame in (without, left):
        frame["occupants"] = [
            [o for o in occ if o.get("name") != "Norsk Stål"] if isinstance(occ, list) else occ
            for occ in frame["occupants"]
        ]
    assert sum("Norsk Stål" in str(occ) for occ in areas["occupants"]) == 1
    moved = search_sites(plots, requirements=req, areas=areas).sites.set_index("site_id")
    gone = search_sites(left, requirements=req.model_copy(update={"relocating": None}), areas=without).sites.set_index(
        "site_id"
    )
    shared = moved.index.intersection(gone.index)
    assert len(shared) > 10
    for col in ("synergy_score", "score"):
        assert moved.loc[shared, col].to_numpy() == pytest.approx(gone.loc[shared, col].to_numpy(), nan_ok=True)
