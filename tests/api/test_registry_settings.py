"""The service opens its registry as the command line does: with the core settings' options."""

from __future__ import annotations

import shutil

from api.settings import ApiSettings
from tests.api.conftest import LAYERS, Service


def test_the_service_opens_the_registry_with_the_core_settings(built_registry, tmp_path, monkeypatch):
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    monkeypatch.setenv("LANDREG_OVERLAP_TOLERANCE_M2", "25")
    monkeypatch.setenv("LANDREG_JOURNAL_MODE", "wal")
    monkeypatch.setenv("LANDREG_BUSY_TIMEOUT_S", "7")
    settings = ApiSettings(registry=path, layers_dir=LAYERS, log_requests=False)
    with Service(settings) as service:
        registry = service.client.app.state.registry
        assert registry.overlap_tolerance_m2 == 25
        assert registry._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert registry._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 7000
