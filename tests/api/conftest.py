"""A real service on 127.0.0.1 over a real GeoPackage registry built from the bundled layers."""

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

from api.settings import ApiSettings
from landreg.layers.build import create_registry_from_layers
from landreg.registry import open_registry

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ROOT / "layers"


@pytest.fixture(scope="session")
def built_registry(tmp_path_factory) -> Path:
    """The demonstration registry, built once per session (read-only template)."""
    path = tmp_path_factory.mktemp("template") / "registry.gpkg"
    create_registry_from_layers(path, layers_dir=LAYERS)  # as `landreg init` does
    return path


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


def _settings(registry: Path, **overrides) -> ApiSettings:
    return ApiSettings(registry=registry, layers_dir=LAYERS, log_requests=False, **overrides)


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
    with open_registry(path) as reg:
        tokens = {
            "admin": reg.create_token(name="admin-ola", role="admin"),
            "planner": reg.create_token(name="planner-kari", role="planner", municipalities=["5029"]),
            "viewer": reg.create_token(name="viewer-per", role="viewer"),
        }
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
