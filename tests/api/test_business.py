"""The business pages through the service: find a site, dossiers (HTML, PDF), readable plot items."""

from __future__ import annotations

import io
import re

import pytest

from landreg.i18n import format_decares, format_number

HTML = {"accept": "text/html"}
STEEL = "search=1&min_daa=20&zoning=industry&port_min=25&profile=manufacturing"


def _get(api, path, **kw):
    return api.client.get(f"{api.url}{path}", **kw)


@pytest.fixture(scope="module")
def plot(read_api):
    """An available plot with a price: (code, plot_id)."""
    body = _get(read_api, "/collections/plots/items?status=available&limit=50").json()
    feat = next(f for f in body["features"] if f["properties"]["price_min_nok_m2"] is not None)
    return feat["properties"]["code"], feat["id"]


def test_find_site_form_without_a_search(read_api):
    r = _get(read_api, "/finn-tomt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<form method="get" action="/finn-tomt"' in r.text and "Finn tomt til bedriften" in r.text
    assert 'class="site"' not in r.text
    assert "lager/logistikk" in r.text and "warehouse_logistics</label>" not in r.text


def test_find_site_ranks_sites_for_the_steel_trader(read_api):
    r = _get(read_api, f"/finn-tomt?{STEEL}")
    assert r.status_code == 200
    ranks = [int(x) for x in re.findall(r'id="site-(\d+)"', r.text)]
    assert ranks and ranks == sorted(ranks)
    assert "Trakk opp" in r.text and "tid til havn" in r.text
    links = re.findall(r'class="dossier" href="(/plots/[^"]+/dossier\?profile=manufacturing)"', r.text)
    assert links
    d = _get(read_api, links[0])
    assert d.status_code == 200 and "Tomteprospekt" in d.text


def test_find_site_in_english(read_api):
    r = _get(read_api, f"/en/find-site?{STEEL}")
    assert r.status_code == 200 and "What helped" in r.text and "time to port" in r.text
    assert re.search(r'href="/en/plots/[^"]+/dossier', r.text)
    assert _get(read_api, f"/finn-tomt?lang=en&{STEEL}").text.count('class="site"') == r.text.count('class="site"')


def test_bad_input_shows_the_form_again_with_messages(read_api):
    r = _get(read_api, "/finn-tomt?search=1&min_daa=mange&port_min=-1&municipality=Atlantis")
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in r.text and "«mange» er ikke et tall" in r.text and "Atlantis" in r.text
    assert 'value="mange"' in r.text  # the form keeps what was typed
    assert "Traceback" not in r.text and "ValidationError" not in r.text


def test_dossier_html(read_api, plot):
    code, plot_id = plot
    r = _get(read_api, f"/plots/{code}/dossier?profile=logistics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    explained = _get(read_api, f"/analysis/scores/{plot_id}?profile=logistics").json()
    shown = re.search(r'<strong class="score">([^<]+)</strong>', r.text).group(1)
    assert shown == format_number(explained["score"], "nb", decimals=1) and "profil: logistikk" in r.text
    assert f'Tomteprospekt <span class="code">{code}</span>' in r.text
    assert "<svg" in r.text and "class='isochrone'" in r.text
    assert f'href="/plots/{code}/dossier.pdf?profile=logistics"' in r.text
    assert "Syntetiske data" in r.text
    en = _get(read_api, f"/en/plots/{code}/dossier")
    assert en.status_code == 200 and "Travel times" in en.text
    assert "<h2>Travel times</h2>" in _get(read_api, f"/plots/{code}/dossier?lang=en").text


def test_dossier_pdf_is_a_real_pdf_with_code_score_and_decares(read_api, plot):
    from pypdf import PdfReader

    code, plot_id = plot
    r = _get(read_api, f"/plots/{code}/dossier.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() for page in reader.pages)
    explained = _get(read_api, f"/analysis/scores/{plot_id}?profile=general").json()
    feature = _get(read_api, f"/collections/plots/items/{plot_id}").json()
    norm = text.replace("\u00a0", " ")
    assert code in norm
    assert format_number(explained["score"], "nb", decimals=1).replace("\u00a0", " ") in norm
    assert format_decares(feature["properties"]["area_m2"], "nb").replace("\u00a0", " ") in norm
    same = _get(read_api, f"/plots/{code}/dossier?format=pdf")
    assert same.headers["content-type"] == "application/pdf"


def test_unknown_code_is_a_404_that_names_it(read_api):
    r = _get(read_api, "/plots/XYZ-999/dossier", headers=HTML)
    assert r.status_code == 404 and "XYZ-999" in r.text and "Ukjent tomtekode" in r.text
    j = _get(read_api, "/plots/XYZ-999/dossier")
    assert j.status_code == 404 and j.json()["code"] == "PlotNotFoundError" and "XYZ-999" in j.json()["description"]
    assert _get(read_api, "/en/plots/XYZ-999/dossier.pdf").status_code == 404


@pytest.mark.parametrize("query", ["format=docx", "lang=sv", "profile=pirate"])
def test_bad_dossier_parameters_are_400(read_api, plot, query):
    r = _get(read_api, f"/plots/{plot[0]}/dossier?{query}")
    assert r.status_code == 400 and set(r.json()) >= {"code", "description"}


def test_plots_items_html_is_a_readable_table(read_api):
    r = _get(
        read_api, "/collections/plots/items?limit=5", headers={**HTML, "accept-language": "nb-NO,nb;q=0.9,en;q=0.5"}
    )
    assert r.status_code == 200 and "<html lang='nb'>" in r.text
    assert "<th>Kode</th><th>Navn</th><th>Kommune</th><th>Areal</th>" in r.text
    json_page = _get(read_api, "/collections/plots/items?limit=5").json()
    for feat in json_page["features"]:
        p = feat["properties"]
        assert f">{p['code']}</a>" in r.text
        assert format_decares(p["area_m2"], "nb") in r.text
        assert f"href='/plots/{p['code']}/dossier'" in r.text
    assert "area_m2" not in r.text and "warehouse_logistics" not in r.text
    assert not re.search(r"\d+\.\d{5,}", r.text)  # no raw floats
    default = _get(read_api, "/collections/plots/items?limit=5&f=html")  # no Accept-Language: bokmål
    assert "<html lang='nb'>" in default.text and "<th>Kode</th>" in default.text
    english = _get(read_api, "/collections/plots/items?limit=5&f=html", headers={"accept-language": "en-GB,en"})
    assert "<th>Code</th><th>Name</th><th>Municipality</th><th>Area</th>" in english.text


def test_plot_item_html_is_a_card_and_the_json_is_unchanged(read_api, plot):
    code, plot_id = plot
    r = _get(read_api, f"/collections/plots/items/{plot_id}", headers={**HTML, "accept-language": "en-GB,en;q=0.9"})
    assert r.status_code == 200 and "<dl class='card plot'>" in r.text
    assert f"<title>Plot {code}" in r.text and f"href='/en/plots/{code}/dossier'" in r.text
    assert "provenance" not in r.text and plot_id not in r.text.split("</h1>")[0]
    area_id = _get(read_api, f"/collections/plots/items/{plot_id}").json()["properties"]["business_area_id"]
    area = _get(read_api, f"/collections/business_areas/items/{area_id}").json()["properties"]["name"]
    assert f"<dt>Business area</dt><dd>{area}</dd>" in r.text
    j = _get(read_api, f"/collections/plots/items/{plot_id}")
    assert j.headers["content-type"].startswith("application/geo+json")
    assert j.json()["type"] == "Feature" and "area_m2" in j.json()["properties"]
