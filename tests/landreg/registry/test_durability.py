"""Atomic writes: a killed import leaves the file as before; concurrent writers lose nothing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from landreg import open_registry
from landreg.testing import make_plot_frame

WORKERS = Path(__file__).with_name("_workers.py")


def _digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3]) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["geopackage"])  # compares the file byte for byte
def test_sigkill_during_bulk_import_leaves_registry_unchanged(registry, registry_path):
    registry.add_plots(make_plot_frame(25), actor="setup")
    registry.close()
    before_bytes = registry_path.read_bytes()
    before = _digest(registry_path)
    proc = subprocess.Popen(
        [sys.executable, str(WORKERS), "bulk", str(registry_path), "40000"],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    lines = []
    for line in proc.stdout:  # wait until batches are being written inside the transaction
        lines.append(line.strip())
        if len(lines) == 2:
            break
    journal = registry_path.with_name(registry_path.name + "-journal")
    assert journal.exists(), "the import should be mid-transaction"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert lines == ["batch 5000", "batch 5000"]
    # Opening the file rolls the hot journal back.
    with open_registry(registry_path) as reg:
        assert reg.count_plots(include_ended=True) == 25
    assert not journal.exists()
    assert _digest(registry_path) == before
    assert registry_path.read_bytes() == before_bytes
    conn = sqlite3.connect(registry_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.parametrize("backend", ["geopackage"])  # compares the file byte for byte
def test_failure_mid_import_rolls_back(registry, registry_path):
    registry.add_plots(make_plot_frame(4), actor="setup")
    before = _digest(registry_path)

    def explode(_: int) -> None:
        raise RuntimeError("disk on fire")

    frame = make_plot_frame(12_000, prefix="X", origin=(520_000.0, 6_950_000.0), cell_m=60.0)
    with pytest.raises(RuntimeError, match="disk on fire"):
        registry.add_plots(frame, actor="t", progress=explode)
    assert _digest(registry_path) == before
    assert registry.count_plots() == 4


def _location(registry, registry_path: Path) -> str:
    """Where another process opens the same registry: the file, or the database URL with the schema."""
    if registry.backend == "postgis":
        return f"{registry.url}?schema={registry.schema}"
    return str(registry_path)


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(registry, registry_path):
    (shared,) = registry.add_plots(make_plot_frame(1, prefix="SHARED"), actor="setup")
    location = _location(registry, registry_path)
    backend = registry.backend
    registry.close()
    n = 25
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKERS), "writer", location, name, str(n), shared, str(x0)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for name, x0 in (("A", 530_000.0), ("B", 540_000.0))
    ]
    acks = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        acks += [json.loads(line) for line in out.splitlines()]
    added = [a["added"] for a in acks if "added" in a]
    updated = sorted(a["updated"] for a in acks if "updated" in a)
    assert len(added) == 2 * n
    assert updated == list(range(2, 2 * n + 2))  # every acknowledged increment is a distinct version
    with open_registry(location) as reg:
        ids = set(reg.query_plots()["plot_id"])
        assert set(added) <= ids
        p = reg.get_plot(shared)
        assert p.version == 2 * n + 1
        history = reg.plot_history(shared)
        assert list(history["version"]) == list(range(1, 2 * n + 2))
        assert history["recorded_at"].is_monotonic_increasing and history["recorded_at"].is_unique
    if backend == "postgis":
        return
    conn = sqlite3.connect(registry_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
