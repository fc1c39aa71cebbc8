"""Saved searches end to end: a real SMTP server and a webhook receiver on loopback, edits through the API.

A firm saves the steel-trader search (≥ 20 daa industry land, ≤ 25 min to the port), confirms it by
the link in the e-mail it receives, and an admin makes a reserved plot that fits available: exactly
one e-mail and one signed webhook call announce it, and the search's Atom feed lists it. Unrelated
edits announce nothing, and after unsubscribing nothing more is sent.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from landreg import analysis
from landreg.alerts import ATOM_NS, AlertStore
from landreg.registry import open_registry
from landreg.registry.postgis.copy import copy_gpkg_to_postgis
from landreg.search import SiteRequirements
from tests.alert_receivers import SmtpSink, WebhookSink
from tests.api.conftest import Service, _edit_tokens, _settings
from tests.postgis_server import drop_schema, fresh_schema_name

STEEL_TRADER = {"min_daa": 20, "zoning": ["industry"], "max_minutes": {"port": 25}}
ATOM = f"{{{ATOM_NS}}}"


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def webhook():
    sink = WebhookSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def alert_env(monkeypatch, smtp):
    monkeypatch.setenv("LANDREG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LANDREG_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("LANDREG_SMTP_FROM", "varsler@landreg.test")
    monkeypatch.setenv("LANDREG_ALERTS_ALLOW_PRIVATE_WEBHOOKS", "true")  # the receiver is on loopback
    monkeypatch.setenv("LANDREG_ALERTS_RETRY_BASE_S", "0.5")


@pytest.fixture(params=["geopackage", pytest.param("postgis", marks=pytest.mark.db)])
def registry_target(request, built_registry, tmp_path):
    """A fresh copy of the demonstration registry: a GeoPackage, or a schema on the PostGIS test server."""
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    if request.param == "geopackage":
        yield path
        return
    base = request.getfixturevalue("postgis_url")
    schema = fresh_schema_name()
    url = f"{base}?schema={schema}"
    with open_registry(path) as src, open_registry(url, create=True) as dst:
        copy_gpkg_to_postgis(src, dst)
    yield url
    drop_schema(base, schema)


@pytest.fixture
def service(alert_env, registry_target):
    with Service(_settings(registry_target), tokens=_edit_tokens(registry_target)) as svc:
        yield svc


def _dispatcher(service):
    return service.client.app.state.alert_dispatcher


def _settle(service):
    assert _dispatcher(service).wait_idle(60), "the alert dispatcher did not finish"


def _candidates(service, status):
    """Plots of ``status`` that would meet the steel-trader search if they were available."""
    with open_registry(service.registry_path) as reg:
        req = SiteRequirements(**STEEL_TRADER, statuses=[status], combine_adjacent=False)
        sites = analysis.search_registry(reg, requirements=req).sites
    return [(codes[0], plot_ids[0]) for codes, plot_ids in zip(sites["codes"], sites["plot_ids"], strict=True)]


def _other_plot(service, *, not_in):
    with open_registry(service.registry_path) as reg:
        frame = reg.query_plots(municipality_no="5029")
    return next(pid for pid in frame["plot_id"] if pid not in not_in)


def _patch(service, plot_id, properties):
    url = f"/collections/plots/items/{plot_id}"
    auth = {"Authorization": f"Bearer {service.tokens['admin']}"}
    etag = service.client.get(url, headers=auth).headers["ETag"]
    return service.client.patch(
        url, json={"type": "Feature", "properties": properties}, headers={**auth, "If-Match": etag}
    )


def _link(message, path):
    text = message.get_content()
    found = re.search(rf"http://testserver{re.escape(path)}\?token=[\w-]+", text)
    assert found, f"no {path} link in:\n{text}"
    parts = urlsplit(found.group(0))
    return f"{parts.path}?{parts.query}"


def _save_and_confirm(service, smtp, webhook, *, lang="nb"):
    r = service.client.post(
        "/alerts",
        json={"criteria": STEEL_TRADER, "email": "kari@stal.no", "webhook_url": webhook.url, "lang": lang},
    )
    assert r.status_code == 202, r.text
    saved = r.json()
    assert saved["status"] == "awaiting_confirmation" and "kari@stal.no" in saved["message"]
    webhook.secret = saved["webhook_secret"]
    confirmation = smtp.wait_for(1)[0]
    assert confirmation["To"] == "kari@stal.no" and confirmation["Subject"] == "Bekreft det lagrede søket ditt"
    r = service.client.get(_link(confirmation, "/alerts/confirm"))
    assert r.status_code == 200 and r.json()["status"] == "active"
    _settle(service)
    return saved


def test_a_plot_made_available_is_announced_once_by_email_webhook_and_feed(service, smtp, webhook):
    (code, plot_id), *_ = _candidates(service, "reserved")
    saved = _save_and_confirm(service, smtp, webhook)
    assert len(smtp.messages) == 1 and webhook.calls == []  # sites matching at confirmation are not news

    assert _patch(service, plot_id, {"status": "available"}).status_code == 200
    _settle(service)
    mails, calls = smtp.wait_for(2), webhook.wait_for(1)
    assert len(mails) == 2 and len(calls) == 1
    notice = mails[1]
    text = notice.get_content()
    assert "passer det lagrede søket ditt" in notice["Subject"] and code in text
    assert "daa" in text and _link(notice, "/alerts/unsubscribe")
    assert str(notice["List-Unsubscribe"]).strip().startswith("<http://testserver/alerts/unsubscribe?token=")
    call = calls[0]
    assert call["signature_valid"] and call["content_type"].startswith("application/json")
    assert call["body"]["type"] == "sites" and call["body"]["search_id"] == saved["search_id"]
    assert any(code in site["codes"] for site in call["body"]["sites"])
    assert call["body"]["unsubscribe_url"].startswith("http://testserver/alerts/unsubscribe?token=")

    r = service.client.get(urlsplit(saved["feed_url"]).path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}id").text and feed.find(f"{ATOM}updated").text and feed.find(f"{ATOM}title").text
    entries = feed.findall(f"{ATOM}entry")
    assert {s["site_id"] for s in call["body"]["sites"]} == {e.find(f"{ATOM}title").text.split(" ")[0] for e in entries}
    for entry in entries:
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/collections/plots/items/")

    # an edit that changes no search result announces nothing
    other = _other_plot(service, not_in={plot_id})
    assert _patch(service, other, {"name": "Omdøpt tomt"}).status_code == 200
    _settle(service)
    time.sleep(0.5)
    assert len(smtp.messages) == 2 and len(webhook.calls) == 1

    # unsubscribing stops further notices, even for a site that now fits
    r = service.client.get(_link(notice, "/alerts/unsubscribe"))
    assert r.status_code == 200 and r.json()["status"] == "unsubscribed"
    (_, second), *_ = _candidates(service, "sold")
    assert _patch(service, second, {"status": "available"}).status_code == 200
    _settle(service)
    time.sleep(0.5)
    assert len(smtp.messages) == 2 and len(webhook.calls) == 1
    assert service.client.get(urlsplit(saved["feed_url"]).path).status_code == 404


def test_an_smtp_server_that_is_down_delays_the_notice_never_the_edit(service, smtp, webhook, caplog):
    caplog.set_level(logging.WARNING, logger="landreg.alerts")
    (code, plot_id), *_ = _candidates(service, "reserved")
    saved = _save_and_confirm(service, smtp, webhook)
    smtp.stop()

    started = time.monotonic()
    assert _patch(service, plot_id, {"status": "available"}).status_code == 200
    assert time.monotonic() - started < 10
    webhook.wait_for(1)  # the other channel is not held up
    _settle(service)
    with open_registry(service.registry_path) as reg:
        waiting = [m for m in AlertStore(reg).messages(search_id=saved["search_id"]) if m.kind == "sites"]
    email = next(m for m in waiting if m.channel == "email")
    assert email.delivered_at is None and email.attempts >= 1 and "SMTP server 127.0.0.1" in email.last_error
    assert any("not delivered" in r.getMessage() for r in caplog.records)

    smtp.start()  # back on the same port: the retry (after the back-off) delivers it
    mails = smtp.wait_for(2, timeout_s=30)  # the confirmation, then the notice
    assert code in mails[1].get_content() and len(webhook.calls) == 1

    # a mail program's one-click unsubscribe (RFC 8058): a form POST to the List-Unsubscribe URL
    target = urlsplit(str(mails[1]["List-Unsubscribe"]).strip().strip("<>"))
    r = service.client.post(
        f"{target.path}?{target.query}",
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200 and r.json()["status"] == "unsubscribed"


@pytest.mark.parametrize("registry_target", ["geopackage"], indirect=True)
def test_bad_input_is_a_400_saying_what_was_wrong(service, webhook):
    cases = [
        ({"criteria": STEEL_TRADER, "email": "kari.stal.no"}, "email", "not an e-mail address"),
        ({"criteria": STEEL_TRADER, "webhook_url": "ftp://stal.no/hook"}, "webhook_url", "http(s)"),
        ({"criteria": {"min_daa": 20, "size_daa": 3}, "email": "k@stal.no"}, "size_daa", "unknown criteria field"),
        ({"criteria": {"zoning": ["steelworks"]}, "email": "k@stal.no"}, "zoning", "unknown value"),
        ({"criteria": {}, "email": "k@stal.no", "lang": "de"}, "lang", "unknown language"),
        ({"criteria": {}, "email": "k@stal.no", "telefon": "1"}, "telefon", "unknown field"),
        ({"criteria": {}}, "email", "e-mail address or a webhook URL"),
    ]
    for body, field, words in cases:
        r = service.client.post("/alerts", json=body)
        assert r.status_code == 400, (body, r.text)
        doc = r.json()
        assert doc["code"] == "ValidationError" and words in doc["description"] and field in doc["description"]
    assert service.client.get("/alerts/confirm", params={"token": "nope"}).status_code == 404
    assert service.client.get("/alerts/unsubscribe", params={"token": "nope"}).json()["code"] == "EntityNotFoundError"
    assert service.client.get("/alerts/nope/feed.atom").status_code == 404


@pytest.mark.parametrize("registry_target", ["geopackage"], indirect=True)
def test_an_html_form_saves_a_search_too(service, smtp):
    form = "email=kari%40stal.no&lang=en&min_daa=20&zoning=industry&max_minutes.port=25"
    r = service.client.post(
        "/alerts", content=form, headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    )
    assert r.status_code == 202, r.text
    assert "text/html" in r.headers["content-type"] and "kari@stal.no" in r.text
    mail = smtp.wait_for(1)[0]
    assert mail["Subject"] == "Confirm your saved search" and '"port": 25' in mail.get_content()
    # all criteria as one JSON field, as a find-a-site result page can send them
    r = service.client.post(
        "/alerts",
        data={"criteria": json.dumps({**STEEL_TRADER, "municipality_no": ["Trondheim"]}), "email": "ola@stal.no"},
    )
    assert r.status_code == 202, r.text
    assert 'municipality_no = ["5001"]' in smtp.wait_for(2)[1].get_content()
    r = service.client.post("/alerts", data={"criteria": "{min_daa: 20", "email": "ola@stal.no"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["description"]


def test_private_webhooks_are_refused_unless_allowed_and_saves_are_rate_limited(monkeypatch, built_registry, tmp_path):
    monkeypatch.setenv("LANDREG_ALERTS_SAVES_PER_HOUR", "2")
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    with Service(_settings(path)) as service:
        r = service.client.post("/alerts", json={"criteria": {}, "webhook_url": "http://127.0.0.1:9/hook"})
        assert r.status_code == 400 and "private network" in r.json()["description"]
        assert "LANDREG_ALERTS_ALLOW_PRIVATE_WEBHOOKS" in r.json()["description"]
        r = service.client.post("/alerts", json={"criteria": {}, "email": "kari@stal.no"})
        assert r.status_code == 202
        r = service.client.post("/alerts", json={"criteria": {}, "email": "kari@stal.no"})
        assert r.status_code == 429 and r.json()["code"] == "TooManyRequests" and int(r.headers["Retry-After"]) > 0
