"""“Varsle meg” under a find-a-site result: the form carries the search's criteria and saves them as a search.

The firm runs a search on ``/finn-tomt`` (or ``/en/find-site``), gives its e-mail address in the
form under the ranked sites, and the form posts to ``/alerts``: an unconfirmed saved search with
exactly the criteria of that search (read back from the registry) and the page's language, and an
answer page saying that a confirmation link was e-mailed.
"""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from landreg.alerts import AlertStore, matching_sites
from landreg.registry import open_registry
from landreg.search import SiteRequirements
from tests.api.conftest import Service, _settings

STEEL = "search=1&min_daa=20&zoning=industry&port_min=25&profile=manufacturing&avoid=quick_clay"
#: The requirements of the search above, written out by hand (what the form must carry).
STEEL_REQUIREMENTS = SiteRequirements(
    min_daa=20, zoning=["industry"], max_minutes={"port": 25}, profile="manufacturing", max_quick_clay_share=0
)


@pytest.fixture
def service(built_registry, tmp_path):
    path = tmp_path / "registry.gpkg"
    shutil.copy(built_registry, path)
    with Service(_settings(path)) as svc:
        yield svc


def _alert_form(page: str) -> dict[str, str]:
    """The fields of the “notify me” form of a page (action, hidden fields)."""
    match = re.search(r'<form method="post" action="([^"]+)" id="alert-form">(.*?)</form>', page, re.S)
    assert match, "the page has no notify-me form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match[2]))
    assert 'name="email"' in match[2] and 'name="webhook_url"' in match[2]
    return {"action": match[1], **{k: html.unescape(v) for k, v in fields.items()}}


@pytest.mark.parametrize(
    ("path", "lang", "answer"),
    [("/finn-tomt", "nb", "Sjekk e-posten din"), ("/en/find-site", "en", "Check your e-mail")],
)
def test_the_notify_me_form_saves_the_search_shown(service, path, lang, answer):
    page = service.client.get(f"{path}?{STEEL}")
    assert page.status_code == 200
    codes = re.findall(r'class="dossier" href="[^"]+">([^<]+)</a>', page.text)
    assert codes
    form = _alert_form(page.text)
    assert form["action"] == "/alerts" and form["lang"] == lang
    assert SiteRequirements(**json.loads(form["criteria"])) == STEEL_REQUIREMENTS
    assert ("Varsle meg" if lang == "nb" else "Notify me") in page.text

    r = service.client.post(
        form.pop("action"), data={**form, "email": "kari@stal.no", "webhook_url": ""}, headers={"accept": "text/html"}
    )
    assert r.status_code == 202, r.text
    assert r.headers["content-type"].startswith("text/html") and f'<html lang="{lang}">' in r.text
    assert answer in r.text and "kari@stal.no" in r.text
    assert f'href="{path}"' in r.text  # back to the search, in the same language

    with open_registry(service.registry_path) as reg:
        (saved,) = AlertStore(reg).all_searches()
        assert saved.confirmed_at is None and saved.email == "kari@stal.no" and saved.lang == lang
        assert SiteRequirements(**saved.criteria) == STEEL_REQUIREMENTS
        # the same search: the sites it matches now are the ones the page listed, in the same order
        assert [c for s in matching_sites(reg, saved) for c in s["codes"]][: len(codes)] == codes


def test_a_plain_form_post_gets_the_answer_page_too(service):
    form = _alert_form(service.client.get(f"/finn-tomt?{STEEL}").text)
    r = service.client.post(form.pop("action"), data={**form, "email": "ola@stal.no"})  # no Accept header
    assert r.status_code == 202 and r.headers["content-type"].startswith("text/html")
    assert "Sjekk e-posten din" in r.text


def test_own_weights_save_the_profile_they_were_based_on(service):
    page = service.client.get(f"/finn-tomt?{STEEL}&weights=price%3D30")
    assert page.status_code == 200 and "Egne vekter blir ikke lagret" in page.text
    assert SiteRequirements(**json.loads(_alert_form(page.text)["criteria"])) == STEEL_REQUIREMENTS


def test_the_form_is_offered_when_nothing_matches_yet_and_only_after_a_search(service):
    none = service.client.get("/finn-tomt?search=1&min_daa=100000&zoning=industry")
    assert none.status_code == 200 and 'class="site"' not in none.text
    criteria = json.loads(_alert_form(none.text)["criteria"])
    assert SiteRequirements(**criteria) == SiteRequirements(min_daa=100000, zoning=["industry"])
    assert 'id="alert-form"' not in service.client.get("/finn-tomt").text
    bad = service.client.get("/finn-tomt?search=1&min_daa=mange")
    assert bad.status_code == 400 and 'id="alert-form"' not in bad.text


def test_a_form_that_cannot_be_saved_gets_a_page_saying_what_to_correct(service):
    form = _alert_form(service.client.get(f"/finn-tomt?{STEEL}").text)
    form.pop("action")
    bad = {**form, "email": "kari.stal.no", "webhook_url": "http://127.0.0.1:9/hook"}  # private: refused by default
    r = service.client.post("/alerts", data=bad, headers={"accept": "text/html"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in r.text and "Søket ble ikke lagret" in r.text
    assert "Skriv en e-postadresse" in r.text and "webhook-adresse på internett" in r.text
    english = service.client.post("/alerts", data={**bad, "lang": "en"})
    assert english.status_code == 400 and "Write an e-mail address" in english.text
    as_json = service.client.post("/alerts", data=bad, headers={"accept": "application/json"})
    assert as_json.status_code == 400 and as_json.json()["code"] == "ValidationError"
    with open_registry(service.registry_path) as reg:
        assert AlertStore(reg).all_searches() == []  # nothing was saved
