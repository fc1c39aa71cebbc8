"""Plain HTML views of the landing page, collections and items (no scripts, no CDN)."""

from __future__ import annotations

import html
import json
from typing import Any

from fastapi.responses import HTMLResponse

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.2rem .5rem;font-size:.9rem;text-align:left}"
    ".note{color:#555;font-size:.85rem}td.num{text-align:right;white-space:nowrap}"
)


def page(title: str, body: str, *, notice: str = "", lang: str = "en") -> HTMLResponse:
    """A complete HTML page; ``notice`` says what of the data shown is synthetic (empty: nothing is).

    The notice comes from :meth:`landreg.provenance.SyntheticSummary.text` over the data shown;
    ``lang`` is the language of the page's text (``en``, ``nb``).
    """
    said = f"<p class='note synthetic'>{html.escape(notice)}</p>" if notice else ""
    return HTMLResponse(
        f"<!doctype html><html lang='{html.escape(lang)}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}{said}"
        "<p class='note'>Contains data from Kartverket (© Kartverket, CC BY 4.0) and © OpenStreetMap contributors "
        "(ODbL).</p></body></html>"
    )


def links_list(links: list[dict[str, Any]]) -> str:
    """Links as an HTML list."""
    items = "".join(
        f"<li><a href='{html.escape(lk['href'])}'>{html.escape(lk.get('title') or lk['rel'])}</a> "
        f"<span class='note'>({html.escape(lk['rel'])}, {html.escape(lk.get('type', ''))})</span></li>"
        for lk in links
    )
    return f"<ul>{items}</ul>"


def features_table(features: list[dict[str, Any]], *, limit_columns: int = 12) -> str:
    """Feature properties as an HTML table."""
    if not features:
        return "<p>No features.</p>"
    cols = list(features[0]["properties"])[:limit_columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    rows = []
    for f in features:
        cells = []
        for c in cols:
            v = f["properties"].get(c)
            text = json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else ("" if v is None else str(v))
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"
