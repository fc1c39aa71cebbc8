"""The rendered pages: both languages linked to each other, relative links that resolve, landmarks and headings,
figures in Norwegian formats, charts with text alternatives, and the synthetic notice."""

from __future__ import annotations

import itertools
import posixpath
from dataclasses import replace

import lxml.html
import pytest

from landreg.i18n import NBSP, format_decares
from maps.site.render import SITE_ASSETS, relative_url, render_site

PAGES = ("index.html", "kommune/5001.html", "kommune/5031.html", "omrade/torgard.html", "metode.html", "apne-data.html")


@pytest.fixture
def files(site_data):
    return render_site(site_data)


def _doc(files, path):
    return lxml.html.fromstring(files[path])


def _resolve(page: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))


def test_every_page_exists_in_both_languages_and_links_its_alternative(files):
    for path in PAGES:
        for lang, other, other_path in (("nb", "en", f"en/{path}"), ("en", "nb", path)):
            mine = path if lang == "nb" else f"en/{path}"
            doc = _doc(files, mine)
            assert doc.get("lang") == lang
            alt = doc.xpath(f'//head/link[@rel="alternate"][@hreflang="{other}"]/@href')
            assert len(alt) == 1 and _resolve(mine, alt[0]) == other_path
            switch = doc.xpath(f'//nav//a[@hreflang="{other}"]')
            assert (
                len(switch) == 1
                and switch[0].get("lang") == other
                and _resolve(mine, switch[0].get("href")) == other_path
            )


def test_links_and_assets_are_relative_and_resolve(files):
    targets = set(files) | {f"assets/{a}" for a in SITE_ASSETS}
    for path, content in files.items():
        if not path.endswith(".html"):
            continue
        doc = lxml.html.fromstring(content)
        for _el, _attr, link, _ in doc.iterlinks():
            assert not link.startswith(("/", "http:", "https:", "//")), f"{path}: {link} is not relative"
            if link.startswith("#"):
                continue
            assert _resolve(path, link) in targets, f"{path}: {link} leads nowhere"


def test_landmarks_headings_and_skip_link(files):
    for path in (*PAGES, *(f"en/{p}" for p in PAGES)):
        doc = _doc(files, path)
        body = doc.find("body")
        first_link = body.xpath(".//a")[0]
        assert first_link.get("href") == "#main" and "skip-link" in first_link.get("class")
        assert len(doc.xpath("//main[@id='main']")) == 1
        assert len(doc.xpath("//header")) == 1 and len(doc.xpath("//footer")) == 1 and doc.xpath("//nav[@aria-label]")
        levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4")]
        assert levels.count(1) == 1 and levels[0] == 1, path
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), f"{path}: heading levels {levels}"


def test_figures_in_norwegian_and_english_formats(files, site_data):
    scope = site_data.report.scope("municipality", "5001")
    nb = _doc(files, "kommune/5001.html")
    cell = nb.xpath('//table[@class="figures"]//td[@data-figure="available_now_daa"]')[0]
    assert cell.text_content() == f"1{NBSP}234,5{NBSP}daa"
    assert cell.get("data-value") == repr(scope.figure("available_now_daa").value)
    assert "Ledig nå" in nb.text_content() and "Available now" not in nb.text_content()
    unknown = nb.xpath('//td[@data-figure="years_of_supply_10y"]')[0]
    assert unknown.text_content() == "–" and unknown.get("data-value") == ""
    assert "ingen historikk" in unknown.getparent().text_content()
    assert f"1{NBSP}290{NBSP}kr/m²" in nb.text_content()
    assert "Godsterminal" in nb.text_content() and "30. juni 2027" in nb.text_content()
    en = _doc(files, "en/kommune/5001.html")
    assert en.xpath('//td[@data-figure="available_now_daa"]')[0].text_content() == f"1,234.5{NBSP}daa"
    assert "Available now" in en.text_content() and "24 November 2026" in en.text_content()


def test_charts_have_text_alternatives_and_data_tables(files):
    doc = _doc(files, "index.html")
    charts = doc.xpath("//figure[contains(@class, 'chart-figure')]")
    assert len(charts) == 4  # status, supply over time, uptake, price index
    for fig in charts:
        svg = fig.xpath(".//svg")[0]
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.xpath(f".//*[@id='{title_id}']")[0].text and svg.xpath(f".//*[@id='{desc_id}']")[0].text
        assert fig.xpath(".//table//tbody/tr")
    uptake = doc.xpath("//figure[@id='chart-uptake']//tbody/tr")
    assert [r.xpath("./th")[0].text_content() for r in uptake] == ["2024", "2025"]


