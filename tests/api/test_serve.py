"""``landreg serve`` hands the service its settings directly, and the service opens the registry as the CLI does."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.cli import serve_settings
from api.settings import ApiSettings
from landreg.cli.common import open_from_cli
from tests.api.conftest import LAYERS, ROOT, Service, _free_port

_NAMES = (
    "LANDREG_API_REGISTRY",
    "LANDREG_API_LAYERS_DIR",
    "LANDREG_DATABASE_URL",
    "LANDREG_REGISTRY",
    "LANDREG_LAYERS_DIR",
)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No registry or layers setting in the environment, and no .env file in the working folder."""
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_serve_settings_follow_the_documented_order_and_leave_the_environment_alone(clean_env):
    before = dict(os.environ)
    assert str(serve_settings(None).registry) == "var/landreg.gpkg"
    clean_env.setenv("LANDREG_REGISTRY", "core.gpkg")
    assert str(serve_settings(None).registry) == "core.gpkg"
    clean_env.setenv("LANDREG_DATABASE_URL", "postgresql://db.example/landreg")
    assert str(serve_settings(None).registry) == "postgresql://db.example/landreg"
    clean_env.setenv("LANDREG_API_REGISTRY", "service.gpkg")
    assert str(serve_settings(None).registry) == "service.gpkg"
    assert str(serve_settings(Path("given.gpkg")).registry) == "given.gpkg"

    clean_env.setenv("LANDREG_LAYERS_DIR", "core-layers")
    assert serve_settings(None).layers_dir == Path("core-layers")
    clean_env.setenv("LANDREG_API_LAYERS_DIR", "service-layers")
    assert serve_settings(None).layers_dir == Path("service-layers")
    assert serve_settings(None, layers_dir=Path("given-layers")).layers_dir == Path("given-layers")

    clean_env.setenv("LANDREG_API_MAX_LIMIT", "50")  # the other service settings still come from the environment
    assert serve_settings(None).max_limit == 50
    assert {k: v for k, v in os.environ.items() if k != "LANDREG_API_MAX_LIMIT"} == {
        **{k: v for k, v in before.items() if k not in _NAMES},
        "LANDREG_REGISTRY": "core.gpkg",
        "LANDREG_DATABASE_URL": "postgresql://db.example/landreg",
        "LANDREG_API_REGISTRY": "service.gpkg",
        "LANDREG_LAYERS_DIR": "core-layers",
        "LANDREG_API_LAYERS_DIR": "service-layers",
    }


def test_the_command_line_and_the_service_open_the_registry_alike(built_registry, tmp_path, monkeypatch):
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    monkeypatch.setenv("LANDREG_BUSY_TIMEOUT_S", "7")
    monkeypatch.setenv("LANDREG_JOURNAL_MODE", "wal")
    monkeypatch.setenv("LANDREG_OVERLAP_TOLERANCE_M2", "25")

    def opened_with(registry) -> tuple:
        return (
            registry.read_row("PRAGMA busy_timeout"),
            registry.read_row("PRAGMA journal_mode"),
            registry.overlap_tolerance_m2,
        )

    with open_from_cli(path) as cli_registry:
        by_cli = opened_with(cli_registry)
    with Service(ApiSettings(registry=path, layers_dir=LAYERS, log_requests=False)) as service:
        by_service = opened_with(service.client.app.state.registry)
    assert by_cli == by_service == ((7000,), ("wal",), 25.0)


@pytest.mark.parametrize("workers", [1, 2])
def test_landreg_serve_serves_the_registry_it_is_given(built_registry, tmp_path, workers):
    served = tmp_path / "served.gpkg"
    shutil.copy(built_registry, served)
    with sqlite3.connect(served) as conn:
        n_live = conn.execute("SELECT count(*) FROM plots WHERE valid_to IS NULL").fetchone()[0]
    env = {k: v for k, v in os.environ.items() if k not in _NAMES}
    env["LANDREG_REGISTRY"] = str(tmp_path / "not-this.gpkg")  # --registry wins over the core setting
    port = _free_port()
    cmd = [str(Path(sys.executable).parent / "landreg"), "serve", "--registry", str(served), "--layers", str(LAYERS)]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--workers", str(workers)],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 60
        body = None
        while time.time() < deadline and body is None:
            assert proc.poll() is None, f"landreg serve exited: {proc.stderr.read()}"
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/collections/plots/items?limit=1", timeout=5)
                body = response.json() if response.status_code == 200 else None
            except httpx.HTTPError:
                time.sleep(0.2)
        assert body is not None, "landreg serve did not answer within 60 s"
        assert body["numberMatched"] == n_live > 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def test_connections_of_worker_processes_are_sent_without_delay():
    """With several workers every connection gets TCP_NODELAY (else each small answer waited ~40 ms for an ACK)."""
    import asyncio
    import socket

    import uvicorn

    from api.cli import listening_socket

    port = _free_port()
    listener = listening_socket(uvicorn.Config(app="api.main:create_app", host="127.0.0.1", port=port))
    # A worker receives the socket rebuilt from its family, type and protocol (multiprocessing's reduction).
    in_worker = socket.socket(listener.family, listener.type, listener.proto, fileno=os.dup(listener.fileno()))

    async def nodelay_of_a_connection() -> int:
        made: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                made.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        server = await asyncio.get_running_loop().create_server(Probe, sock=in_worker)
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(made, 10)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    try:
        assert asyncio.run(nodelay_of_a_connection()) != 0
    finally:
        listener.close()
