"""Property-based runs of the OpenAPI document against the live service: no 5xx, no schema violation.

Schemathesis is driven through its command line (bounded examples, fixed seed).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ST = Path(sys.executable).with_name("st")
CHECKS = "not_a_server_error,response_schema_conformance"


def _run(url: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ST), "run", f"{url}/api", "--max-examples", "25", "--seed", "1", "--checks", CHECKS, "--no-color", *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_openapi_contract_public(read_server):
    out = _run(read_server.url)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "passed" in out.stdout


@pytest.mark.slow
def test_openapi_contract_with_an_admin_token(edit_server):
    out = _run(edit_server.url, "-H", f"Authorization: Bearer {edit_server.tokens['admin']}")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
