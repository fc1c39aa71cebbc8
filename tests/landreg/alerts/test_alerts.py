"""Saved searches in the core: storage on both backends, matching after changes, delivery with back-off, the CLI."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest

from landreg.alerts import (
    AlertSettings,
    AlertStore,
    confirm_search,
    deliver_due,
    save_search,
    scan_saved_searches,
    unsubscribe_search,
)
from landreg.alerts.delivery import retry_delay_s
from landreg.errors import ValidationError
from landreg.registry import open_registry
from landreg.registry.postgis.copy import copy_gpkg_to_postgis
from tests.alert_receivers import SmtpSink, WebhookSink, free_port
from tests.landreg.cli._invoke import invoke
from tests.postgis_server import drop_schema, fresh_schema_name

TORGARD = {"business_area_id": ["torgard"], "zoning": ["warehouse_logistics"]}
BASE = "https://landreg.example.no"


@pytest.fixture(params=["geopackage", pytest.param("postgis", marks=pytest.mark.db)])
def demo(request, demo_registry_file, tmp_path):
    """An open copy of the demonstration registry on each backend."""
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    if request.param == "geopackage":
        with open_registry(path) as reg:
            yield reg
        return
    base = request.getfixturevalue("postgis_url")
    schema = fresh_schema_name()
    url = f"{base}?schema={schema}"
    with open_registry(path) as src, open_registry(url, create=True) as dst:
        copy_gpkg_to_postgis(src, dst)
    try:
        with open_registry(url) as reg:
            yield reg
    finally:
        drop_schema(base, schema)


def _settings(**overrides):
    return AlertSettings(_env_file=None, **{"alerts_allow_private_webhooks": True, **overrides})


def _free_locked_plots(reg):
    """The Torgård decision taken: its locked warehouse plots become available."""
    reg.record_decision("torgard_freight_terminal", outcome="not_built", decided_on=dt.date(2026, 11, 24), actor="t")


def test_a_newly_matching_site_is_queued_once_per_channel_on_both_backends(demo):
    search = save_search(
        demo,
        criteria=TORGARD,
        email="kari@lager.no",
        webhook_url="http://127.0.0.1:9/h",
        base_url=BASE,
        settings=_settings(),
    )
    store = AlertStore(demo)
    assert not store.get_search(search.search_id).active
    assert scan_saved_searches(demo).searches == 0  # unconfirmed: nothing is scanned
    [confirmation] = store.messages(search_id=search.search_id)
    assert confirmation.kind == "confirmation" and confirmation.channel == "email"

    confirmed = confirm_search(demo, search.confirm_token)
    assert confirmed.active and confirm_search(demo, search.confirm_token).confirmed_at == confirmed.confirmed_at
    known = store.known_site_ids(search.search_id)
    assert scan_saved_searches(demo).new_sites == {}  # nothing changed since the confirmation

    _free_locked_plots(demo)
    report = scan_saved_searches(demo)
    new = report.new_sites[search.search_id]
    assert new and not set(new) & known and any(s.startswith("TOR-") for s in new)
    notices = [m for m in store.messages(search_id=search.search_id) if m.kind == "sites"]
    assert sorted(m.channel for m in notices) == ["email", "webhook"]
    assert [s["site_id"] for s in notices[0].payload["sites"]] == new
    assert all(s["area_m2"] > 0 for s in notices[0].payload["sites"])

    assert scan_saved_searches(demo).new_sites == {}  # the same sites are never announced twice
    assert len(store.messages(search_id=search.search_id)) == 3
    assert {s["site_id"] for s in store.announced_sites(search.search_id)} == set(new)

    unsubscribe_search(demo, search.unsubscribe_token)
    assert not store.active_searches()
    assert all(m.failed_at or m.delivered_at for m in store.messages(search_id=search.search_id))


def test_the_geopackage_tables_are_hidden_from_gis_clients_and_made_for_older_files(demo_registry_file, tmp_path):
    path = tmp_path / "old.gpkg"
    shutil.copy(demo_registry_file, path)
    with sqlite3.connect(path) as conn:
        listed = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"alert_searches", "alert_sites", "alert_outbox"} <= tables and not listed & tables - listed
        assert not {"alert_searches", "alert_sites", "alert_outbox"} & listed
        for table in ("alert_searches", "alert_sites", "alert_outbox"):
            conn.execute(f"DROP TABLE {table}")  # as in a registry made before saved searches existed
    with open_registry(path) as reg:
        assert not AlertStore(reg).has_active_searches()
        search = save_search(reg, criteria={}, email="kari@lager.no", base_url=BASE, settings=_settings())
        assert AlertStore(reg).get_search(search.search_id).email == "kari@lager.no"


def test_bad_criteria_and_addresses_are_refused_with_every_problem(demo_registry_file, tmp_path):
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    with open_registry(path) as reg, pytest.raises(ValidationError) as err:
        save_search(
            reg,
            criteria={"relocating": "Firma AS", "min_daa": -1},
            email="nope",
            webhook_url="file:///etc/passwd",
            base_url=BASE,
            settings=_settings(alerts_allow_private_webhooks=False),
        )
    text = str(err.value)
    assert "criteria.relocating" in text and "not an e-mail address" in text and "not an http(s) URL" in text
    with open_registry(path) as reg, pytest.raises(ValidationError, match="unknown business area"):
        save_search(
            reg, criteria={"business_area_id": ["atlantis"]}, email="k@l.no", base_url=BASE, settings=_settings()
        )
    with open_registry(path) as reg:
        assert AlertStore(reg).all_searches() == []


def test_failed_deliveries_back_off_and_are_given_up_after_the_last_attempt(demo_registry_file, tmp_path, caplog):
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    settings = _settings(smtp_host="127.0.0.1", smtp_port=free_port(), alerts_retry_base_s=60, alerts_max_attempts=3)
    assert [retry_delay_s(n, settings=settings) for n in (1, 2, 3)] == [60, 120, 240]
    with open_registry(path) as reg:
        search = save_search(reg, criteria={}, email="kari@lager.no", base_url=BASE, settings=settings)
        store = AlertStore(reg)
        now = dt.datetime.now(dt.UTC)
        assert deliver_due(reg, settings=settings, now=now).retrying  # refused: nobody listens
        assert not deliver_due(reg, settings=settings, now=now + dt.timedelta(seconds=59)).retrying  # not due yet
        assert deliver_due(reg, settings=settings, now=now + dt.timedelta(seconds=61)).retrying
        [message] = store.messages(search_id=search.search_id)
        waited_s = (dt.datetime.fromisoformat(message.next_attempt_at) - now).total_seconds()
        assert message.attempts == 2 and 119 < waited_s < 130  # twice the first wait
        assert deliver_due(reg, settings=settings, now=now + dt.timedelta(seconds=200)).given_up
        [message] = store.messages(search_id=search.search_id)
        assert message.failed_at and message.attempts == 3 and "Connection refused" in message.last_error
    assert any("given up after 3 attempt(s)" in r.getMessage() for r in caplog.records)


def test_cli_edits_queue_notices_and_alerts_run_delivers_them(demo_registry_file, tmp_path, monkeypatch):
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    smtp, webhook = SmtpSink().start(), WebhookSink().start()
    try:
        for name, value in {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "ALERTS_ALLOW_PRIVATE_WEBHOOKS": "true",
        }.items():
            monkeypatch.setenv(f"LANDREG_{name}", value)
        with open_registry(path) as reg:
            search = save_search(
                reg,
                criteria=TORGARD,
                email="kari@lager.no",
                webhook_url=webhook.url,
                lang="en",
                base_url=BASE,
                settings=AlertSettings(),
            )
            webhook.secret = search.webhook_secret
        out = invoke("alerts", "run", "--registry", path)
        assert "delivered 1" in out.output  # the confirmation
        assert smtp.wait_for(1)[0]["Subject"] == "Confirm your saved search"
        with open_registry(path) as reg:
            confirm_search(reg, search.confirm_token)

        out = invoke(
            "decision",
            "decide",
            "torgard_freight_terminal",
            "--outcome",
            "not_built",
            "--registry",
            path,
            "--no-enrich",
        )
        assert out.exit_code == 0, out.output
        with open_registry(path) as reg:
            queued = [m for m in AlertStore(reg).messages(search_id=search.search_id) if m.kind == "sites"]
        assert len(queued) == 2 and not any(m.delivered_at for m in queued)  # queued by the edit, not sent

        out = invoke("alerts", "run", "--registry", path)
        assert "0 new site(s) queued" in out.output and "delivered 2" in out.output
        mail = smtp.wait_for(2)[1]
        assert "fit your saved search" in mail["Subject"] and "TOR-" in mail.get_content()
        assert f"{BASE}/alerts/unsubscribe?token={search.unsubscribe_token}" in mail.get_content()
        [call] = webhook.wait_for(1)
        assert call["signature_valid"] and call["body"]["type"] == "sites"
        out = invoke("alerts", "list", "--registry", path)
        assert f"{search.search_id}  active  kari@lager.no, {webhook.url}" in out.output
    finally:
        smtp.stop()
        webhook.stop()


def test_a_search_with_only_a_webhook_is_confirmed_through_it(demo_registry_file, tmp_path):
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    webhook = WebhookSink().start()
    try:
        with open_registry(path) as reg:
            search = save_search(reg, criteria=TORGARD, webhook_url=webhook.url, base_url=BASE, settings=_settings())
            webhook.secret = search.webhook_secret
            assert deliver_due(reg, settings=_settings()).delivered
            [call] = webhook.wait_for(1)
            assert call["signature_valid"] and call["body"]["type"] == "confirmation"
            token = call["body"]["confirm_url"].split("token=", 1)[1]
            assert confirm_search(reg, token).active
    finally:
        webhook.stop()


def test_every_alert_text_has_a_bokmal_translation():
    """Each message id the alert code translates is in the bokmål catalog (none falls back to English)."""
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[3]
    sources = [*(root / "landreg" / "alerts").glob("*.py"), root / "api" / "routes" / "alerts.py"]
    call = re.compile(r'(?:\b_|gettext|ngettext)\(\s*"((?:[^"\\]|\\.)+)"', re.S)
    used = {m.group(1) for src in sources for m in call.finditer(src.read_text(encoding="utf-8"))}
    with (root / "landreg" / "locale" / "nb" / "LC_MESSAGES" / "alerts.po").open("rb") as po:
        catalog = read_po(po)
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert len(used) > 10 and not used - known, sorted(used - known)
