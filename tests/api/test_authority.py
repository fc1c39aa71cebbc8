"""Authority follows the ground: a plot's municipality and business area come from where its geometry lies.

The role check uses the municipality the plot lies in, before and after the change, so a label can
never let a planner write outside their municipalities, and no one can store a plot under a
municipality or business area it does not lie in (422, naming both).
"""

from __future__ import annotations

import shapely

from landreg.registry import open_registry

PLOTS = "/collections/plots/items"
# Free spots well away from the demonstration plots (CRS84): one in Trondheim, one in Skaun.
TRONDHEIM = [[10.300, 63.400], [10.302, 63.400], [10.302, 63.401], [10.300, 63.401], [10.300, 63.400]]
SKAUN = [[9.95, 63.205], [9.952, 63.205], [9.952, 63.206], [9.95, 63.206], [9.95, 63.205]]


def _auth(api, who):
    return {"Authorization": f"Bearer {api.tokens[who]}"}


def _feature(ring, *, code, **props):
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"code": code, "status": "available", "zoning": "industry", **props},
    }


def _named(r, *fragments):
    body = r.json()
    assert set(body) >= {"code", "description"}
    for fragment in fragments:
        assert fragment in body["description"], body["description"]


def _count(api, code):
    with open_registry(api.registry_path) as reg:
        return reg.count_plots(code=code)


def _skaun_plot(api):
    with open_registry(api.registry_path) as reg:
        return reg.query_plots(municipality_no="5029").iloc[0]


def test_a_planner_cannot_label_a_trondheim_plot_as_their_own(edit_api):
    r = edit_api.client.post(
        f"{edit_api.url}{PLOTS}",
        json=_feature(TRONDHEIM, code="TRD-1", municipality_no="5029"),
        headers=_auth(edit_api, "planner"),
    )
    assert r.status_code == 422, r.text[:300]
    _named(r, "'5029'", "5001 Trondheim - Tråante")
    assert _count(edit_api, "TRD-1") == 0


def test_a_planner_cannot_add_a_plot_that_lies_outside_their_municipalities(edit_api):
    r = edit_api.client.post(
        f"{edit_api.url}{PLOTS}", json=_feature(TRONDHEIM, code="TRD-2"), headers=_auth(edit_api, "planner")
    )
    assert r.status_code == 403, r.text[:300]
    _named(r, "5001")
    assert _count(edit_api, "TRD-2") == 0


def test_the_municipality_is_derived_when_left_out(edit_api):
    r = edit_api.client.post(
        f"{edit_api.url}{PLOTS}", json=_feature(SKAUN, code="SKA-1"), headers=_auth(edit_api, "planner")
    )
    assert r.status_code == 201, r.text[:300]
    props = r.json()["properties"]
    assert props["municipality_no"] == "5029" and props["municipality_name"] == "Skaun"


def test_an_admin_cannot_store_a_trondheim_plot_as_orkland(edit_api):
    r = edit_api.client.post(
        f"{edit_api.url}{PLOTS}",
        json=_feature(TRONDHEIM, code="TRD-3", municipality_no="5059"),
        headers=_auth(edit_api, "admin"),
    )
    assert r.status_code == 422, r.text[:300]
    _named(r, "'5059'", "5001 Trondheim - Tråante", "100% of its area")
    r = edit_api.client.post(
        f"{edit_api.url}{PLOTS}", json=_feature(TRONDHEIM, code="TRD-3"), headers=_auth(edit_api, "admin")
    )
    assert r.status_code == 201 and r.json()["properties"]["municipality_no"] == "5001"


def test_a_planner_cannot_move_their_plot_into_trondheim(edit_api):
    plot = _skaun_plot(edit_api)
    url = f"{edit_api.url}{PLOTS}/{plot.plot_id}"
    moved = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [TRONDHEIM]}, "properties": {}}
    r = edit_api.client.patch(url, json=moved, headers=_auth(edit_api, "planner"))
    assert r.status_code == 403, r.text[:300]
    _named(r, "5001")
    labelled = {**moved, "properties": {"municipality_no": "5029"}}
    r = edit_api.client.patch(url, json=labelled, headers=_auth(edit_api, "planner"))
    assert r.status_code == 422, r.text[:300]
    _named(r, "'5029'", "5001")
    with open_registry(edit_api.registry_path) as reg:
        stored = reg.get_plot(plot.plot_id)
    assert stored.version == plot.version and stored.municipality_no == "5029"


