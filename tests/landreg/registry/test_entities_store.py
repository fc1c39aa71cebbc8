"""Business areas and road projects on both backends: stored, read back the same, edited one by one."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from landreg.errors import EntityNotFoundError, ValidationError


def _areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "area_id": ["torgard", "gronora"],
            "name": ["Torgård", "Grønøra/Orkanger"],
            "municipality_no": ["5001", "5059"],
            "area_type": ["logistics", "port"],
            "occupants": [[{"name": "Bring Øst", "nace": "49.41", "employees": 120}], []],
            "provenance": [{"*": {"source": "Trondheim kommune"}}, {}],
        },
        geometry=[shapely.box(566000, 7020000, 567000, 7021000), shapely.box(530000, 7020000, 531000, 7021000)],
        crs=25832,
    )


def _road(project_id: str, *, x0: float = 566000.0) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"project_id": [project_id], "name": ["Tilførsel Torgård – Tulluan"], "status": ["idea"], "speed_kmh": [60.0]},
        geometry=[shapely.LineString([(x0, 7020000), (x0 + 1500, 7021000)])],
        crs=25832,
    )


def test_business_areas_round_trip_with_norwegian_names(registry):
    assert registry.save_business_areas(_areas()) == 2
    got = registry.load_business_areas()
    assert list(got["name"]) == ["Torgård", "Grønøra/Orkanger"] and got.crs.to_epsg() == 25832
    assert got["occupants"].iloc[0] == [{"name": "Bring Øst", "nace": "49.41", "employees": 120}]
    assert got["provenance"].iloc[0]["*"]["source"] == "Trondheim kommune"
    assert got.geometry.iloc[0].geom_type == "MultiPolygon" and got.geometry.iloc[0].area == pytest.approx(1e6)
    assert registry.save_business_areas(_areas().iloc[[1]]) == 1  # replaces
    assert list(registry.load_business_areas()["area_id"]) == ["gronora"]


def test_road_projects_are_added_changed_and_ended(registry):
    assert registry.add_road_projects(_road("torgard_access")) == ["torgard_access"]
    with pytest.raises(ValidationError, match="already in the registry"):
        registry.add_road_projects(_road("torgard_access"))
    changed = registry.update_road_project("torgard_access", {"status": "funded", "expected_year": 2030})
    assert (changed["status"].iloc[0], changed["expected_year"].iloc[0]) == ("funded", 2030)
    moved = registry.update_road_project(
        "torgard_access", {}, geometry=shapely.LineString([(566100, 7020000), (566900, 7020800)]), crs=25832
    )
    assert moved.geometry.iloc[0].length == pytest.approx(800 * 2**0.5)
    with pytest.raises(ValidationError, match="outside the region"):
        registry.add_road_projects(_road("far_away", x0=100.0))
    registry.end_road_project("torgard_access")
    assert registry.load_road_projects().empty
    ended = registry.load_road_projects(include_cancelled=True)
    assert list(ended["status"]) == ["cancelled"] and ended["name"].iloc[0] == "Tilførsel Torgård – Tulluan"
    with pytest.raises(EntityNotFoundError, match="no road project 'nope'"):
        registry.get_road_project("nope")
