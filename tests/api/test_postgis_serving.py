"""The service on a PostGIS registry: the same answers as on the GeoPackage, edits with If-Match, many writers."""

from __future__ import annotations

import concurrent.futures as cf
import shutil

import httpx
import pytest

from api.settings import ApiSettings
from landreg.registry import open_registry
from landreg.registry.postgis.copy import copy_gpkg_to_postgis
from tests.api import test_edit as edit_tests
from tests.api import test_planning as planning_tests
from tests.api.conftest import LAYERS, LiveServer, Service
from tests.postgis_server import drop_schema, fresh_schema_name

pytestmark = pytest.mark.db


@pytest.fixture
def pg_demo_url(built_registry, postgis_url, tmp_path):
    """The demonstration registry copied into a fresh PostGIS schema; yields its URL."""
    schema = fresh_schema_name()
    url = f"{postgis_url}?schema={schema}"
    source = tmp_path / "demo.gpkg"
    shutil.copy(built_registry, source)
    with open_registry(source) as src, open_registry(url, create=True) as dst:
        copy_gpkg_to_postgis(src, dst)
    yield url
    drop_schema(postgis_url, schema)


def _settings(registry) -> ApiSettings:
    return ApiSettings(registry=registry, layers_dir=LAYERS, log_requests=False)


@pytest.fixture(scope="module")
def pg_read_api(built_registry, postgis_server, tmp_path_factory):
    """The service in process over a PostGIS copy of the demonstration registry that no test edits."""
    base = postgis_server.url("landreg_test")
    schema = fresh_schema_name()
    source = tmp_path_factory.mktemp("pg-read") / "demo.gpkg"
    shutil.copy(built_registry, source)
    with open_registry(source) as src, open_registry(f"{base}?schema={schema}", create=True) as dst:
        copy_gpkg_to_postgis(src, dst)
    with Service(_settings(f"{base}?schema={schema}")) as service:
        yield service
    drop_schema(base, schema)


#: Reading tests that look at the GeoPackage file itself, and why.
_FILE_ONLY = {"test_scenario_reports_and_leaves_the_registry_alone": "compares the registry file byte for byte"}


def _read_tests() -> list[tuple[object, str]]:
    """The service's tests that only read the demonstration registry (``read_api``), module by module."""
    import importlib
    import inspect

    found = []
    for name in (
        "test_analysis",
        "test_bounded_requests",
        "test_collection_kinds",
        "test_inputs",
        "test_limits",
        "test_ogc_read",
        "test_planning",
        "test_strict_input",
    ):
        module = importlib.import_module(f"tests.api.{name}")
        for fname, func in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(func).parameters)
            if fname in _FILE_ONLY:
                continue
            if fname.startswith("test_") and params == ["read_api"] and not hasattr(func, "pytestmark"):
                found.append((module, fname))
    return found


READ_TESTS = _read_tests()


@pytest.mark.parametrize(("module", "name"), READ_TESTS, ids=[name for _, name in READ_TESTS])
def test_the_reading_tests_pass_on_postgis(module, name, pg_read_api):
    getattr(module, name)(pg_read_api)


@pytest.fixture
def pg_edit_api(pg_demo_url):
    """The service in process over the PostGIS copy, with the tokens of the editing tests."""
    from tests.api.conftest import _edit_tokens

    with Service(_settings(pg_demo_url), tokens=_edit_tokens(pg_demo_url)) as service:
        yield service


#: The service's editing tests, run again as they are on a PostGIS registry.
EDITING_TESTS = [
    (edit_tests, "test_reads_are_public_and_writes_need_a_token"),
    (edit_tests, "test_roles"),
    (edit_tests, "test_create_returns_201_location_etag_and_records_the_actor"),
    (edit_tests, "test_invalid_edits_are_400_and_write_nothing"),
    (edit_tests, "test_if_match_is_honoured"),
    (edit_tests, "test_delete_ends_the_plot_and_history_stays"),
    (edit_tests, "test_put_replaces_and_moves_geometry"),
    (edit_tests, "test_an_edited_plot_is_enriched_again_in_the_background"),
    (planning_tests, "test_decide_over_http"),
    (planning_tests, "test_split_and_merge_over_http"),
    (planning_tests, "test_road_projects_over_http"),
]


@pytest.mark.parametrize(("module", "name"), EDITING_TESTS, ids=[name for _, name in EDITING_TESTS])
def test_the_editing_tests_pass_on_postgis(module, name, pg_edit_api):
    getattr(module, name)(pg_edit_api)


