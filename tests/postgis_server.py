"""A real PostgreSQL + PostGIS server for the tests, started once per session on 127.0.0.1.

The server comes from Debian's packages (``postgresql-15``, ``postgresql-15-postgis-3``; CI
installs them).  When it cannot start, the tests that need it fail and say why: they never skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from landreg.registry.postgis.cluster import LocalCluster, init_cluster


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[LocalCluster]:
    """A started cluster with the database ``landreg_test`` (PostGIS installed); stopped at the end."""
    root = Path(tempfile.mkdtemp(prefix="landreg-pg-"))
    if os.geteuid() == 0:  # the server runs as 'postgres', which must reach its data folder
        os.chown(root, pwd.getpwnam("postgres").pw_uid, -1)
    cluster = None
    try:
        cluster = init_cluster(root / "data")
        cluster.start()
        cluster.create_database("landreg_test")
    except Exception as exc:  # any failure: say what is missing instead of skipping
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(
            f"the PostgreSQL/PostGIS test server did not start: {exc}\n"
            "install it with: apt-get install -y postgresql-15 postgresql-15-postgis-3",
            pytrace=False,
        )
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgis_url(postgis_server: LocalCluster) -> str:
    """The URL of the session's test database."""
    return postgis_server.url("landreg_test")


def fresh_schema_name() -> str:
    """A schema name no other test uses."""
    return f"t_{uuid.uuid4().hex[:16]}"


def drop_schema(url: str, schema: str) -> None:
    """Drop a test registry's schema and everything in it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
