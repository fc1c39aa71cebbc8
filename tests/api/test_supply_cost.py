"""The analysis size limit counts the plots a supply request really reads: none from current kept results."""

from __future__ import annotations

from landreg.registry import open_registry
from landreg.results import refresh_results


def test_supply_from_kept_results_passes_a_limit_below_the_registry_size(make_api):
    api = make_api(max_analysis_plots=100)
    with open_registry(api.registry_path) as reg:
        live = reg.count_plots()
    assert live > 100
    url = f"{api.url}/analysis/supply"
    first = api.client.get(url, params={"profile": "logistics"})  # no kept results of this profile: every plot
    assert first.status_code == 413 and f"cover {live} live plots" in first.json()["description"]
    with open_registry(api.registry_path) as reg:
        assert refresh_results(reg, profile="logistics")["mode"] == "full"  # e.g. `landreg supply` ran
    kept = api.client.get(url, params={"profile": "logistics"})
    assert kept.status_code == 200, kept.text
    plot = api.client.get(f"{api.url}/collections/plots/items", params={"limit": 1, "filter": "status='available'"})
    feature = plot.json()["features"][0]
    headers = {
        "Authorization": f"Bearer {api.tokens['admin']}",
        "If-Match": f'"{feature["id"]}-v{feature["properties"]["version"]}"',
    }
    r = api.client.patch(
        f"{api.url}/collections/plots/items/{feature['id']}",
        json={"type": "Feature", "properties": {"status": "sold"}},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    after = api.client.get(url, params={"profile": "logistics"})  # one edited plot to rescore
    assert after.status_code == 200 and after.content != kept.content
    assert api.client.get(url, params={"profile": "general"}).status_code == 413  # never kept: every plot
