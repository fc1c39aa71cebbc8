"""The pages of the indicator site rendered from :class:`~maps.site.data.SiteData`, in bokmål and English.

Every page has a path relative to the site's root (``index.html``, ``kommune/5001.html``,
``omrade/torgard.html``, ``metode.html``, ``apne-data.html``); the English page of the same
path lives under ``en/``. Links between pages and to the assets are relative, so the same files
work from ``landreg serve`` (under ``/status/``), from any static web host and from ``file://``.
Texts come from the ``site`` gettext catalog through Jinja2's i18n extension.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from landreg.i18n import DEFAULT_LANG, LANGS, code_label, format_date, format_number, format_share, translator
from landreg.indicators import DEFINITIONS
from maps.encode import dumps_script_json
from maps.site.data import Place, SiteData
from maps.site.labels import MAP_STATUS_COLORS, STATUS_FIGURES, label_of, unit_text
from maps.site.views import ScopeView, as_of_text, price_index_chart, price_references

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: The map's data, a script that sets ``window.landregSiteMap`` (a script, not JSON, so ``file://`` can load it).
MAP_DATA_PATH = "data/map.js"
#: Files of ``maps/static`` the pages load (bundled by ``landreg publish``, served under ``/status/assets/``).
SITE_ASSETS: tuple[str, ...] = (
    "site/site.css",
    "site/site-map.js",
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
    "leaflet/LICENSE",
    "leaflet/images/layers.png",
    "leaflet/images/layers-2x.png",
    "leaflet/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png",
)


@dataclass(frozen=True)
class Page:
    """One page: its language-neutral path, its template and what the template is given."""

    path: str
    template: str
    context: dict[str, Any]


def page_path(path: str, lang: str) -> str:
    """The file of page ``path`` in ``lang``: bokmål at the root, English under ``en/``."""
    return path if lang == DEFAULT_LANG else f"{lang}/{path}"


def relative_url(from_file: str, to_file: str) -> str:
    """``to_file`` as a link relative to the page ``from_file`` (both relative to the site's root)."""
    base = posixpath.dirname(from_file) or "."
    return posixpath.relpath(to_file, base)


@lru_cache(maxsize=4)
def environment(lang: str) -> Environment:
    """The Jinja2 environment of one language: autoescaped HTML, gettext from the ``site`` catalog."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translator(lang, "site"), newstyle=True)  # type: ignore[attr-defined]
    return env


def place_path(place: Place) -> str:
    """The page of a municipality or business area."""
    folder = "kommune" if place.scope == "municipality" else "omrade"
    return f"{folder}/{place.key}.html"


def site_pages(data: SiteData) -> list[Page]:
    """Every page of the site (language-neutral paths), with the values its template shows."""
    pages = [Page("index.html", "region.html", {"place": None})]
    pages += [Page(place_path(p), "scope.html", {"place": p}) for p in (*data.municipalities, *data.areas)]
    pages += [Page("metode.html", "methods.html", {}), Page("apne-data.html", "opendata.html", {})]
    return pages


def _context(data: SiteData, page: Page, lang: str) -> dict[str, Any]:
    """What every template gets: links, language, date, notice, and the page's own values."""
    gettext: Callable[[str], str] = translator(lang, "site").gettext
    me = page_path(page.path, lang)
    other = next(x for x in LANGS if x != lang)
    report = data.report
    place: Place | None = page.context.get("place")
    scope = report.scope("region") if page.template == "region.html" else (place.indicators if place else None)
    return {
        **page.context,
        "lang": lang,
        "other_lang": other,
        "self_href": relative_url(me, me),
        "alt_href": relative_url(me, page_path(page.path, other)),
        "url": lambda target: relative_url(me, page_path(target, lang)),
        "asset": lambda name: relative_url(me, f"assets/{name}"),
        "data_url": lambda name: relative_url(me, name),
        "place_url": lambda p: relative_url(me, page_path(place_path(p), lang)),
        "as_of": as_of_text(report.as_of, lang),
        "as_of_iso": report.as_of.date().isoformat(),
        "past": data.as_of_requested is not None,
        "notice": report.synthetic.text(lang),
        "view": ScopeView(scope, lang=lang, gettext=gettext) if scope is not None else None,
        "region_view": ScopeView(report.scope("region"), lang=lang, gettext=gettext),
        "data": data,
        "label_of": lambda fid: label_of(fid, gettext),
        "unit_text": lambda unit: unit_text(unit, gettext),
        "code_label": lambda field, code: code_label(field, code, lang),
        "format_date": lambda d: format_date(d, lang),
        "format_share": lambda x: format_share(x, lang),
        "format_kb": lambda n: f"{format_number(n / 1000.0, lang, decimals=1)}\u00a0kB",
        "definitions": DEFINITIONS,
        "status_legend": [(gettext(label), color) for _, label, color in STATUS_FIGURES],
        "map_colors": MAP_STATUS_COLORS,
        "price_index_chart": lambda cid: price_index_chart(report, lang=lang, gettext=gettext, chart_id=cid),
        "price_references": price_references(report, lang=lang),
        "synthetic_lines": report.synthetic.lines(lang),
        "municipality_of": lambda no: _municipality(data, no),
        "areas_in": lambda no: [a for a in data.areas if a.municipality_no == no],
        "view_of": lambda indicators: ScopeView(indicators, lang=lang, gettext=gettext),
        "n_plots": lambda key: _n_plots(data, key),
    }


def _municipality(data: SiteData, no: str | None) -> Place | None:
    return next((m for m in data.municipalities if m.key == no), None)


def _n_plots(data: SiteData, key: str) -> int:
    """How many plots the map of page ``key`` (``region``, ``municipality:5001``, ...) draws."""
    features = data.map_data["plots"]["features"]
    if key == "region":
        return len(features)
    scope, _, value = key.partition(":")
    prop = "municipality_no" if scope == "municipality" else "business_area_id"
    return sum(1 for f in features if str(f["properties"].get(prop)) == value)


def render_page(data: SiteData, page: Page, *, lang: str) -> str:
    """One page as HTML in ``lang``."""
    return environment(lang).get_template(page.template).render(_context(data, page, lang))


def map_script(data: SiteData) -> str:
    """The map's data as a script (``window.landregSiteMap = …``) with the status colours."""
    payload = {**data.map_data, "colors": MAP_STATUS_COLORS}
    return f"window.landregSiteMap = {dumps_script_json(payload)};\n"


def render_site(data: SiteData) -> dict[str, bytes]:
    """Every page in both languages and the map data, by path relative to the site's root.

    Parameters
    ----------
    data : SiteData
        From :func:`maps.site.data.load_site_data`.

    Returns
    -------
    dict
        Path (``index.html``, ``en/kommune/5001.html``, ``data/map.js``, ...) -> content (UTF-8).
    """
    out: dict[str, bytes] = {}
    for page in site_pages(data):
        for lang in LANGS:
            out[page_path(page.path, lang)] = render_page(data, page, lang=lang).encode("utf-8")
    out[MAP_DATA_PATH] = map_script(data).encode("utf-8")
    return out
