"""The local cluster behind ``make postgis``: created once, loopback only, never run by root, stopped by its id."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from landreg.registry.postgis.cluster import load_cluster

pytestmark = [pytest.mark.db, pytest.mark.slow]


def _cluster_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "landreg.registry.postgis.cluster", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_postgis_cluster_listens_on_loopback_as_a_non_root_user():
    root = Path(tempfile.mkdtemp(prefix="landreg-cluster-"))
    root.chmod(0o755)  # the server user must reach its data folder
    data = root / "pg"
    try:
        first = _cluster_cli(str(data))
        assert first.returncode == 0, first.stderr
        url = first.stdout.strip()
        assert url.startswith("postgresql://postgres:") and "@127.0.0.1:" in url and url.endswith("/landreg")
        again = _cluster_cli(str(data))  # already made and running: the same URL, nothing new
        assert again.returncode == 0 and again.stdout.strip() == url
        with psycopg.connect(url) as conn:
            assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
            assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'postgis'").fetchone()
        pid = load_cluster(data).pid
        assert pid is not None
        uid = int(
            next(
                line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:")
            ).split()[1]
        )
        assert uid != 0 and pwd.getpwuid(uid).pw_name == (
            pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() else "postgres"
        )
        stop = _cluster_cli("--stop", str(data))
        assert stop.returncode == 0, stop.stderr
        assert load_cluster(data).pid is None
    finally:
        cluster = load_cluster(data) if (data / "landreg-port").exists() else None
        if cluster is not None and cluster.pid is not None:
            cluster.stop()
        subprocess.run(["rm", "-rf", str(root)], check=False)


def test_unusable_folders_are_refused_with_the_reason(tmp_path):
    if os.geteuid() == 0:  # pytest's tmp_path is private to root: the server user cannot enter it
        out = _cluster_cli(str(tmp_path / "pg"))
        assert out.returncode == 1 and "cannot reach" in out.stderr and "Traceback" not in out.stderr
    root = Path(tempfile.mkdtemp(prefix="landreg-cluster-"))
    root.chmod(0o755)
    try:
        (root / "pg").mkdir()
        (root / "pg" / "notes.txt").write_text("x")
        out = _cluster_cli(str(root / "pg"))
        assert out.returncode == 1 and "not empty" in out.stderr and "Traceback" not in out.stderr
    finally:
        subprocess.run(["rm", "-rf", str(root)], check=False)
