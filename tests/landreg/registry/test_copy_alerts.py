"""Saved searches travel with the registry: ``landreg db copy`` both ways, and ``landreg backup``/``restore``.

The demonstration registry gets three saved searches (one confirmed with sites announced and an
outbox, one waiting for confirmation, one unsubscribed).  A copy to PostGIS and back, and a
GeoPackage backup and its restore, keep every row of the alert tables (checked by counts and
checksums like the other tables), so the links already sent still work and no site is announced
twice after the move.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest

from landreg.alerts import (
    AlertSettings,
    AlertStore,
    confirm_search,
    save_search,
    scan_saved_searches,
    unsubscribe_search,
)
from landreg.registry import open_registry
from landreg.registry.backup import file_sha256, manifest_path
from landreg.registry.postgis.copy import gpkg_checksums, postgis_checksums
from landreg.registry.postgis.copy_alerts import ALERT_COLUMNS
from tests.landreg.cli._invoke import invoke
from tests.postgis_server import drop_schema, fresh_schema_name

ALERT_TABLES = [t for t, _ in ALERT_COLUMNS]
BASE = "https://landreg.example.no"


def _save_searches(reg) -> dict[str, object]:
    """Saved searches in every state; returns them by role."""
    settings = AlertSettings(_env_file=None, alerts_allow_private_webhooks=True)
    torgard = {"business_area_id": ["torgard"], "zoning": ["warehouse_logistics"]}
    active = save_search(
        reg,
        criteria=torgard,
        email="kari@lager.no",
        webhook_url="http://127.0.0.1:9/h",
        base_url=BASE,
        settings=settings,
    )
    confirm_search(reg, active.confirm_token)
    reg.record_decision("torgard_freight_terminal", outcome="not_built", decided_on=dt.date(2026, 11, 24), actor="t")
    assert scan_saved_searches(reg).new_sites[active.search_id]  # sites announced, notices queued
    store = AlertStore(reg)
    first = store.messages(search_id=active.search_id)[0]
    store.record_attempt(first.message_id, now="2026-11-24T23:00:00.123Z", error=None, next_attempt_at=None, attempts=1)
    waiting = save_search(
        reg,
        criteria={"min_daa": 20, "max_minutes": {"port": 25}},
        email="ola@stål.no",
        lang="en",
        base_url=BASE,
        settings=settings,
    )
    ended = save_search(reg, criteria={"zoning": ["industry"]}, email="per@firma.no", base_url=BASE, settings=settings)
    confirm_search(reg, ended.confirm_token)
    unsubscribe_search(reg, ended.unsubscribe_token)
    return {"active": active, "waiting": waiting, "ended": ended}


def _state(reg) -> dict[str, object]:
    """Everything the alert tables hold, read through the store."""
    store = AlertStore(reg)
    searches = store.all_searches()
    return {
        "searches": searches,
        "messages": store.messages(),
        "announced": {s.search_id: store.announced_sites(s.search_id) for s in searches},
        "known": {s.search_id: store.known_site_ids(s.search_id) for s in searches},
    }


def _raw_rows(path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f'SELECT {", ".join(c)} FROM "{t}" ORDER BY fid').fetchall() for t, c in ALERT_COLUMNS}


@pytest.fixture
def source(demo_registry_file, tmp_path):
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    with open_registry(path) as reg:
        searches = _save_searches(reg)
        state = _state(reg)
    assert len(state["searches"]) == 3 and len(state["messages"]) >= 5 and any(state["announced"].values())
    return path, searches, state


@pytest.mark.db
def test_db_copy_carries_the_saved_searches_to_postgis_and_back(source, postgis_url, tmp_path):
    path, searches, before = source
    schema = fresh_schema_name()
    url = f"{postgis_url}?schema={schema}"
    try:
        out = invoke("db", "copy", path, url)
        assert out.exit_code == 0, out.stderr
        assert all(f"{t}" in out.stdout for t in ALERT_TABLES)
        with open_registry(path) as src, open_registry(url) as dst:
            checks = {c.table: c for c in postgis_checksums(dst)}
            assert postgis_checksums(dst) == gpkg_checksums(src)
            assert {t: checks[t].rows for t in ALERT_TABLES} == {t: len(r) for t, r in _raw_rows(path).items()}
            assert _state(dst) == before
            report = scan_saved_searches(dst)  # the confirmed search knows its sites: none is announced again
            assert report.searches == 1 and report.new_sites == {} and report.failed == {}

        back = tmp_path / "back.gpkg"
        out = invoke("db", "copy", url, back)
        assert out.exit_code == 0, out.stderr
        assert _raw_rows(back) == _raw_rows(path)  # the round trip is lossless, row for row and in order
        with open_registry(back) as returned, open_registry(url) as dst:
            assert gpkg_checksums(returned) == postgis_checksums(dst)
            assert _state(returned) == before
            assert confirm_search(returned, searches["waiting"].confirm_token).active  # the link sent still works
    finally:
        drop_schema(postgis_url, schema)


def test_a_registry_made_before_saved_searches_has_empty_alert_checks(demo_registry_file, tmp_path):
    path = tmp_path / "old.gpkg"
    shutil.copy(demo_registry_file, path)
    with sqlite3.connect(path) as conn:
        for table in ALERT_TABLES:
            conn.execute(f'DROP TABLE "{table}"')
    with open_registry(path) as reg:
        checks = {c.table: c.rows for c in gpkg_checksums(reg)}
    assert {t: checks[t] for t in ALERT_TABLES} == dict.fromkeys(ALERT_TABLES, 0)


def test_a_geopackage_backup_keeps_and_checks_the_saved_searches(source, tmp_path):
    path, _, before = source
    backup = tmp_path / "b.gpkg"
    assert invoke("backup", "--registry", path, "-o", backup).exit_code == 0
    manifest = json.loads(manifest_path(backup).read_text())
    rows = {t["table"]: t["rows"] for t in manifest["tables"]}
    assert {t: rows[t] for t in ALERT_TABLES} == {t: len(r) for t, r in _raw_rows(path).items()}

    target = tmp_path / "restored.gpkg"
    out = invoke("restore", backup, "--registry", target)
    assert out.exit_code == 0, out.output
    assert _raw_rows(target) == _raw_rows(path)
    with open_registry(target) as restored:
        assert _state(restored) == before

    # a saved search edited in the backup, its file hash made to fit: the table checksum catches it
    edited = tmp_path / "edited.gpkg"
    edited.write_bytes(backup.read_bytes())
    with sqlite3.connect(edited) as conn:
        conn.execute("UPDATE alert_searches SET email = 'mallory@example.com' WHERE fid = 1")
    conn.close()
    manifest_path(edited).write_text(json.dumps({**manifest, "file_sha256": file_sha256(edited)}))
    out = invoke("restore", edited, "--registry", tmp_path / "r2.gpkg")
    assert out.exit_code == 1 and "['alert_searches']" in out.output and "Traceback" not in out.output

    # a manifest written before the saved searches were checked still restores (the file hash vouches)
    older = {**manifest, "tables": [t for t in manifest["tables"] if t["table"] not in ALERT_TABLES]}
    manifest_path(backup).write_text(json.dumps(older))
    out = invoke("restore", backup, "--registry", tmp_path / "r3.gpkg")
    assert out.exit_code == 0, out.output
