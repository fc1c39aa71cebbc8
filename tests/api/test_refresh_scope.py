"""After an edit through the API, the background refresh reads only the plots the edit touched."""

from __future__ import annotations

import shapely

from landreg.registry import open_registry


def test_a_patch_refreshes_only_the_edited_plot(edit_api):
    with open_registry(edit_api.registry_path) as reg:
        plot = reg.query_plots(municipality_no="5029", status="available").iloc[0]
        n_live = reg.count_plots()
    assert n_live > 100
    refresher = edit_api.client.app.state.refresher
    refresher.wait()
    url = f"{edit_api.url}/collections/plots/items/{plot.plot_id}"
    moved = shapely.affinity.translate(plot.geometry.buffer(-3), 1.0, 0.0)
    r = edit_api.client.patch(
        url,
        json={"type": "Feature", "geometry": shapely.geometry.mapping(moved), "properties": {}},
        headers={
            "Authorization": f"Bearer {edit_api.tokens['admin']}",
            "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/25832>",
        },
    )
    assert r.status_code == 200, r.text
    refresher.wait()
    report = refresher.last_report
    assert report is not None
    assert report.n_plots == 1 and report.n_computed == 1
    with open_registry(edit_api.registry_path) as reg:
        stored = reg.load_enrichment([plot.plot_id])
    assert int(stored["plot_version"].iloc[0]) == r.json()["properties"]["version"]
