"""One JSON cleaner: GeoJSON export, analysis results and map payloads treat odd values alike."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landreg.io.geojson import frame_to_feature_collection, write_geojson
from landreg.json_values import frame_records, json_value

ODD = [
    (float("nan"), None),
    (float("inf"), None),
    (-np.inf, None),
    (np.float32("nan"), None),
    (pd.NA, None),
    (pd.NaT, None),
    (None, None),
    (np.int64(7), 7),
    (np.float64(2.5), 2.5),
    (np.bool_(True), True),
    (dt.date(2025, 3, 1), "2025-03-01"),
    (pd.Timestamp("2025-03-01T10:30"), "2025-03-01T10:30:00"),
    ("Grønøra", "Grønøra"),
]


@pytest.mark.parametrize(("value", "expected"), ODD)
def test_json_value_cleans_each_kind_of_value(value, expected):
    got = json_value(value)
    assert got == expected and type(got) is type(expected)


def test_containers_are_cleaned_item_by_item_and_floats_rounded_on_request():
    assert json_value({"a": [np.int64(1), float("nan")], 2: (np.float64(1.26),)}) == {"a": [1, None], "2": [1.26]}
    assert json_value([1.26, float("inf")], digits=1) == [1.3, None]


def _strict_loads(text: str):
    def refuse(name: str):
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_geojson_export_writes_null_for_inf_and_missing_values(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "plot_id": ["a", "b"],
            "slope_deg": [np.inf, 1.5],
            "note": pd.array([pd.NA, "Sveberg"], dtype="string"),
            "seen": [pd.NaT, pd.Timestamp("2025-01-02")],
        },
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)],
        crs="EPSG:25832",
    )
    path = tmp_path / "out.geojson"
    write_geojson(frame, path)
    doc = _strict_loads(path.read_text(encoding="utf-8"))
    first, second = (f["properties"] for f in doc["features"])
    assert first["slope_deg"] is None and first["note"] is None and first["seen"] is None
    assert second == {"plot_id": "b", "slope_deg": 1.5, "note": "Sveberg", "seen": "2025-01-02T00:00:00"}
    records = frame_records(frame)
    fc = frame_to_feature_collection(frame)
    assert [f["properties"] for f in fc["features"]] == records


def test_map_payloads_use_the_core_cleaner():
    from maps import encode

    assert encode.json_value is json_value
