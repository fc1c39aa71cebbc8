"""The speed model: class speeds outside built-up areas, urban factor and junction delay inside."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from landreg.errors import ConfigurationError
from landreg.layers.speeds import (
    OSM_ROAD_SPEEDS_KMH,
    OSM_URBAN_JUNCTION_DELAY_S,
    OSM_URBAN_SPEED_FACTOR,
    ROAD_SPEEDS_KMH,
    URBAN_JUNCTION_DELAY_S,
    URBAN_SPEED_FACTOR,
    calibrated_osm_speeds_kmh,
    calibrated_speeds_kmh,
    osm_class_speeds_kmh,
)

X, Y = 560_000.0, 7_030_000.0


def _roads(lines, cats, mtypes=None, kinds=None):
    n = len(lines)
    return gpd.GeoDataFrame(
        {
            "typeVeg": kinds or ["enkelBilveg"] * n,
            "vegkategori": cats,
            "motorvegtype": mtypes or [None] * n,
        },
        geometry=[shapely.LineString(c) for c in lines],
        crs="EPSG:25832",
    )


def test_urban_share_and_junction_delay_give_the_effective_speed():
    town = gpd.GeoDataFrame(geometry=[shapely.box(X + 5_000, Y - 500, X + 20_000, Y + 500)], crs="EPSG:25832")
    roads = _roads(
        [
            [(X, Y), (X + 10_000, Y)],  # county road, half inside the town, ends at a junction inside
            [(X + 10_000, Y), (X + 12_000, Y)],
            [(X + 10_000, Y), (X + 10_000, Y + 300)],
            [(X, Y + 5_000), (X + 4_000, Y + 5_000)],  # motorway outside the town
            [(X, Y + 5_000), (X + 3_000, Y + 5_000)],  # car ferry outside
        ],
        ["F", "K", "K", "E", None],
        mtypes=[None, None, None, "motorveg", None],
        kinds=["enkelBilveg"] * 4 + ["bilferje"],
    )
    speed = calibrated_speeds_kmh(roads, built_up=town)
    v = ROAD_SPEEDS_KMH["F"] / 3.6
    time_s = 5_000 / v + 5_000 / (URBAN_SPEED_FACTOR["other"] * v) + URBAN_JUNCTION_DELAY_S / 2
    assert speed[0] == pytest.approx(10_000 / time_s * 3.6, abs=0.01)
    assert speed[3] == ROAD_SPEEDS_KMH["motorveg"] and speed[4] == ROAD_SPEEDS_KMH["bilferje"]
    assert speed[1] < ROAD_SPEEDS_KMH["K"] * URBAN_SPEED_FACTOR["other"]  # inside, plus half a junction delay


def test_frames_in_different_crs_are_refused():
    roads = _roads([[(X, Y), (X + 100, Y)]], ["K"])
    town = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    with pytest.raises(ConfigurationError, match="same CRS"):
        calibrated_speeds_kmh(roads, built_up=town)


def test_class_speeds_can_be_overridden_for_a_calibration_search():
    roads = _roads([[(X, Y), (X + 1_000, Y)], [(X, Y + 100), (X + 1_000, Y + 100)]], ["E", "K"])
    town = gpd.GeoDataFrame(geometry=[shapely.box(X + 5_000, Y - 500, X + 6_000, Y + 500)], crs="EPSG:25832")
    speed = calibrated_speeds_kmh(roads, built_up=town, speeds_kmh={"E": 77.0})
    assert speed.tolist() == [77.0, ROAD_SPEEDS_KMH["K"]]
    assert calibrated_speeds_kmh(roads, built_up=town)[0] == ROAD_SPEEDS_KMH["E"]


def _streets(lines, classes, ramps=None):
    n = len(lines)
    return gpd.GeoDataFrame(
        {"highway": [c + "_link" if r else c for c, r in zip(classes, ramps or [False] * n, strict=True)]},
        geometry=[shapely.LineString(c) for c in lines],
        crs="EPSG:25832",
    )


def test_osm_streets_get_class_speeds_outside_towns_and_the_urban_rules_inside():
    town = gpd.GeoDataFrame(geometry=[shapely.box(X + 5_000, Y - 500, X + 20_000, Y + 500)], crs="EPSG:25832")
    streets = _streets(
        [
            [(X, Y), (X + 10_000, Y)],  # primary road, half inside the town, ends at a junction of main roads
            [(X + 10_000, Y), (X + 12_000, Y)],  # secondary
            [(X + 10_000, Y), (X + 10_000, Y + 300)],  # tertiary
            [(X + 6_000, Y + 100), (X + 7_000, Y + 100)],  # trunk inside the town: the motorway factor
            [(X + 7_000, Y + 100), (X + 7_000, Y + 400)],  # a trunk ramp there: never a junction, motorway factor
            [(X, Y + 5_000), (X + 1_000, Y + 5_000)],  # service road outside
        ],
        ["primary", "secondary", "tertiary", "trunk", "trunk", "service"],
        ramps=[False, False, False, False, True, False],
    )
    speed = calibrated_osm_speeds_kmh(streets, built_up=town)
    v = OSM_ROAD_SPEEDS_KMH["primary"] / 3.6
    time_s = 5_000 / v + 5_000 / (OSM_URBAN_SPEED_FACTOR["other"] * v) + OSM_URBAN_JUNCTION_DELAY_S / 2
    assert speed[0] == pytest.approx(10_000 / time_s * 3.6, abs=0.01)
    assert speed[3] == pytest.approx(OSM_ROAD_SPEEDS_KMH["trunk"] * OSM_URBAN_SPEED_FACTOR["motorway"])
    assert speed[4] == pytest.approx(OSM_ROAD_SPEEDS_KMH["ramp"] * OSM_URBAN_SPEED_FACTOR["motorway"])
    assert speed[5] == OSM_ROAD_SPEEDS_KMH["service"]
    # a driveway or a side street meeting a main road is no junction: no delay
    side = _streets(
        [[(X + 6_000, Y), (X + 8_000, Y)], [(X + 8_000, Y), (X + 9_000, Y)], [(X + 8_000, Y), (X + 8_000, Y + 50)]],
        ["primary", "primary", "service"],
    )
    plain = calibrated_osm_speeds_kmh(side, built_up=town)
    assert plain[0] == pytest.approx(OSM_ROAD_SPEEDS_KMH["primary"] * OSM_URBAN_SPEED_FACTOR["other"])


def test_osm_classes_without_a_speed_are_refused():
    with pytest.raises(ConfigurationError, match="minor_construction"):
        osm_class_speeds_kmh(np.array(["minor", "minor_construction"], dtype=object), np.array([False, False]))
    speeds = osm_class_speeds_kmh(
        np.array(["motorway", "motorway", "trunk"], dtype=object), np.array([False, True, True])
    )
    assert speeds.tolist() == [
        OSM_ROAD_SPEEDS_KMH["motorway"],
        OSM_ROAD_SPEEDS_KMH["motorway_ramp"],
        OSM_ROAD_SPEEDS_KMH["ramp"],
    ]
