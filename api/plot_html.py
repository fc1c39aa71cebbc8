"""Readable HTML of the plots collection: a table of plots and a card per plot (the JSON stays as it is).

A person reading ``/collections/plots/items`` in a browser sees each plot's code, name,
municipality, size in decares, status, zoning and price, with a link to its card and its dossier,
instead of every stored attribute.  The language follows the browser's ``Accept-Language``
(English when it is asked for before Norwegian, bokmål otherwise); texts come from the ``business`` catalog, the
words for codes from :func:`landreg.i18n.code_label`, numbers from :mod:`landreg.i18n`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import Request

from landreg.i18n import code_label, format_date, format_decares, format_nok_m2, translator
from landreg.registry.base import EntityTables
from maps.business import dossier_path


def page_lang(request: Request) -> str:
    """The page's language: ``en`` when the browser asks for English before Norwegian, else bokmål (the
    default of pages for people)."""
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith(("nb", "no", "nn")):
            return "nb"
    return "nb"


def _price(props: dict[str, Any], lang: str) -> str:
    lo, hi = props.get("price_min_nok_m2"), props.get("price_max_nok_m2")
    if lo is None and hi is None:
        return "–"
    if lo is None or hi is None or lo == hi:
        return format_nok_m2(lo if lo is not None else hi, lang)
    return f"{format_nok_m2(lo, lang)} – {format_nok_m2(hi, lang)}"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def plots_table(features: list[dict[str, Any]], *, lang: str, item_href: str) -> str:
    """The plots of a page as a table: code (linked to its card), name, municipality, daa, status, zoning, price.

    Parameters
    ----------
    features : list of dict
        GeoJSON features of the plots collection.
    lang : str
        ``nb`` or ``en``.
    item_href : str
        The items URL the feature ids are appended to (``/collections/plots/items``).

    Returns
    -------
    str
        An HTML table ("no plots" paragraph when empty).
    """
    _ = translator(lang, "business").gettext
    if not features:
        return f"<p>{_e(_('No plots match.'))}</p>"
    heads = [_("Code"), _("Name"), _("Municipality"), _("Area"), _("Status"), _("Zoning"), _("Asking price"), ""]
    rows = []
    for f in features:
        p = f.get("properties") or {}
        code = str(p.get("code") or f.get("id"))
        card = f"{item_href}/{quote(str(f.get('id')), safe='')}?f=html"
        rows.append(
            "<tr class='plot'>"
            f"<td><a href='{_e(card)}'>{_e(code)}</a></td><td>{_e(p.get('name'))}</td>"
            f"<td>{_e(p.get('municipality_name'))}</td>"
            f"<td class='num'>{_e(format_decares(p.get('area_m2'), lang))}</td>"
            f"<td>{_e(code_label('status', p.get('status'), lang))}</td>"
            f"<td>{_e(code_label('zoning', p.get('zoning'), lang))}</td><td class='num'>{_e(_price(p, lang))}</td>"
            f"<td><a class='dossier' href='{_e(dossier_path(code, lang=lang))}'>{_e(_('Dossier'))}</a></td></tr>"
        )
    head = "".join(f"<th>{_e(h)}</th>" for h in heads)
    return f"<table><tr class='head'>{head}</tr>{''.join(rows)}</table>"


def area_names(registry: EntityTables) -> dict[str, str]:
    """Business area id -> name (``torgard`` -> ``Torgård``), for showing names instead of ids."""
    areas = registry.load_business_areas()
    return {str(a): str(n) for a, n in zip(areas["area_id"], areas["name"], strict=True)} if len(areas) else {}


def plot_card(feature: dict[str, Any], *, lang: str, areas: Mapping[str, str] | None = None) -> str:
    """One plot as a card: what a buyer asks first, in words and decares, with links to its dossier and JSON.

    Parameters
    ----------
    feature : dict
        A GeoJSON feature of the plots collection.
    lang : str
        ``nb`` or ``en``.
    areas : mapping, optional
        Business area id -> name (:func:`area_names`); the id is shown without it.

    Returns
    -------
    str
        HTML (a ``<dl>`` of facts and the links).
    """
    _ = translator(lang, "business").gettext
    p = feature.get("properties") or {}
    code = str(p.get("code") or feature.get("id"))
    utilities = ", ".join(code_label("utility", u, lang) for u in (p.get("utilities") or [])) or _("none recorded")
    plan = code_label("plan_status", p.get("plan_status"), lang) + (f" ({p['plan_id']})" if p.get("plan_id") else "")
    facts = [
        (_("Municipality"), f"{p.get('municipality_name') or '–'} ({p.get('municipality_no') or '–'})"),
        (_("Business area"), (areas or {}).get(str(p.get("business_area_id")), p.get("business_area_id") or "–")),
        (_("Area"), format_decares(p.get("area_m2"), lang)),
        (_("Status"), code_label("status", p.get("status"), lang)),
        (_("Available from"), format_date(p.get("available_from"), lang)),
        (_("Note"), p.get("availability_note") or "–"),
        (_("Zoning"), code_label("zoning", p.get("zoning"), lang)),
        (_("Zoning plan"), plan),
        (_("Readiness"), code_label("readiness", p.get("readiness"), lang)),
        (_("Asking price"), f"{_price(p, lang)} ({code_label('price_basis', p.get('price_basis'), lang)})"),
        (_("Owner"), code_label("owner_type", p.get("owner_type"), lang)),
        (_("Utilities at the boundary"), utilities),
        (_("New road needed"), _("yes") if p.get("requires_new_road") else _("no")),
        (_("Last verified"), format_date(p.get("last_verified"), lang)),
        (_("Version"), p.get("version")),
    ]
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    links = (
        f"<p><a class='dossier' href='{_e(dossier_path(code, lang=lang))}'>{_e(_('Dossier'))}</a> · "
        f"<a href='?f=json'>GeoJSON</a> · <a href='{_e(quote(str(feature.get('id')), safe=''))}/versions'>"
        f"{_e(_('Every version'))}</a></p>"
    )
    style = "<style>dl.card{display:grid;grid-template-columns:14rem auto;gap:.2rem 1rem}dt{font-weight:600}</style>"
    return f"{style}<dl class='card plot'>{items}</dl>{links}"


def plot_title(feature: dict[str, Any], *, lang: str) -> str:
    """``Tomt TOR-001 – Torgård, tomt 1`` (``Plot …`` in English)."""
    p = feature.get("properties") or {}
    name = f" – {p['name']}" if p.get("name") else ""
    return f"{translator(lang, 'business').gettext('Plot')} {p.get('code') or feature.get('id')}{name}"


def plots_title(number_matched: int, *, lang: str) -> str:
    """``Tomter: 554`` (``Plots: 554`` in English)."""
    return f"{translator(lang, 'business').gettext('Plots')}: {number_matched}"
