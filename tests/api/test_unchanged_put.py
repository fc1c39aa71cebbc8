"""A plot sent back as it was read changes nothing: no new version, no drift of its area."""

from __future__ import annotations

import pytest

from landreg.registry import open_registry

EPSG_25832 = "http://www.opengis.net/def/crs/EPSG/0/25832"


def _admin(api):
    return {"Authorization": f"Bearer {api.tokens['admin']}"}


def _skaun_plot_url(api):
    with open_registry(api.registry_path) as reg:
        plot_id = reg.query_plots(municipality_no="5029", status="available").iloc[0].plot_id
    return f"{api.url}/collections/plots/items/{plot_id}", plot_id


@pytest.mark.parametrize("crs", [None, EPSG_25832])
def test_a_put_of_the_get_body_changes_nothing(edit_api, crs):
    url, plot_id = _skaun_plot_url(edit_api)
    for _ in range(3):  # repeated saves from a client that reads and writes back (QGIS)
        got = edit_api.client.get(url, params={"crs": crs} if crs else {})
        headers = {**_admin(edit_api), "If-Match": got.headers["etag"]}
        if crs:
            headers["Content-Crs"] = f"<{crs}>"
        r = edit_api.client.put(url, json=got.json(), headers=headers)
        assert r.status_code == 200, r.text[:300]
        assert r.headers["etag"] == got.headers["etag"]
        assert r.json()["properties"]["area_m2"] == got.json()["properties"]["area_m2"]
    with open_registry(edit_api.registry_path) as reg:
        assert len(reg.plot_history(plot_id)) == 1
        assert reg.get_plot(plot_id).version == 1


def test_a_put_that_changes_a_field_keeps_the_stored_geometry(edit_api):
    url, plot_id = _skaun_plot_url(edit_api)
    with open_registry(edit_api.registry_path) as reg:
        before = reg.get_plot(plot_id)
    got = edit_api.client.get(url)
    body = got.json()
    body["properties"]["name"] = "Ny tomt på Buvika"
    r = edit_api.client.put(url, json=body, headers={**_admin(edit_api), "If-Match": got.headers["etag"]})
    assert r.status_code == 200, r.text[:300]
    with open_registry(edit_api.registry_path) as reg:
        after = reg.get_plot(plot_id)
        changed = reg.plot_history(plot_id).iloc[-1]["changed_fields"]
    assert after.version == 2 and after.name == "Ny tomt på Buvika"
    assert after.area_m2 == before.area_m2 and after.geometry.equals_exact(before.geometry, tolerance=0)
    assert "geometry" not in changed and "area_m2" not in changed
