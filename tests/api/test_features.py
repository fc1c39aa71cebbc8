"""The GeoJSON of scores is built by one function the route only returns."""

from __future__ import annotations

import numpy as np
import orjson
import pytest
import shapely
import shapely.geometry
from pyproj import Transformer

from api.features import SCORE_FEATURE_COLUMNS, scores_feature_collection
from landreg import analysis
from landreg.registry import open_registry


@pytest.fixture(scope="module")
def scored(read_api):
    with open_registry(read_api.registry_path) as reg:
        return analysis.score_registry(reg, profile="logistics", statuses=None)


def test_the_scores_route_returns_the_scores_feature_collection(read_api, scored):
    r = read_api.client.get(
        f"{read_api.url}/analysis/scores", params={"profile": "logistics", "status": "all", "f": "geojson", "limit": 7}
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    want = orjson.loads(orjson.dumps(scores_feature_collection(scored, limit=7), option=orjson.OPT_SERIALIZE_NUMPY))
    got = r.json()
    assert [f["id"] for f in got["features"]] == [f["id"] for f in want["features"]]
    assert got["features"] == want["features"]


def test_the_best_plots_come_first_with_their_contributions_and_profile(scored):
    features = scores_feature_collection(scored, limit=5)["features"]
    ranks = [f["properties"]["rank"] for f in features]
    assert len(features) == 5 and ranks == sorted(ranks)
    props = features[0]["properties"]
    assert set(SCORE_FEATURE_COLUMNS) <= set(props) | {"name"}
    assert any(k.startswith("contrib_") for k in props) and props["profile"] == "logistics"
    lon, lat = shapely.geometry.shape(features[0]["geometry"]).centroid.coords[0]
    assert 9 < lon < 12 and 62 < lat < 65  # CRS84, Trøndelag


def _decimals(coords) -> int:
    """The most decimals written in any coordinate of a GeoJSON coordinate array."""
    if isinstance(coords, (int, float)):
        text = repr(float(coords))
        return 0 if "e" in text or text.endswith(".0") else len(text.split(".")[1])
    return max((_decimals(c) for c in coords), default=0)


@pytest.mark.parametrize(("crs", "decimals"), [(None, 8), ("http://www.opengis.net/def/crs/EPSG/0/25832", 3)])
def test_coordinates_are_written_as_precisely_as_the_crs_needs(read_api, crs, decimals):
    """Degrees with 8 decimals, metres with 3: within the registry's 1 mm tolerance of the stored outline."""
    params = {"limit": 50, **({"crs": crs} if crs else {})}
    features = read_api.client.get("/collections/plots/items", params=params).json()["features"]
    assert max(_decimals(f["geometry"]["coordinates"]) for f in features) <= decimals
    with open_registry(read_api.registry_path) as reg:
        stored = reg.query_plots(plot_ids=[f["id"] for f in features]).set_index("plot_id").geometry
    to_metres = Transformer.from_crs("OGC:CRS84", 25832, always_xy=True)
    for feature in features:
        served = shapely.geometry.shape(feature["geometry"])
        if crs is None:
            served = shapely.transform(served, lambda xy: np.column_stack(to_metres.transform(xy[:, 0], xy[:, 1])))
        assert shapely.equals_exact(served, stored[feature["id"]], tolerance=0.001)
