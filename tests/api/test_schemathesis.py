"""Property-based runs of the OpenAPI document against the live service: no 5xx, no schema violation.

Schemathesis is driven through its command line (bounded examples, fixed seed) against a real
service: the service computes in its own process while schemathesis generates the next request, so a
run takes about half the time it takes against the app in the test process (measured: 137 s in
process against 57-95 s over a socket for the public run).

The run with an admin token covers every operation.  Reads never look at the token (only the
write routes depend on ``get_principal``, which ``test_only_writes_depend_on_the_caller`` keeps
true), so the run without a token covers the operations whose answer depends on it: the writes,
which must refuse an anonymous caller with a documented 401, never a 5xx.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import ApiSettings
from tests.api.conftest import LAYERS

ST = Path(sys.executable).with_name("st")
CHECKS = "not_a_server_error,response_schema_conformance"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
# The suite's budget; ``make fuzz`` runs the same checks with LANDREG_FUZZ_EXAMPLES=500 and no time limit.
EXAMPLES = int(os.environ.get("LANDREG_FUZZ_EXAMPLES", "25"))
TIMEOUT_S = None if "LANDREG_FUZZ_EXAMPLES" in os.environ else 900


def _run(url: str, *extra: str) -> subprocess.CompletedProcess:
    command = [str(ST), "run", f"{url}/api", "--max-examples", str(EXAMPLES), "--seed", "1", "--mode", "all"]
    return subprocess.run(
        [*command, "--checks", CHECKS, "--no-color", *extra],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


@pytest.mark.slow
def test_openapi_contract_public(read_server):
    out = _run(read_server.url, *(arg for method in WRITES for arg in ("--include-method", method)))
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "passed" in out.stdout


@pytest.mark.slow
def test_openapi_contract_with_an_admin_token(edit_server):
    out = _run(edit_server.url, "-H", f"Authorization: Bearer {edit_server.tokens['admin']}")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def _api_routes(routes):
    """The APIRoutes of an app, including those of included routers."""
    from fastapi.routing import APIRoute

    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router
            yield from _api_routes(route.original_router.routes)


def test_only_writes_depend_on_the_caller():
    """Every operation whose answer depends on the bearer token is a write (so the public run covers it)."""
    from api.deps import get_principal
    from api.main import create_app

    def depends_on_principal(dependant) -> bool:
        return any(d.call is get_principal or depends_on_principal(d) for d in dependant.dependencies)

    app = create_app(ApiSettings(registry=Path("unused.gpkg"), layers_dir=LAYERS, log_requests=False))
    routes = list(_api_routes(app.routes))
    with_caller = [r for r in routes if depends_on_principal(r.dependant)]
    assert len(routes) > 30 and with_caller, "routes not found: the public run would test nothing"
    for route in with_caller:
        assert route.methods <= set(WRITES), f"{route.path} {sorted(route.methods)} reads the caller"