def test_an_admin_moving_a_plot_moves_its_municipality_and_business_area(edit_api):
    plot = _skaun_plot(edit_api)
    url = f"{edit_api.url}{PLOTS}/{plot.plot_id}"
    moved = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [TRONDHEIM]}, "properties": {}}
    r = edit_api.client.patch(url, json=moved, headers=_auth(edit_api, "admin"))
    assert r.status_code == 200, r.text[:300]
    props = r.json()["properties"]
    assert props["municipality_no"] == "5001" and props["municipality_name"] == "Trondheim - Tråante"
    assert props["business_area_id"] is None  # the free spot lies in no business area


def test_a_business_area_that_contradicts_the_geometry_is_refused(edit_api):
    with open_registry(edit_api.registry_path) as reg:
        plot = reg.query_plots(municipality_no="5001").iloc[0]
        areas = reg.load_business_areas()
    inside = areas[areas.area_id == plot.business_area_id].geometry.iloc[0]
    assert shapely.intersection(plot.geometry, inside).area > plot.geometry.area / 2
    other = areas[areas.area_id != plot.business_area_id].area_id.iloc[0]
    url = f"{edit_api.url}{PLOTS}/{plot.plot_id}"
    r = edit_api.client.patch(
        url, json={"type": "Feature", "properties": {"business_area_id": other}}, headers=_auth(edit_api, "admin")
    )
    assert r.status_code == 422, r.text[:300]
    _named(r, repr(other), repr(plot.business_area_id))
    same = {"type": "Feature", "properties": {"business_area_id": plot.business_area_id, "name": "Samme område"}}
    assert edit_api.client.patch(url, json=same, headers=_auth(edit_api, "admin")).status_code == 200


def test_a_planner_may_not_edit_split_merge_or_end_a_plot_lying_in_trondheim_stored_as_theirs(edit_api):
    """A plot stored under the wrong municipality (before this check) is judged by where it lies."""
    with open_registry(edit_api.registry_path) as reg:
        plot = reg.query_plots(municipality_no="5001").iloc[0]
        conn = reg._conn  # the stored label is wrong, as an older service could have written it
        conn.execute(
            "UPDATE plots SET municipality_no = '5029', municipality_name = 'Skaun' WHERE plot_id = ?", (plot.plot_id,)
        )
        conn.commit()
    url = f"{edit_api.url}{PLOTS}/{plot.plot_id}"
    r = edit_api.client.patch(
        url, json={"type": "Feature", "properties": {"name": "x"}}, headers=_auth(edit_api, "planner")
    )
    assert r.status_code == 403, r.text[:300]
    assert edit_api.client.delete(url, headers=_auth(edit_api, "planner")).status_code == 403
    line = {"type": "LineString", "coordinates": [[0.0, 0.0], [1.0, 1.0]]}
    r = edit_api.client.post(f"{url}/split", json={"line": line}, headers=_auth(edit_api, "planner"))
    assert r.status_code == 403 and "5001" in r.json()["description"]
    merge = {"plots": [{"id": plot.plot_id, "version": int(plot.version)}, {"id": plot.plot_id, "version": 1}]}
    r = edit_api.client.post(f"{edit_api.url}/collections/plots/merge", json=merge, headers=_auth(edit_api, "planner"))
    assert r.status_code == 403 and "5001" in r.json()["description"]
    with open_registry(edit_api.registry_path) as reg:
        assert reg.get_plot(plot.plot_id).version == plot.version


def test_without_the_municipality_layer_edits_are_refused_with_a_503_that_says_why(make_api, tmp_path):
    empty = tmp_path / "no-layers"
    empty.mkdir()
    api = make_api(layers_dir=empty)
    r = api.client.post(f"{api.url}{PLOTS}", json=_feature(TRONDHEIM, code="TRD-9"), headers=_auth(api, "admin"))
    assert r.status_code == 503, r.text[:300]
    _named(r, "municipality layer", "LANDREG_API_LAYERS_DIR")
    assert _count(api, "TRD-9") == 0
