"""The GeoJSON of scores is built by one function the route only returns."""

from __future__ import annotations

import orjson
import pytest
import shapely.geometry

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
