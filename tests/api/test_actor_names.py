"""Who changed a plot or recorded a decision is shown to editors, not to the public (unless configured)."""

from __future__ import annotations

from landreg.registry import open_registry

TORGARD = "torgard_freight_terminal"


def _edit_twice(api, *, names: tuple[str, str]) -> str:
    """Two edits of one plot by two named tokens; returns the plot id."""
    with open_registry(api.registry_path) as reg:
        plot = reg.query_plots(limit=1, status=["available"]).iloc[0]
        first = reg.update_plot(
            plot["plot_id"], {"name": "Første"}, expected_version=int(plot["version"]), actor=names[0]
        )
        reg.update_plot(plot["plot_id"], {"name": "Andre"}, expected_version=first.version, actor=names[1])
    return str(plot["plot_id"])


def _all_text(api, path: str, **kwargs) -> str:
    r = api.client.get(f"{api.url}{path}", **kwargs)
    assert r.status_code == 200, r.text[:300]
    return r.text


def test_public_history_and_items_name_no_one(make_api):
    api = make_api()
    names = ("Kari Nordmann", "Ola Ærlig")
    plot_id = _edit_twice(api, names=names)
    versions = api.client.get(f"{api.url}/collections/plots/items/{plot_id}/versions").json()["features"]
    actors = [f["properties"]["actor"] for f in versions]
    assert actors[-2:] == ["editor 2", "editor 3"]  # the demo build made version 1: editor 1
    assert len(set(actors)) == 3  # who made which change stays visible, without the names
    for path in (
        f"/collections/plots/items/{plot_id}/versions",
        f"/collections/plots/items/{plot_id}",
        "/collections/plots/items?limit=1000",
    ):
        text = _all_text(api, path)
        assert not any(name in text for name in names), path
        assert not any(name.encode("unicode_escape").decode() in text for name in names), path
    assert _all_text(api, f"/collections/plots/items/{plot_id}", params={"f": "html"}).count("Kari Nordmann") == 0


def test_editors_see_the_names_and_viewers_do_not(make_api):
    api = make_api()
    names = ("Kari Nordmann", "Ola Ærlig")
    plot_id = _edit_twice(api, names=names)
    with open_registry(api.registry_path) as reg:
        planner = reg.create_token(name="planner", role="planner", municipalities=["5001"])
        viewer = reg.create_token(name="viewer", role="viewer")
    for token in (api.tokens["admin"], planner):
        headers = {"Authorization": f"Bearer {token}"}
        versions = api.client.get(f"{api.url}/collections/plots/items/{plot_id}/versions", headers=headers).json()
        assert [f["properties"]["actor"] for f in versions["features"]][-2:] == list(names)
        item = api.client.get(f"{api.url}/collections/plots/items/{plot_id}", headers=headers).json()
        assert item["properties"]["updated_by"] == names[1]
        assert item["properties"]["provenance"]["name"]["editor"] == names[1]
    text = _all_text(api, f"/collections/plots/items/{plot_id}/versions", headers={"Authorization": f"Bearer {viewer}"})
    assert not any(name in text for name in names)


def test_a_service_configured_to_show_actors_shows_them_to_all(make_api):
    api = make_api(public_actors=True)
    names = ("Kari Nordmann", "Ola Ærlig")
    plot_id = _edit_twice(api, names=names)
    versions = api.client.get(f"{api.url}/collections/plots/items/{plot_id}/versions").json()
    assert [f["properties"]["actor"] for f in versions["features"]][-2:] == list(names)


def test_the_decision_log_names_its_actor_to_admins_only(make_api):
    api = make_api()
    admin = {"Authorization": f"Bearer {api.tokens['admin']}"}
    r = api.client.post(
        f"{api.url}/decisions/{TORGARD}/decide", json={"outcome": "built", "date": "2027-05-01"}, headers=admin
    )
    assert r.status_code == 200, r.text
    public = api.client.get(f"{api.url}/decisions/{TORGARD}/log").json()
    assert [e["actor"] for e in public] == ["editor 1"]
    assert [e["actor"] for e in api.client.get(f"{api.url}/decisions/{TORGARD}/log", headers=admin).json()] == ["admin"]
