"""The service over a real GeoPackage registry built from the bundled layers.

Most tests call the app in the test process (``TestClient(create_app(settings))``: the ``*_api``
fixtures); a real uvicorn on 127.0.0.1 (the ``*_server`` fixtures) serves the clients that need a
socket: OWSLib, GDAL, the browser, concurrent writers and the schemathesis command line.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.main import create_app
from api.settings import ApiSettings
from landreg.registry import open_registry

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ROOT / "layers"


@pytest.fixture(scope="session")
def built_registry(demo_registry_file) -> Path:
    """The demonstration registry, built once per session (read-only template)."""
    return demo_registry_file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The service in its own process (uvicorn), as it runs in production.

    A separate process also keeps clients that hold the GIL while they wait on
    the network (GDAL through pyogrio) from starving the server.
    """

    def __init__(self, settings: ApiSettings, *, workers: int = 1) -> None:
        self.workers = workers
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for name, value in settings.model_dump().items():
            self.env[f"LANDREG_API_{name.upper()}"] = json.dumps(value) if isinstance(value, list) else str(value)
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> LiveServer:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited: {self.proc.stderr.read()}")
            try:
                if httpx.get(self.url + "/conformance", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the service did not start")

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stderr.close()


class Service:
    """The service in the test process: ``TestClient(create_app(settings))`` at ``http://testserver``.

    ``client`` is an ``httpx.Client``: ``client.get(f"{service.url}/collections")``.  Redirects are
    not followed (as with ``httpx.get``), and an exception in the app fails the test.
    """

    url = "http://testserver"

    def __init__(self, settings: ApiSettings, *, tokens: dict[str, str] | None = None) -> None:
        from fastapi.testclient import TestClient

        self.registry_path = settings.registry
        self.tokens = tokens or {}
        self.client = TestClient(create_app(settings), base_url=self.url, follow_redirects=False)

    def __enter__(self) -> Service:
        self.client.__enter__()  # runs the app's startup (opens the registry)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.__exit__(*exc)


def _edit_tokens(path: Path) -> dict[str, str]:
    """Tokens for an admin, a Skaun planner and a viewer in the registry at ``path``."""
    with open_registry(path) as reg:
        return {
            "admin": reg.create_token(name="admin-ola", role="admin"),
            "planner": reg.create_token(name="planner-kari", role="planner", municipalities=["5029"]),
            "viewer": reg.create_token(name="viewer-per", role="viewer"),
        }


@pytest.fixture(scope="session")
def read_api(built_registry, tmp_path_factory):
    """The service in process over a copy of the demonstration registry that no test edits."""
    path = tmp_path_factory.mktemp("read-api") / "registry.gpkg"
    shutil.copy(built_registry, path)
    with Service(_settings(path)) as service:
        yield service


@pytest.fixture
def edit_api(built_registry, tmp_path):
    """The service in process over a fresh copy of the registry, with tokens: admin, a Skaun planner and a viewer."""
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    with Service(_settings(path), tokens=_edit_tokens(path)) as service:
        yield service


@pytest.fixture
def make_api(built_registry, tmp_path):
    """Start the service in process with custom settings over a fresh copy of the registry."""
    started: list[Service] = []

    def start(**overrides) -> Service:
        path = tmp_path / f"registry{len(started)}.gpkg"
        shutil.copy(built_registry, path)
        with open_registry(path) as reg:
            token = reg.create_token(name="admin", role="admin")
        service = Service(_settings(path, **overrides), tokens={"admin": token}).__enter__()
        started.append(service)
        return service

    yield start
    for service in started:
        service.__exit__(None, None, None)


def _settings(registry: Path, **overrides) -> ApiSettings:
    return ApiSettings(**{"registry": registry, "layers_dir": LAYERS, "log_requests": False, **overrides})


@pytest.fixture(scope="session")
def read_server(built_registry, tmp_path_factory):
    """A service over a copy of the demonstration registry that no test edits."""
    path = tmp_path_factory.mktemp("read") / "registry.gpkg"
    shutil.copy(built_registry, path)
    with LiveServer(_settings(path)) as server:
        server.registry_path = path
        yield server


@pytest.fixture
def edit_server(built_registry, tmp_path):
    """A service over a fresh copy of the registry, with tokens: admin, a Skaun planner and a viewer."""
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    tokens = _edit_tokens(path)
    with LiveServer(_settings(path)) as server:
        server.registry_path = path
        server.tokens = tokens
        yield server


@pytest.fixture
def make_server(built_registry, tmp_path):
    """Start a service with custom settings over a fresh copy of the registry."""
    started = []

    def start(**overrides):
        path = tmp_path / f"registry{len(started)}.gpkg"
        shutil.copy(built_registry, path)
        with open_registry(path) as reg:
            token = reg.create_token(name="admin", role="admin")
        server = LiveServer(_settings(path, **overrides)).__enter__()
        server.registry_path = path
        server.tokens = {"admin": token}
        started.append(server)
        return server

    yield start
    for s in started:
        s.__exit__()