def test_supply_over_time_is_a_chart_with_its_table_on_every_page_with_figures(files):
    for path, scale in (("index.html", 2.0), ("kommune/5001.html", 1.0), ("omrade/torgard.html", 0.5)):
        doc = _doc(files, path)
        fig = doc.xpath("//figure[@id='chart-supply']")[0]
        assert fig.xpath(".//svg/*[local-name()='title']")[0].text == "Ledig areal over tid"
        heads = [th.text_content() for th in fig.xpath(".//thead//th")]
        assert heads == ["År", "Ledig nå", "Ledig senere", "Reservert", "Låst i påvente av vedtak", "Solgt",
                         "År med tilbud (opptak siste 5 år)"]  # fmt: skip
        rows = [[c.text_content() for c in r.xpath("./th|./td")] for r in fig.xpath(".//tbody/tr")]
        assert [r[0] for r in rows] == ["2024", "2025", "2026 (nå)"]
        assert rows[0][1] == format_decares(300_000.0 * scale, "nb") and rows[1][-1] == "–"
        assert rows[0][-1] == f"12,5{NBSP}år"
        desc = fig.xpath(".//svg/*[local-name()='desc']")[0].text
        assert desc.startswith("Dekar etter status ved utgangen av hvert år, den siste søylen per 24. november 2026.")
        assert f"Syntetisk andel: 75{NBSP}%." in fig.getparent().text_content()
    en = _doc(files, "en/index.html").xpath("//figure[@id='chart-supply']")[0]
    assert en.xpath(".//thead//th")[0].text_content() == "Year"
    assert en.xpath(".//tbody/tr")[-1].xpath("./th")[0].text_content() == "2026 (now)"


def test_every_municipality_has_a_page_also_without_plots(files):
    doc = _doc(files, "kommune/5031.html")
    assert doc.xpath("//h1")[0].text_content() == "Malvik"
    assert "Ingen tomter er registrert her." in doc.text_content()
    index = _doc(files, "index.html")
    linked = {_resolve("index.html", h) for h in index.xpath("//table[@class='overview']//a/@href")}
    assert linked == {"kommune/5001.html", "kommune/5031.html"}


def test_synthetic_notice_on_every_page_with_figures(files):
    for path in PAGES:
        text = _doc(files, path).text_content()
        assert "Syntetiske data — tomter: 3 av 4 tomter syntetiske" in text
    assert "Synthetic data — plots: 3 of 4 plots synthetic" in _doc(files, "en/index.html").text_content()


def test_relative_url():
    assert relative_url("kommune/5001.html", "index.html") == "../index.html"
    assert relative_url("en/kommune/5001.html", "assets/site/site.css") == "../../assets/site/site.css"
    assert relative_url("index.html", "en/index.html") == "en/index.html"


def test_open_data_page_links_each_languages_files_with_licence_and_share(site_data):
    from maps.site.data import OpenData, OpenDataEntry

    def od(lang, name):
        entry = OpenDataEntry(
            f"Tall {lang}", "Beskrivelse", "CC BY 4.0", 0.25, ((f"data/open/{lang}/{name}.csv", "CSV", 2500),)
        )
        return OpenData(f"data/open/{lang}/katalog.jsonld", (entry,))

    files = render_site(replace(site_data, open_data={"nb": od("nb", "indikatorer"), "en": od("en", "indicators")}))
    nb, en = _doc(files, "apne-data.html"), _doc(files, "en/apne-data.html")
    assert [_resolve("apne-data.html", h) for h in nb.xpath("//main//a[@download]/@href")] == [
        "data/open/nb/katalog.jsonld",
        "data/open/nb/indikatorer.csv",
    ]
    assert [_resolve("en/apne-data.html", h) for h in en.xpath("//main//a[@download]/@href")] == [
        "data/open/en/katalog.jsonld",
        "data/open/en/indicators.csv",
    ]
    text = nb.text_content()
    assert "Lisens: CC BY 4.0. Syntetisk andel: 25\u00a0%." in text and "(CSV, 2,5\u00a0kB)" in text
    assert "Synthetic share: 25%." in en.text_content()


def test_the_uptake_of_the_current_year_is_marked_as_so_far(site_data):
    from landreg.i18n import translator
    from maps.site.views import ScopeView

    region = site_data.report.scope("region")
    uptake = region.figure("uptake_daa_per_year")
    figures = tuple(
        replace(f, value={**uptake.value, "2026": 5.0}) if f.id == "uptake_daa_per_year" else f for f in region.figures
    )
    scope = replace(region, figures=figures)
    nb = ScopeView(scope, lang="nb", gettext=translator("nb", "site").gettext).uptake_chart("u")
    assert [label for label, _ in nb.rows] == ["2024", "2025", "2026 (hittil)"]
    en = ScopeView(scope, lang="en", gettext=translator("en", "site").gettext).uptake_chart("u")
    assert en.rows[-1] == ("2026 (so far)", f"5.0{NBSP}daa")
