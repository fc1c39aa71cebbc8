"""What an items page costs beyond its query and its serialisation: one worker thread, few collections."""

from __future__ import annotations

import gc
import shutil

import anyio.to_thread
from fastapi.testclient import TestClient

from api.app_factory import AppFactory
from api.settings import ApiSettings
from tests.api.conftest import LAYERS

#: An items request that uses every parameter dependency (bbox, CRS, datetime, filter, properties).
_PARAMS = {
    "bbox": "10.0,63.0,11.0,64.0",
    "bbox-crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "crs": "http://www.opengis.net/def/crs/EPSG/0/25832",
    "datetime": "2020-01-01T00:00:00Z/..",
    "filter": "area_m2 > 100",
    "status": "available",
    "limit": "5",
}


def test_an_items_page_goes_to_a_worker_thread_once(read_api, monkeypatch):
    real = anyio.to_thread.run_sync
    calls: list[str] = []

    async def counting(func, *args, **kwargs):
        calls.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    r = read_api.client.get(f"{read_api.url}/collections/plots/items", params=_PARAMS)
    assert r.status_code == 200 and r.json()["numberReturned"] > 0
    assert len(calls) == 1, calls  # the route itself (it reads the registry); its parameters are read on the loop


def test_a_large_page_runs_the_garbage_collector_at_most_once(built_registry, tmp_path):
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    settings = ApiSettings(registry=path, layers_dir=LAYERS, log_requests=False)
    thresholds = gc.get_threshold()
    collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    try:
        with TestClient(AppFactory(settings)()) as client:  # built as `landreg serve` builds it in each worker
            url = "http://testserver/collections/plots/items"
            assert client.get(url, params={"limit": 1000}).status_code == 200
            gc.collect()
            gc.callbacks.append(count)
            try:
                r = client.get(url, params={"limit": 1000})
            finally:
                gc.callbacks.remove(count)
        assert r.status_code == 200 and r.json()["numberReturned"] > 500
        assert len(collections) <= 1, collections  # CPython's default collected about every 700 allocations
    finally:
        gc.set_threshold(*thresholds)
