"""No public request is unbounded: map size, analysis size, deadlines, concurrency per client, cached answers."""

from __future__ import annotations

import concurrent.futures
import time

import httpx

from landreg.registry import open_registry
from landreg.testing import make_plot_frame


def _assert_error(r, status: int, code: str, *fragments: str) -> dict:
    assert r.status_code == status, r.text[:400]
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["code"] == code, body
    for fragment in fragments:
        assert fragment in body["description"], body["description"]
    return body


def _live_plots(path) -> int:
    with open_registry(path) as reg:
        return reg.count_plots()


def test_a_map_of_more_plots_than_the_limit_is_a_413_pointing_to_the_tiled_map(make_api):
    api = make_api(max_map_plots=50)
    with open_registry(api.registry_path) as reg:
        available = reg.count_plots(status=["available"])
    assert available > 50
    r = api.client.get(f"{api.url}/maps/plots", params={"status": "available", "price_layers": "false"})
    _assert_error(r, 413, "WorkTooLargeError", f"would draw {available} plots", "at most 50", "/maps/plots-tiled")
    whole = api.client.get(f"{api.url}/maps/plots")  # all plots: the tiled map, whatever their number
    assert whole.status_code == 200 and "/collections/plots/tiles/WebMercatorQuad/" in whole.text


def test_an_analysis_over_more_plots_than_the_limit_is_a_413_before_any_work(make_api):
    api = make_api(max_analysis_plots=100)
    plots = _live_plots(api.registry_path)
    for path in ("/analysis/supply", "/analysis/scores", "/analysis/clusters", "/maps/overview"):
        r = api.client.get(f"{api.url}{path}")
        _assert_error(r, 413, "WorkTooLargeError", f"cover {plots} live plots", "at most 100")


def test_the_hot_spot_test_is_refused_when_its_memory_would_pass_the_budget(make_api):
    api = make_api(max_analysis_memory_mb=16)
    with open_registry(api.registry_path) as reg:  # east of the demonstration plots
        reg.add_plots(make_plot_frame(300, origin=(605_000.0, 6_990_000.0), cell_m=60.0), actor="test")
    plots = _live_plots(api.registry_path)
    need_mb = plots * 999 * 3 * 8 / 2**20  # three (plots x permutations) arrays, whatever the neighbours
    assert need_mb > 16
    for k in (4, 20):
        r = api.client.get(f"{api.url}/analysis/hotspots", params={"k": k})
        _assert_error(r, 413, "WorkTooLargeError", f"about {need_mb:.0f} MB", "16 MB")
    roomier = make_api(max_analysis_memory_mb=64)  # 20 neighbours drawn per permutation need no more
    assert roomier.client.get(f"{roomier.url}/analysis/hotspots", params={"k": 20}).status_code == 200


def test_answers_are_cached_and_an_edit_empties_the_cache(make_api):
    api = make_api()
    url = f"{api.url}/analysis/supply"
    first = api.client.get(url)
    assert first.status_code == 200
    start = time.perf_counter()
    again = api.client.get(url)
    cached_s = time.perf_counter() - start
    assert again.content == first.content
    assert api.client.app.state.work_limits.cached_answers() >= 1
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
    after = api.client.get(url)
    assert after.status_code == 200 and after.content != first.content  # the sold plot left the available supply
    available_before = first.json()["region"]["available_daa"]
    available_after = after.json()["region"]["available_daa"]
    assert available_after < available_before
    assert cached_s < 1.0


def test_an_analysis_past_its_deadline_is_a_503_and_its_answer_is_served_when_ready(make_server):
    server = make_server(analysis_timeout_s=0.05, log_requests=False)
    url = f"{server.url}/analysis/hotspots"
    r = httpx.get(url, params={"seed": 7}, timeout=60)
    _assert_error(r, 503, "DeadlineExceededError", "not ready within 0.05 s")
    assert int(r.headers["retry-after"]) >= 1
    deadline = time.time() + 60
    while time.time() < deadline:  # the work went on: its answer comes from the cache
        r = httpx.get(url, params={"seed": 7}, timeout=60)
        if r.status_code == 200:
            break
        time.sleep(0.5)
    assert r.status_code == 200, r.text[:300]
    assert "synthetic" in r.json()
    assert httpx.get(f"{server.url}/conformance", timeout=10).status_code == 200


def test_any_read_past_the_request_time_limit_is_a_503_with_retry_after(make_server):
    server = make_server(request_timeout_s=0.05, analysis_timeout_s=60)
    r = httpx.get(f"{server.url}/maps/scenario", params={"name": "torgard-terminal-built"}, timeout=60)
    _assert_error(r, 503, "RequestTimeout", "longer than 0.05 s")
    assert r.headers["retry-after"] == "5"
    assert httpx.get(f"{server.url}/conformance", timeout=10).status_code in (200, 503)


def test_one_client_gets_429_beyond_its_concurrent_expensive_requests(make_server):
    server = make_server(max_concurrent_per_client=1, analysis_workers=2)
    with httpx.Client(timeout=120) as client:

        def ask(seed: int) -> httpx.Response:
            return client.get(f"{server.url}/analysis/hotspots", params={"seed": seed})

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(1, 9)))
    statuses = sorted(r.status_code for r in answers)
    assert set(statuses) <= {200, 429} and 200 in statuses and 429 in statuses, statuses
    refused = next(r for r in answers if r.status_code == 429)
    _assert_error(refused, 429, "TooManyRequestsError", "at most 1 at once")
    assert int(refused.headers["retry-after"]) >= 1
    assert httpx.get(f"{server.url}/analysis/hotspots", params={"seed": 1}, timeout=120).status_code == 200


def test_finding_sites_and_dossiers_share_the_clients_slots_for_expensive_requests(make_server):
    """The business pages score the registry: beyond a client's concurrent expensive requests they are a 429."""
    server = make_server(max_concurrent_per_client=1, analysis_workers=2)
    paths = ["/finn-tomt?min_daa=20", "/plots/HEG-006/dossier", "/en/find-site?min_daa=5", "/plots/TOR-009/dossier"]
    with httpx.Client(timeout=120) as client, concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda p: client.get(server.url + p), paths * 2))
    statuses = sorted(r.status_code for r in answers)
    assert set(statuses) <= {200, 429} and 200 in statuses and 429 in statuses, statuses
    assert int(next(r for r in answers if r.status_code == 429).headers["retry-after"]) >= 1
