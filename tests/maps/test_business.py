"""The business pages' rendering (maps.business): form parsing, catalog, reasons, map extracts, dossier HTML."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from landreg.i18n import LOCALE_DIR
from maps.business import parse_site_form, render_dossier, render_find_site
from maps.business import words as business_words
from maps.business.env import TEMPLATES_DIR
from maps.business.extract import isochrone_svg, neighbourhood_svg
from maps.business.pages import reason_text

ROOT = Path(__file__).resolve().parents[2]


def _template_msgids() -> set[str]:
    from jinja2.ext import babel_extract

    ids: set[str] = set()
    options = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trim_blocks": "true"}
    for path in TEMPLATES_DIR.glob("*.html"):
        with path.open("rb") as fh:
            for _line, _func, msg, _comments in babel_extract(fh, ("_", "gettext", "ngettext"), [], options):
                ids.update(m for m in (msg if isinstance(msg, tuple) else (msg,)) if m)
    for path in [*Path(ROOT / "maps" / "business").glob("*.py"), ROOT / "api" / "plot_html.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", None) == "_" or getattr(node.func, "attr", None) == "gettext")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                ids.add(node.args[0].value)
    for table in (business_words.TARGETS, business_words.HAZARDS, business_words.CHECK_STATUS):
        ids.update(table.values())
    ids.update(business_words.NACE_DIVISIONS.values())
    ids.update(business_words.CRITERIA + business_words.PROFILE_NAMES + business_words.EXCLUSION_KEYS)
    return ids


def test_every_text_of_the_pages_has_a_bokmal_translation():
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / "nb" / "LC_MESSAGES" / "business.po").open("rb") as fh:
        catalog = read_po(fh, locale="nb_NO")
    translated = {
        msgid
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
        for msgid in ([m.id] if isinstance(m.id, str) else m.id)
    }
    missing = sorted(_template_msgids() - translated)
    assert missing == []


def test_the_criteria_of_the_built_in_profiles_have_words():
    from landreg.scoring.profiles import load_profile

    labels = {c.label for c in load_profile("general").criteria.values()}
    assert labels <= set(business_words.CRITERIA)


def test_form_reads_norwegian_numbers_and_builds_requirements():
    form = parse_site_form(
        {"min_daa": "20,5", "zoning": ["industry"], "port_min": "25", "avoid": ["quick_clay"], "profile": "logistics"},
        lang="nb",
    )
    assert form.errors == {}
    req = form.requirements
    assert req is not None and req.min_daa == 20.5 and req.zoning == ["industry"]
    assert req.max_minutes == {"port": 25.0} and req.max_quick_clay_share == 0.0 and req.profile == "logistics"


def test_an_empty_form_runs_no_search():
    form = parse_site_form({}, lang="nb")
    assert not form.submitted and form.requirements is None and form.errors == {}


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"min_daa": "tjue"}, "min_daa", ["Størrelse fra (daa)", "«tjue» er ikke et tall"]),
        ({"min_daa": "30", "max_daa": "20"}, "max_daa", ["(20 daa) er mindre enn størrelse fra (30 daa)"]),
        ({"port_min": "-5"}, "port_min", ["Lengste kjøretid til havn (Trondheim havn)", "for lite"]),
        ({"zoning": ["moon_base"]}, "zoning", ["moon_base"]),
        ({"profile": "pirate"}, "profile", ["«pirate»", "logistics"]),
        ({"weights": "price=lots"}, "weights", ["Egne vekter", "price=lots"]),
        ({"municipality": "Oslo"}, "municipality", ["«Oslo»", "Trondheim"]),
        ({"limit": "5000"}, "limit", ["1 til 100"]),
    ],
)
def test_bad_input_gets_a_message_on_its_field(params, field, words):
    form = parse_site_form({"search": "1", **params}, lang="nb")
    assert form.requirements is None
    assert field in form.errors
    for w in words:
        assert w in form.errors[field]


def test_own_weights_make_a_profile_of_the_chosen_one():
    form = parse_site_form({"search": "1", "profile": "logistics", "weights": "price=50,size=0"}, lang="en")
    assert form.errors == {} and form.requirements is not None and form.requirements.profile == "own"
    own = form.profiles["profiles"]["own"]
    assert own["weights"]["price"] == 50 and own["weights"]["size"] == 0


def test_reasons_are_shown_in_words_with_norwegian_numbers():
    assert (
        reason_text("time to port (+6.4 pts, 0.70)", lang="nb", helped=True) == "tid til havn: +6,4 poeng (0,70 av 1)"
    )
    assert reason_text("readiness (0.00 of 1)", lang="nb", helped=False) == "byggeklarhet: 0,00 av 1"
    assert (
        reason_text("time to port (+6.4 pts, 0.70)", lang="en", helped=True) == "time to port: +6.4 points (0.70 of 1)"
    )


@pytest.fixture(scope="module")
def dossier(registry, layers_dir):
    from landreg.dossier import build_plot_dossier

    plots = registry.query_plots()
    code = str(plots.loc[plots["status"] == "available", "code"].sort_values().iloc[0])
    return build_plot_dossier(registry, code, profile="manufacturing", layers_dir=layers_dir)


def test_neighbourhood_extract_draws_the_plot_and_each_neighbour(dossier):
    svg = neighbourhood_svg(dossier, title="t")
    assert svg.startswith("<svg") and svg.count("class='plot'") == 1
    drawn = set(re.findall(r"data-code='([^']+)'", svg))
    assert drawn == set(dossier.neighbours["code"])
    assert "class='scale'" in svg and "class='roads'" in svg


def test_isochrone_extract_draws_one_area_per_budget(dossier):
    svg = isochrone_svg(dossier, title="t")
    assert re.findall(r"data-minutes='([0-9.]+)'", svg) == ["10", "5"]  # largest first, under the smaller


def test_dossier_page_in_bokmal_has_words_and_norwegian_numbers(dossier):
    from landreg.i18n import format_decares, format_number

    page = render_dossier(dossier, lang="nb", base_url="http://example.test/")
    assert '<html lang="nb">' in page and dossier.code in page
    assert format_decares(dossier.facts["area_m2"], "nb") in page
    assert format_number(dossier.score, "nb", decimals=1) in page
    assert "Kartutsnitt for" in page and "Reisetider" in page and "Sist kontrollert" in page
    assert "http://example.test/plots/" + dossier.code + "/dossier?profile=manufacturing" in page
    for code in ("warehouse_logistics", "build_ready", "not_checked", "in_progress"):
        assert f">{code}<" not in page


def test_dossier_page_in_english(dossier):
    page = render_dossier(dossier, lang="en")
    assert "Travel times" in page and "Last verified" in page and "Reisetider" not in page


def test_find_site_page_lists_sites_with_reasons_and_dossier_links(registry):
    from landreg.analysis import search_registry

    form = parse_site_form({"min_daa": "20", "zoning": ["industry"], "port_min": "25"}, lang="nb")
    result = search_registry(registry, requirements=form.requirements)
    page = render_find_site(form, lang="nb", result=result)
    assert len(result.sites) > 0
    ranks = [int(r) for r in re.findall(r"<li class=\"site\" id=\"site-(\d+)\"", page)]
    assert ranks == sorted(ranks) and len(ranks) == min(len(result.sites), form.limit)
    first = result.sites.iloc[0]
    assert f'href="/plots/{first["codes"][0]}/dossier"' in page
    assert "Trakk opp" in page and "tid til havn" in page
    assert 'src="/maps/static/leaflet/leaflet.js"' in page
