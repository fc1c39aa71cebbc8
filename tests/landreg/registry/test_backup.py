"""``landreg backup`` / ``landreg restore``: a consistent copy of a live registry, verified by checksums."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from landreg import open_registry
from landreg.cli import main
from landreg.gpkg.connection import connect
from landreg.registry.backup import file_sha256, manifest_path
from landreg.registry.postgis.copy import gpkg_checksums, postgis_checksums
from landreg.testing import make_plot_frame
from tests.postgis_server import drop_schema, fresh_schema_name

WORKERS = Path(__file__).with_name("_workers.py")
WRITERS = 8


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3]) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _location(registry, registry_path: Path) -> str:
    if registry.backend == "postgis":
        return f"{registry.url}?schema={registry.schema}"
    return str(registry_path)


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


class _Acks:
    """Acknowledged writes of the writer processes, in the order they arrived."""

    def __init__(self, procs: list[subprocess.Popen]) -> None:
        self.lines: list[dict] = []
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._read, args=(p,), daemon=True) for p in procs]
        for t in self.threads:
            t.start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            with self._lock:
                self.lines.append(json.loads(line))

    def snapshot(self) -> list[dict]:
        with self._lock:
            return list(self.lines)


@pytest.mark.slow
def test_backup_during_eight_writers_restores_every_acknowledged_write(registry, registry_path, tmp_path, request):
    (shared,) = registry.add_plots(make_plot_frame(1, prefix="SHARED"), actor="setup")
    location, backend = _location(registry, registry_path), registry.backend
    registry.close()
    n = 12
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKERS), "writer", location, f"W{k}", str(n), shared, str(520_000.0 + 5_000 * k)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for k in range(WRITERS)
    ]
    acks = _Acks(procs)
    deadline = time.monotonic() + 120
    while len(acks.snapshot()) < 2 * WRITERS and time.monotonic() < deadline:
        time.sleep(0.02)
    before = acks.snapshot()  # every write acknowledged before the backup starts
    out = tmp_path / ("backup.gpkg" if backend == "geopackage" else "backup.dump")
    result = _run("backup", "--registry", location, "-o", str(out))
    during = len(acks.snapshot())
    for p in procs:
        p.wait(timeout=240)
        with p.stderr:
            assert p.returncode == 0, p.stderr.read()
    for t, p in zip(acks.threads, procs, strict=True):
        t.join()
        p.stdout.close()
    assert result.exit_code == 0, result.output
    total = len(acks.snapshot())
    assert total == 2 * WRITERS * n
    assert 2 * WRITERS <= len(before) <= during < total  # taken while the writers were writing

    if backend == "geopackage":
        target: str = str(tmp_path / "restored.gpkg")
    else:
        other = request.getfixturevalue("postgis_server").create_database("landreg_restore")
        schema = fresh_schema_name()
        request.addfinalizer(lambda: drop_schema(other, schema))
        target = f"{other}?schema={schema}"
    result = _run("restore", str(out), "--registry", target)
    assert result.exit_code == 0, result.output
    assert "verified" in result.output

    added = {a["added"] for a in before if "added" in a}
    updated = max((a["updated"] for a in before if "updated" in a), default=1)
    with open_registry(target) as restored:
        ids = set(restored.query_plots()["plot_id"])
        assert added <= ids, f"acknowledged before the backup but missing: {sorted(added - ids)}"
        version = restored.get_plot(shared).version
        assert version >= updated
        history = restored.plot_history(shared)  # a consistent instant: no version is missing
        assert list(history["version"]) == list(range(1, version + 1))
    if backend == "geopackage":
        conn = sqlite3.connect(target)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()


@pytest.mark.parametrize("backend", ["geopackage"])
def test_restore_checks_the_manifest_and_refuses_to_overwrite(loaded, registry_path, tmp_path):
    registry, _ = loaded
    registry.close()
    backup = tmp_path / "b.gpkg"
    assert _run("backup", "--registry", str(registry_path), "-o", str(backup)).exit_code == 0
    manifest = json.loads(manifest_path(backup).read_text())
    assert manifest["backend"] == "geopackage" and manifest["started_at"].endswith("Z")
    assert {t["table"]: t["rows"] for t in manifest["tables"]}["plots"] == 9

    again = _run("backup", "--registry", str(registry_path), "-o", str(backup))
    assert again.exit_code == 1 and "already exists" in again.output

    target = tmp_path / "r.gpkg"
    assert _run("restore", str(backup), "--registry", str(target)).exit_code == 0
    with open_registry(target) as a, open_registry(registry_path) as b:
        assert gpkg_checksums(a) == gpkg_checksums(b)
    refused = _run("restore", str(backup), "--registry", str(target))
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = _run("restore", str(backup), "--registry", str(target), "--force")
    assert forced.exit_code == 0, forced.output


def _assert_user_error(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Error" not in result.output
    for word in words:
        assert word in result.output


@pytest.mark.parametrize("backend", ["geopackage"])
def test_bad_backups_are_refused_with_a_clear_message(loaded, registry_path, tmp_path):
    registry, _ = loaded
    registry.close()
    target = tmp_path / "r.gpkg"
    _assert_user_error(_run("restore", str(tmp_path / "missing.gpkg"), "--registry", str(target)), "no backup at")

    text = tmp_path / "notes.txt"
    text.write_text("not a registry")
    _assert_user_error(_run("backup", "--registry", str(text), "-o", str(tmp_path / "x.gpkg")), "not a landreg")
    assert not (tmp_path / "x.gpkg").exists()

    bare = tmp_path / "bare.gpkg"  # a registry file without a manifest
    bare.write_bytes(registry_path.read_bytes())
    _assert_user_error(_run("restore", str(bare), "--registry", str(target)), "no manifest")

    backup = tmp_path / "b.gpkg"
    assert _run("backup", "--registry", str(registry_path), "-o", str(backup)).exit_code == 0
    manifest = manifest_path(backup)
    good = manifest.read_text()

    # a changed byte: the file no longer matches its SHA-256
    data = bytearray(backup.read_bytes())
    data[-100] ^= 0xFF
    damaged = tmp_path / "damaged.gpkg"
    damaged.write_bytes(bytes(data))
    manifest_path(damaged).write_text(good)
    _assert_user_error(_run("restore", str(damaged), "--registry", str(target)), "does not match its manifest")

    # an edited table with a manifest whose file hash was made to fit: the table checksum catches it
    edited = tmp_path / "edited.gpkg"
    edited.write_bytes(backup.read_bytes())
    conn = connect(edited)  # with the GeoPackage's SQL functions its triggers use
    conn.execute("UPDATE plots SET name = 'Endret' WHERE fid = (SELECT min(fid) FROM plots)")
    conn.close()

    body = json.loads(good)
    body["file_sha256"] = file_sha256(edited)
    manifest_path(edited).write_text(json.dumps(body))
    _assert_user_error(_run("restore", str(edited), "--registry", str(target)), "['plots']")

    manifest_path(backup).write_text("{not json")
    _assert_user_error(_run("restore", str(backup), "--registry", str(target)), "not a landreg backup manifest")
    assert not target.exists()  # nothing was restored by any of the refused attempts


@pytest.mark.db
@pytest.mark.parametrize("backend", ["postgis"])
def test_postgis_round_trip_and_force(registry, postgis_server, tmp_path):
    ids = registry.add_plots(make_plot_frame(5, seed=3, prefix="Ørland"), actor="setup")
    registry.update_plot(ids[0], {"name": "Bøvågen"}, expected_version=1, actor="kari")
    source = f"{registry.url}?schema={registry.schema}"
    expected = postgis_checksums(registry)
    backup = tmp_path / "b.dump"
    result = _run("backup", "--registry", source, "-o", str(backup))
    assert result.exit_code == 0, result.output
    assert json.loads(manifest_path(backup).read_text())["schema"] == registry.schema

    other = postgis_server.create_database("landreg_restore")
    schema = fresh_schema_name()
    target = f"{other}?schema={schema}"
    try:
        result = _run("restore", str(backup), "--registry", target)
        assert result.exit_code == 0, result.output
        with open_registry(target) as restored:
            assert postgis_checksums(restored) == expected
            assert restored.get_plot(ids[0]).name == "Bøvågen"
        refused = _run("restore", str(backup), "--registry", target)
        _assert_user_error(refused, "exists already", "--force")
        forced = _run("restore", str(backup), "--registry", target, "--force")
        assert forced.exit_code == 0, forced.output
        with open_registry(target) as restored:
            assert postgis_checksums(restored) == expected
        # into the same database under another name: the dumped schema's name is taken there
        same = _run("restore", str(backup), "--registry", f"{registry.url}?schema={fresh_schema_name()}")
        _assert_user_error(same, "restore into another database")
        # the original replaced by its backup, after a change made since
        registry.end_plot(ids[1], expected_version=1, actor="kari")
        assert postgis_checksums(registry) != expected
        registry.close()
        forced = _run("restore", str(backup), "--registry", source, "--force")
        assert forced.exit_code == 0, forced.output
        with open_registry(source) as back:
            assert postgis_checksums(back) == expected
        # a GeoPackage target for a PostGIS backup is refused
        _assert_user_error(_run("restore", str(backup), "--registry", str(tmp_path / "x.gpkg")), "PostGIS backup")
    finally:
        drop_schema(other, schema)
