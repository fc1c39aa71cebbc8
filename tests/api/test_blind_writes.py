"""Writes without If-Match (as QGIS 3.22 makes them) never lose another client's change unnoticed."""

from __future__ import annotations

import concurrent.futures as cf
import shutil

import httpx

from landreg.registry import open_registry
from tests.api.conftest import LiveServer, _settings

WRITERS = 8
INCREMENTS_EACH = 10


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _skaun_plot_id(path) -> str:
    with open_registry(path) as reg:
        return str(reg.query_plots(municipality_no="5029", status="available").iloc[0]["plot_id"])


def _read_modify_write(url: str, token: str, *, if_match: bool) -> tuple[int, list[int]]:
    """Add one to the counter in the plot's name ``INCREMENTS_EACH`` times; (acknowledged, refusal statuses)."""
    acknowledged, refused = 0, []
    with httpx.Client(headers=_auth(token), timeout=60) as client:
        while acknowledged < INCREMENTS_EACH and len(refused) < 400:
            read = client.get(url)
            assert read.status_code == 200, read.text
            count = int(read.json()["properties"]["name"].removeprefix("count "))
            headers = {"If-Match": read.headers["etag"]} if if_match else {}
            body = {"type": "Feature", "properties": {"name": f"count {count + 1}"}}
            r = client.patch(url, json=body, headers=headers)
            if r.status_code == 200:
                acknowledged += 1
            else:
                refused.append(r.status_code)
                assert r.json()["code"] and r.json()["description"], r.text
    return acknowledged, refused


def _race(built_registry, tmp_path, *, if_match: bool) -> None:
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    plot_id = _skaun_plot_id(path)
    with open_registry(path) as reg:
        tokens = [reg.create_token(name=f"writer-{i}", role="admin") for i in range(WRITERS)]
        plot = reg.get_plot(plot_id)
        reg.update_plot(plot_id, {"name": "count 0"}, expected_version=plot.version, actor="test")
    with LiveServer(_settings(path)) as server:
        url = f"{server.url}/collections/plots/items/{plot_id}"
        with cf.ThreadPoolExecutor(WRITERS) as pool:
            results = list(pool.map(lambda t: _read_modify_write(url, t, if_match=if_match), tokens))
        final = httpx.get(url).json()["properties"]["name"]
    acknowledged = sum(a for a, _ in results)
    refused = [s for _, codes in results for s in codes]
    expected_refusal = 412 if if_match else 428
    assert set(refused) <= {expected_refusal}, refused
    assert acknowledged == WRITERS * INCREMENTS_EACH
    assert final == f"count {acknowledged}"  # no acknowledged increment was lost
    with open_registry(path) as reg:
        assert len(reg.plot_history(plot_id)) == 2 + acknowledged


def test_concurrent_read_modify_write_without_if_match_loses_nothing(built_registry, tmp_path):
    _race(built_registry, tmp_path, if_match=False)


def test_a_write_that_loses_the_race_after_its_if_match_check_is_412(built_registry, tmp_path):
    _race(built_registry, tmp_path, if_match=True)


def test_patch_applies_only_the_fields_sent(edit_api):
    client, tokens = edit_api.client, edit_api.tokens
    plot_id = _skaun_plot_id(edit_api.registry_path)
    url = f"{edit_api.url}/collections/plots/items/{plot_id}"
    a, b = _auth(tokens["admin"]), _auth(tokens["planner"])
    read_by_a = client.get(url, headers=a).json()
    assert client.get(url, headers=b).status_code == 200
    # B changes the status; A, who read before, changes only the name: nothing of B's is overwritten.
    assert (
        client.patch(url, json={"type": "Feature", "properties": {"status": "reserved"}}, headers=b).status_code == 200
    )
    r = client.patch(url, json={"type": "Feature", "properties": {"name": "Tomt ved Børsa"}}, headers=a)
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["status"] == "reserved" and r.json()["properties"]["name"] == "Tomt ved Børsa"
    # A's PATCH of the status B changed since A's last read would overwrite it: 428, nothing written.
    assert client.patch(url, json={"type": "Feature", "properties": {"status": "sold"}}, headers=b).status_code == 200
    r = client.patch(url, json={"type": "Feature", "properties": {"status": "available"}}, headers=a)
    assert r.status_code == 428 and r.json()["code"] == "PreconditionRequiredError"
    assert "status" in r.json()["description"] and "If-Match" in r.json()["description"]
    # A PUT of the whole plot as A read it would undo B's change too: 428.
    put = {"type": "Feature", "geometry": read_by_a["geometry"], "properties": read_by_a["properties"]}
    assert client.put(url, json=put, headers=a).status_code == 428
    assert client.delete(url, headers=a).status_code == 428
    assert client.get(url).json()["properties"]["status"] == "sold"
    # Once A has read again, the same writes go through.
    client.get(url, headers=a)
    r = client.patch(url, json={"type": "Feature", "properties": {"status": "available"}}, headers=a)
    assert r.status_code == 200 and r.json()["properties"]["status"] == "available"


def test_blind_overwrites_can_be_allowed(make_api):
    service = make_api(allow_blind_overwrite=True)
    plot_id = _skaun_plot_id(service.registry_path)
    url = f"{service.url}/collections/plots/items/{plot_id}"
    with open_registry(service.registry_path) as reg:
        other = reg.create_token(name="other", role="admin")
    a, b = _auth(service.tokens["admin"]), _auth(other)
    service.client.get(url, headers=a)
    assert (
        service.client.patch(url, json={"type": "Feature", "properties": {"status": "reserved"}}, headers=b).status_code
        == 200
    )
    r = service.client.patch(url, json={"type": "Feature", "properties": {"status": "sold"}}, headers=a)
    assert r.status_code == 200 and r.json()["properties"]["status"] == "sold"  # the last writer wins


def test_a_page_of_items_counts_as_a_read(edit_api):
    client, tokens = edit_api.client, edit_api.tokens
    plot_id = _skaun_plot_id(edit_api.registry_path)
    url = f"{edit_api.url}/collections/plots/items/{plot_id}"
    a, b = _auth(tokens["admin"]), _auth(tokens["planner"])
    page = client.get(f"{edit_api.url}/collections/plots/items", params={"limit": 1000}, headers=a).json()
    assert plot_id in {f["id"] for f in page["features"]}
    assert (
        client.patch(url, json={"type": "Feature", "properties": {"status": "reserved"}}, headers=b).status_code == 200
    )
    r = client.patch(url, json={"type": "Feature", "properties": {"status": "sold"}}, headers=a)
    assert r.status_code == 428, r.text


def test_reads_are_remembered_for_real_tokens_only_and_the_memory_is_bounded(edit_api):
    from api.blind_writes import ReadLog

    plot_id = _skaun_plot_id(edit_api.registry_path)
    url = f"{edit_api.url}/collections/plots/items/{plot_id}"
    log = edit_api.client.app.state.read_log
    assert edit_api.client.get(url, headers=_auth("lr_made-up.token")).status_code == 200  # reads stay public
    assert edit_api.client.get(url).status_code == 200
    assert log._versions == {}
    edit_api.client.get(url, headers=_auth(edit_api.tokens["viewer"]))
    assert len(log._versions) == 1
    small = ReadLog(max_entries=3)
    small.record("t", [(f"p{i}", 1) for i in range(5)])
    assert [small.last_read("t", f"p{i}") for i in range(5)] == [None, None, 1, 1, 1]