@pytest.mark.parametrize(
    "query",
    [
        "limit=7&offset=3",
        "bbox=10.30,63.33,10.50,63.45",
        "filter=status IN ('available','reserved') AND area_m2 > 5000",
        "municipality_no=5029&status=available",
    ],
)
def test_items_on_postgis_equal_items_on_the_geopackage(pg_demo_url, read_api, query):
    with Service(_settings(pg_demo_url)) as pg:
        got = pg.client.get(f"{pg.url}/collections/plots/items?{query}")
    want = read_api.client.get(f"{read_api.url}/collections/plots/items?{query}")
    assert got.status_code == want.status_code == 200
    assert got.headers["content-type"].startswith("application/geo+json")
    got_body, want_body = got.json(), want.json()
    assert got_body["numberMatched"] == want_body["numberMatched"] > 0
    assert [f["id"] for f in got_body["features"]] == [f["id"] for f in want_body["features"]]
    assert [f["properties"] for f in got_body["features"]] == [f["properties"] for f in want_body["features"]]


def test_edits_on_postgis_honour_if_match_and_record_the_actor(pg_demo_url):
    with open_registry(pg_demo_url) as reg:
        plot = reg.query_plots(municipality_no="5029", status="available").iloc[0]
        token = reg.create_token(name="planner-kari", role="planner", municipalities=["5029"])
    with Service(_settings(pg_demo_url)) as pg:
        url = f"{pg.url}/collections/plots/items/{plot.plot_id}"
        etag = pg.client.get(url).headers["etag"]
        headers = {"Authorization": f"Bearer {token}", "If-Match": etag}
        r = pg.client.patch(url, json={"type": "Feature", "properties": {"status": "reserved"}}, headers=headers)
        assert r.status_code == 200 and r.json()["properties"]["status"] == "reserved"
        r = pg.client.patch(url, json={"type": "Feature", "properties": {"status": "sold"}}, headers=headers)
        assert r.status_code == 412 and r.json()["code"]
    with open_registry(pg_demo_url) as reg:
        last = reg.plot_history(plot.plot_id).iloc[-1]
        assert (last["actor"], last["after"]["status"]) == ("planner-kari", "reserved")


@pytest.mark.slow
def test_sixteen_writers_through_the_api_lose_no_update(pg_demo_url):
    writers, rounds = 16, 4  # 16 x 50 (800 acknowledged writes) passes too: about 3.5 minutes on 2 cores
    with open_registry(pg_demo_url) as reg:
        token = reg.create_token(name="admin", role="admin")
        plots = reg.query_plots(status="available", limit=writers + 1)
    shared, own = plots["plot_id"].iloc[0], list(plots["plot_id"].iloc[1:])
    headers = {"Authorization": f"Bearer {token}"}
    with LiveServer(_settings(pg_demo_url), workers=2) as server:

        def write(k: int) -> tuple[int, int, list[int]]:
            acks, server_errors, conflicts = 0, [], 0
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                for i in range(rounds):
                    plot_id = shared if i % 2 == 0 else own[k]
                    while True:  # read, modify, write with If-Match; retry on 412
                        current = client.get(f"/collections/plots/items/{plot_id}")
                        server_errors += [current.status_code] if current.status_code >= 500 else []
                        body = {"type": "Feature", "properties": {"name": f"writer {k} round {i}"}}
                        r = client.patch(
                            f"/collections/plots/items/{plot_id}",
                            json=body,
                            headers={"If-Match": current.headers["etag"]},
                        )
                        if r.status_code >= 500:
                            server_errors.append(r.status_code)
                        if r.status_code in (409, 412):  # stale: at the If-Match check, or at the registry's
                            conflicts += 1
                            continue
                        assert r.status_code == 200, r.text
                        acks += 1
                        break
            return acks, conflicts, server_errors

        with cf.ThreadPoolExecutor(writers) as pool:
            results = list(pool.map(write, range(writers)))
    assert all(errors == [] for _, _, errors in results)
    assert sum(a for a, _, _ in results) == writers * rounds
    with open_registry(pg_demo_url) as reg:
        shared_history = reg.plot_history(shared)
        assert len(shared_history) == 1 + writers * rounds // 2  # every acknowledged write is a version
        assert list(shared_history["version"]) == list(range(1, len(shared_history) + 1))
        for plot_id in own:
            assert len(reg.plot_history(plot_id)) == 1 + rounds // 2


@pytest.mark.slow
def test_landreg_serve_takes_a_database_url_and_never_prints_its_password(pg_demo_url):
    import os
    import subprocess
    import sys
    import time

    from landreg.registry.postgis.cluster import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "landreg.cli", "serve", "--registry", pg_demo_url, "--port", str(port)],
        env={**os.environ, "LANDREG_API_LAYERS_DIR": str(LAYERS), "LANDREG_API_LOG_REQUESTS": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, body = time.time() + 60, None
        while time.time() < deadline and body is None:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/collections/plots/items?limit=2", timeout=5).json()
            except httpx.TransportError:
                time.sleep(0.3)
        assert body is not None and len(body["features"]) == 2 and body["numberMatched"] > 100
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    password = pg_demo_url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert "serving 127.0.0.1:" in err and password not in err
