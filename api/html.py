"""Plain HTML views of the landing page, collections and items (no scripts, no CDN).

The views speak the reader's language: bokmål unless the browser asks for English first
(:func:`api.plot_html.page_lang`); their texts come from the ``ogc`` catalog.  The JSON
documents stay as they are.
"""

from __future__ import annotations

import html
import json
from typing import Any

from fastapi.responses import HTMLResponse

from landreg.i18n import translator

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.2rem .5rem;font-size:.9rem;text-align:left}"
    ".note{color:#555;font-size:.85rem}td.num{text-align:right;white-space:nowrap}"
)


def text(message: str, lang: str) -> str:
    """``message`` (an English text of the service) in ``lang``; unchanged when the catalog has no translation."""
    return translator(lang, "ogc").gettext(message)


def link_title(title: str, lang: str) -> str:
    """A link's title in ``lang``: the whole title, else its part before a trailing ``(GeoJSON)``-like note."""
    said = text(title, lang)
    if said == title and title.endswith(")") and " (" in title:
        stem, note = title.rsplit(" (", 1)
        return f"{text(stem, lang)} ({note}"
    return said


def page(title: str, body: str, *, notice: str = "", lang: str = "nb") -> HTMLResponse:
    """A complete HTML page; ``notice`` says what of the data shown is synthetic (empty: nothing is).

    The notice comes from :meth:`landreg.provenance.SyntheticSummary.text` over the data shown;
    ``lang`` is the language of the page's text (``en``, ``nb``).
    """
    said = f"<p class='note synthetic'>{html.escape(notice)}</p>" if notice else ""
    return HTMLResponse(
        f"<!doctype html><html lang='{html.escape(lang)}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}{said}"
        f"<p class='note'>{html.escape(text(_ATTRIBUTION, lang))}</p></body></html>"
    )


_ATTRIBUTION = "Contains data from Kartverket (© Kartverket, CC BY 4.0) and © OpenStreetMap contributors (ODbL)."


def links_list(links: list[dict[str, Any]], *, lang: str = "nb") -> str:
    """Links as an HTML list, their titles in ``lang``."""
    items = "".join(
        f"<li><a href='{html.escape(lk['href'])}'>{html.escape(link_title(lk.get('title') or lk['rel'], lang))}</a> "
        f"<span class='note'>({html.escape(lk['rel'])}, {html.escape(lk.get('type', ''))})</span></li>"
        for lk in links
    )
    return f"<ul>{items}</ul>"


def features_table(features: list[dict[str, Any]], *, limit_columns: int = 12, lang: str = "nb") -> str:
    """Feature properties as an HTML table."""
    if not features:
        return f"<p>{html.escape(text('No features.', lang))}</p>"
    cols = list(features[0]["properties"])[:limit_columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    rows = []
    for f in features:
        cells = []
        for c in cols:
            v = f["properties"].get(c)
            shown = json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else ("" if v is None else str(v))
            cells.append(f"<td>{html.escape(shown)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"
