"""Tile tests run on both backends: the ``backend`` fixture parametrises ``registry``."""

from __future__ import annotations

import pytest

from landreg.registry import open_registry
from tests.postgis_server import drop_schema, fresh_schema_name


@pytest.fixture(params=["geopackage", pytest.param("postgis", marks=pytest.mark.db)])
def backend(request) -> str:
    """The registry backend a test runs on."""
    return request.param


@pytest.fixture
def registry(backend, registry_path, request):
    """An empty registry on ``backend``: a GeoPackage in tmp_path, or a fresh schema on the test server."""
    if backend == "geopackage":
        reg = open_registry(registry_path, create=True)
        yield reg
        reg.close()
        return
    url = request.getfixturevalue("postgis_url")
    schema = fresh_schema_name()
    reg = open_registry(url, create=True, schema=schema)
    try:
        yield reg
    finally:
        reg.close()
        drop_schema(url, schema)
