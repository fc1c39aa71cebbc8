"""The calibrated speed model against the cited reference drive times (bench/reference_drive_times.toml)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from landreg.enrich import build_road_network, load_enrich_inputs
from landreg.enrich.calibration import compare_drive_times, load_reference_drive_times
from landreg.errors import ConfigurationError
from landreg.layers import road_speed_kmh
from landreg.layers.speeds import osm_class_and_ramp, osm_class_speeds_kmh
from tests.landreg.layers.conftest import LAYERS_DIR

TABLE = Path(__file__).resolve().parents[3] / "bench" / "reference_drive_times.toml"
TARGET = 0.15


@pytest.fixture(scope="module")
def references():
    return load_reference_drive_times(TABLE)


@pytest.fixture(scope="module")
def roads():
    """The roads the enrichment routes on: OSM streets inside their coverage, N1000 outside."""
    roads = load_enrich_inputs(LAYERS_DIR).roads
    assert {"regional", "streets"} <= set(roads["network"])
    return roads


def _used_cars(references):
    return [r for r in references if r.mode == "car" and r.used]


def _car_errors(references, roads) -> np.ndarray:
    """Errors of the car references in use."""
    result = compare_drive_times(references, build_road_network(roads), layers_dir=LAYERS_DIR)
    cars = result[(result["mode"] == "car") & result["used"]]
    assert cars["model_min"].notna().all()
    return cars["error"].to_numpy()


def test_the_table_has_ten_cited_car_references_in_use(references):
    used = [r for r in references if r.mode == "car" and r.used]
    assert len(used) >= 10
    assert len({r.id for r in references}) == len(references)
    for r in references:
        assert r.url.startswith(("http://", "https://")) and len(r.gist) > 20
        assert 0 < r.minutes_low <= r.minutes_high
        # a reference is only set aside when its endpoint is undefined, and it says so
        assert r.used or r.not_used_reason.startswith("endpoint undefined")


def test_calibrated_speeds_meet_every_reference_in_use(references, roads):
    errors = np.abs(_car_errors(references, roads))
    assert len(errors) >= 10
    assert np.median(errors) <= 0.08
    assert errors.max() <= TARGET


def test_references_not_in_use_are_still_compared(references, roads):
    result = compare_drive_times(references, build_road_network(roads), layers_dir=LAYERS_DIR)
    unused = result[~result["used"]]
    assert set(unused["id"]) == {r.id for r in references if not r.used}
    assert unused["model_min"].notna().all() and (unused["model_min"] > 0).all()


def test_plain_class_speeds_are_too_fast(references, roads):
    """Without the built-up rules (class speeds everywhere) the trips through towns come out too fast."""
    plain = roads.copy()
    regional = (plain["network"] == "regional").to_numpy()
    streets = (plain["network"] == "streets").to_numpy()
    plain.loc[regional, "speed_kmh"] = [
        road_speed_kmh(t, c, m)
        for t, c, m in zip(
            plain.loc[regional, "typeVeg"],
            plain.loc[regional, "vegkategori"],
            plain.loc[regional, "motorvegtype"],
            strict=True,
        )
    ]
    plain.loc[streets, "speed_kmh"] = osm_class_speeds_kmh(*osm_class_and_ramp(plain.loc[streets, "highway"]))
    errors = _car_errors(references, plain)
    calibrated = _car_errors(references, roads)
    assert (errors <= calibrated + 1e-9).all()  # dropping the built-up rules only ever speeds a trip up
    # the trips from and to the city centre (through built-up areas) come out too fast
    city = [
        r.origin == "destination:city_centre" or r.target == "destination:city_centre" for r in _used_cars(references)
    ]
    assert (errors[city] < -TARGET).mean() >= 0.5
    assert np.median(np.abs(errors)) > 0.1 and (np.abs(errors) > TARGET).sum() >= 3


def test_a_malformed_table_says_what_is_wrong(tmp_path):
    bad = tmp_path / "refs.toml"
    bad.write_text('[[reference]]\nid = "x"\nfrom = "station:Hell"\nminutes_low = 40\nminutes_high = 30\n', "utf-8")
    with pytest.raises(ConfigurationError, match="lacks"):
        load_reference_drive_times(bad)
    bad.write_text(
        '[[reference]]\nid = "x"\nfrom = "station:Hell"\nto = "station:Hell"\nminutes_low = 40\nminutes_high = 30\n'
        'url = "https://example.org"\ngist = "g"\n',
        "utf-8",
    )
    with pytest.raises(ConfigurationError, match="minutes_low <= minutes_high"):
        load_reference_drive_times(bad)
    row = (
        '[[reference]]\nid = "x"\nfrom = "station:Hell"\nto = "station:Stjørdal"\nminutes_low = 10\n'
        'minutes_high = 10\nurl = "https://example.org"\ngist = "g"\nused = false\n'
    )
    bad.write_text(row, "utf-8")
    with pytest.raises(ConfigurationError, match="not_used_reason"):
        load_reference_drive_times(bad)
    bad.write_text(row.replace("used = false", 'used = "no"'), "utf-8")
    with pytest.raises(ConfigurationError, match="true or false"):
        load_reference_drive_times(bad)
