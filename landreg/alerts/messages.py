"""The texts of alerts: confirmation and new-site e-mails, webhook bodies, feed entries (bokmål or English).

Texts come from the gettext domain ``alerts`` (``landreg/locale/<lang>/LC_MESSAGES/alerts.po``);
numbers, decares and prices from the formatters of :mod:`landreg.i18n`.
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from email.utils import make_msgid
from typing import Any

from landreg.alerts.model import OutboxMessage, SavedSearch
from landreg.i18n import format_decares, format_nok_m2, format_number, translator
from landreg.municipalities import TRONDELAG_MUNICIPALITIES
from landreg.registry.codec import parse_datetime

DOMAIN = "alerts"
_SERVICE = "landreg"


def site_summary(site: dict[str, Any]) -> dict[str, Any]:
    """The JSON record kept and sent for one site of a search result (a row of ``SearchResult.sites``)."""
    minutes = {k[:-4]: _round(v, 1) for k, v in site.items() if k.endswith("_min")}
    return {
        "site_id": str(site["site_id"]),
        "kind": str(site["kind"]),
        "codes": [str(c) for c in site["codes"]],
        "plot_ids": [str(p) for p in site["plot_ids"]],
        "business_area_id": None if site.get("business_area_id") is None else str(site["business_area_id"]),
        "municipality_no": None if site.get("municipality_no") is None else str(site["municipality_no"]),
        "area_m2": _round(float(site["area_daa"]) * 1000.0, 1),
        "score": _round(site.get("score"), 1),
        "price_nok_m2": _round(site.get("price_nok_m2"), 0),
        "travel_minutes": minutes,
    }


def _round(value: Any, decimals: int) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else round(number, decimals)  # NaN -> None


def site_line(site: dict[str, Any], lang: str) -> str:
    """One site in one line: ``HEG-006 (tomt): 25,3 daa, Trondheim, poengsum 74 av 100, 1 470 kr/m²``."""
    _ = translator(lang, DOMAIN).gettext
    kind = _("plot") if site["kind"] == "plot" else _("adjacent plots")
    municipality = TRONDELAG_MUNICIPALITIES.get(str(site.get("municipality_no")), site.get("municipality_no") or "–")
    parts = [format_decares(site.get("area_m2"), lang), str(municipality)]
    if site.get("score") is not None:
        parts.append(_("score {score} of 100").format(score=format_number(site["score"], lang)))
    if site.get("price_nok_m2") is not None:
        parts.append(format_nok_m2(site["price_nok_m2"], lang))
    return f"{site['site_id']} ({kind}): {', '.join(parts)}"


def plot_url(search: SavedSearch, plot_id: str) -> str:
    """The plot's page in the service."""
    return f"{search.base_url}/collections/plots/items/{plot_id}"


def _criteria_text(criteria: dict[str, Any]) -> str:
    return "; ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(criteria.items())) or "–"


def email_message(search: SavedSearch, message: OutboxMessage, *, sender: str) -> EmailMessage:
    """The e-mail for an outbox message, with the unsubscribe link in the text and in ``List-Unsubscribe``."""
    t = translator(search.lang, DOMAIN)
    _ = t.gettext
    lines: list[str] = []
    if message.kind == "confirmation":
        subject = _("Confirm your saved search")
        lines += [
            _("Someone (we hope you) asked to be told when new business land fits this search:"),
            "",
            _criteria_text(search.criteria),
            "",
            _("To start the notices, confirm by opening this link:"),
            search.confirm_url,
            "",
            _("If you did not ask for this, ignore this message: nothing more will be sent."),
        ]
    else:
        sites = message.payload["sites"]
        subject = t.ngettext(
            "{n} new site fits your saved search", "{n} new sites fit your saved search", len(sites)
        ).format(n=format_number(len(sites), search.lang))
        lines += [_("New sites fit your saved search:"), ""]
        for site in sites:
            lines.append("- " + site_line(site, search.lang))
            lines += [f"  {plot_url(search, p)}" for p in site["plot_ids"]]
        lines += ["", _("All sites announced to this search (Atom feed):"), search.feed_url]
    lines += ["", _("Unsubscribe (no further notices):"), search.unsubscribe_url]
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = sender
    mail["To"] = search.email
    sent = parse_datetime(message.created_at)
    assert sent is not None
    mail["Date"] = email_date(sent)
    mail["Message-ID"] = make_msgid(idstring=message.message_id[:16], domain="landreg.alerts")
    mail["Content-Language"] = search.lang
    mail["List-Unsubscribe"] = f"<{search.unsubscribe_url}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content("\n".join(lines) + "\n")
    return mail


def webhook_body(search: SavedSearch, message: OutboxMessage) -> bytes:
    """The JSON body POSTed to a webhook (UTF-8), signed by the caller."""
    body: dict[str, Any] = {
        "type": message.kind,
        "message_id": message.message_id,
        "search_id": search.search_id,
        "created_at": message.created_at,
        "lang": search.lang,
        "criteria": search.criteria,
        "unsubscribe_url": search.unsubscribe_url,
    }
    if message.kind == "confirmation":
        body["confirm_url"] = search.confirm_url
        body["text"] = translator(search.lang, DOMAIN).gettext("To start the notices, confirm by opening this link:")
    else:
        body["sites"] = message.payload["sites"]
        body["feed_url"] = search.feed_url
        body["text"] = "\n".join(site_line(s, search.lang) for s in message.payload["sites"])
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
